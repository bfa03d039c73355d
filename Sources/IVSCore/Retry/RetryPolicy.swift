#if canImport(Glibc)
import Glibc
#endif
import CIVSShims

public enum RetryMode: String, Sendable { case standard, adaptive, off }

/// What the retry policy decided after a failed attempt.
public enum RetryDecision: Equatable {
    /// Try again after this many seconds.
    case retry(after: Double)
    /// Stop: the failure is the call's result. The reason is for the log.
    case stop(String)
}

/// One call's standing with the retry policy, kept by the driver between attempts.
public struct RetryState {
    /// Attempts made so far.
    public var attempts = 0
    /// What the last retry took from the quota (botocore gives that back on success).
    var lastRetryCost: Int? = nil

    public init() {}
}

/// botocore's standard retry mode, composed as its retries/standard.py composes checkers: which
/// failures are retryable, whether attempts are left, whether the retry quota pays for another try
/// (so a client does not retry into an outage), how long to wait, and in adaptive mode the client-side
/// rate limiter that every attempt passes. Both drivers (blocking and in flight) ask the same object.
public final class RetryPolicy: @unchecked Sendable {
    public let mode: RetryMode
    public let maxAttempts: Int
    static let maxBackoff: Double = 20
    static let initialQuota = 500
    static let retryCost = 5
    static let timeoutRetryCost = 10
    static let noRetryIncrement = 1

    /// The retry quota, updated by compare-and-swap: every successful call gives a token back, so a
    /// lock here would be taken by every call of every thread sharing the client.
    private let quota: UnsafeMutablePointer<CLong>
    /// Adaptive mode's client-side rate limiter (nil in the other modes).
    public let rateLimiter: ClientRateLimiter?

    public init(mode: RetryMode, maxAttempts: Int) {
        self.mode = mode
        self.maxAttempts = mode == .off ? 1 : max(1, maxAttempts)
        self.rateLimiter = mode == .adaptive ? ClientRateLimiter() : nil
        quota = .allocate(capacity: 1)
        quota.initialize(to: CLong(Self.initialQuota))
    }

    deinit { quota.deallocate() }

    // MARK: The decisions a driver asks for

    /// Before each attempt: how long to wait for the rate limiter (0: send now). Only adaptive mode,
    /// after a throttle, ever waits.
    public func sendingDelay() -> Double {
        rateLimiter?.tryAcquire() ?? 0
    }

    /// After a successful attempt: give back what the call's last retry took, or one token if it
    /// took none (botocore's RetryQuotaChecker.release_retry_quota), and tell the limiter.
    public func succeeded(_ state: RetryState) {
        updateQuota { min(Self.initialQuota, $0 + (state.lastRetryCost ?? Self.noRetryIncrement)) }
        rateLimiter?.update(throttled: false)
    }

    /// After a failed attempt (failure.retryable set by the classifier): retry after a delay, or stop.
    public func decide(_ failure: IVSError, response: HTTPResponse?, _ state: inout RetryState) -> RetryDecision {
        rateLimiter?.update(throttled: Self.isThrottling(failure))
        guard failure.retryable else { return .stop("not retryable") }
        guard state.attempts < maxAttempts else { return .stop("no attempts left (max \(maxAttempts))") }
        let cost = Self.isTimeout(failure) ? Self.timeoutRetryCost : Self.retryCost
        guard updateQuota({ $0 >= cost ? $0 - cost : nil }) else { return .stop("retry quota exhausted") }
        state.lastRetryCost = cost
        return .retry(after: Self.delay(attempt: state.attempts, response: response, random: Double.random(in: 0..<1)))
    }

    // MARK: The rules

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]
    static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"]
    static let transientStatus: Set<Int> = [500, 502, 503, 504]

    /// Throttling by error code, as botocore's ThrottledRetryableChecker (the IVS models mark no
    /// error shape with a retryable trait, so the code list is the whole rule).
    public static func isThrottling(_ e: IVSError) -> Bool {
        e.kind == .service && throttlingCodes.contains(e.code)
    }

    static func isTimeout(_ e: IVSError) -> Bool {
        e.kind == .network && (e.code == ErrorCode.connectTimeout || e.code == ErrorCode.readTimeout)
    }

    /// Whether an error is worth another attempt (independent of attempts left and quota).
    public static func isRetryable(_ e: IVSError) -> Bool {
        switch e.kind {
        case .network: return true
        case .service:
            return isThrottling(e) || transientCodes.contains(e.code) || transientStatus.contains(e.httpStatus ?? 0)
        default: return false
        }
    }

    /// The delay before retry number `attempt` (1-based attempt that just failed): rand * min(2^(attempt-1), 20).
    public static func backoff(attempt: Int, random: Double) -> Double {
        random * min(pow(2, Double(attempt - 1)), maxBackoff)
    }

    /// The wait before the next attempt after attempt number `attempt` failed: what the service asked
    /// for (x-amz-retry-after or Retry-After, at most 20 s), else the jittered exponential backoff.
    public static func delay(attempt: Int, response: HTTPResponse?, random: Double) -> Double {
        serverDelay(response).map { min($0, maxBackoff) } ?? backoff(attempt: attempt, random: random)
    }

    /// Replaces the quota with transform(quota) atomically; transform returns nil to leave it as is.
    @discardableResult
    private func updateQuota(_ transform: (Int) -> Int?) -> Bool {
        while true {
            let q = civs_atomic_load_long(quota)
            guard let n = transform(Int(q)) else { return false }
            if n == Int(q) || civs_atomic_cas_long(quota, q, CLong(n)) != 0 { return true }
        }
    }

    /// Takes retry tokens from the quota; nil when the quota cannot pay for another retry.
    func acquire(isTimeout: Bool) -> Int? {
        let cost = isTimeout ? Self.timeoutRetryCost : Self.retryCost
        return updateQuota { $0 >= cost ? $0 - cost : nil } ? cost : nil
    }

    /// Gives back a retry's cost, or one token (for tests of the quota on its own).
    func release(retryCost: Int?) {
        updateQuota { min(Self.initialQuota, $0 + (retryCost ?? Self.noRetryIncrement)) }
    }

    public var availableQuota: Int { Int(civs_atomic_load_long(quota)) }

    /// Delay asked for by the service: x-amz-retry-after (milliseconds) or Retry-After (seconds or an
    /// HTTP date), in seconds from now, never negative. A value that is not one of those forms (or is
    /// not finite) counts as absent; the caller caps the result at maxBackoff.
    static func serverDelay(_ r: HTTPResponse?) -> Double? {
        guard let r else { return nil }
        if let ms = r.header("x-amz-retry-after").flatMap(decimal) { return ms / 1000 }
        if let ra = r.header("retry-after") {
            if let s = decimal(ra) { return s }
            if let d = Clock.parseHTTPDate(ra) { return max(0, d - Clock.now()) }
        }
        return nil
    }

    /// A non-negative decimal number of at most 16 characters ("120", "1.5"), as a Double; nil otherwise.
    static func decimal(_ text: String) -> Double? {
        let t = Text.trimmed(text)
        guard !t.isEmpty, t.utf8.count <= 16, t.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }),
              let v = Double(t), v.isFinite, v >= 0 else { return nil }
        return v
    }

    /// Sleeps for seconds (at most a day: callers pass delays capped far lower).
    public static func sleep(seconds: Double) {
        guard seconds > 0, seconds.isFinite else { return }
        let s = min(seconds, 86_400)
        let whole = s.rounded(.down)
        var ts = timespec(tv_sec: Int(whole), tv_nsec: Int((s - whole) * 1e9))
        var rem = timespec()
        while nanosleep(&ts, &rem) != 0 && errno == EINTR { ts = rem }
    }
}
