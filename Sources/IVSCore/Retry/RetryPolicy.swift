#if canImport(Glibc)
import Glibc
#endif
import CIVSShims

public enum RetryMode: String, Sendable { case standard, adaptive, off }

/// botocore's standard retry mode: which failures are retried, how long to wait, and the retry quota
/// that stops a client from retrying into an outage.
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

    /// Replaces the quota with transform(quota) atomically; transform returns nil to leave it as is.
    @discardableResult
    private func updateQuota(_ transform: (Int) -> Int?) -> Bool {
        while true {
            let q = civs_atomic_load_long(quota)
            guard let n = transform(Int(q)) else { return false }
            if n == Int(q) || civs_atomic_cas_long(quota, q, CLong(n)) != 0 { return true }
        }
    }

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

    /// Takes retry tokens from the quota; nil when the quota cannot pay for another retry.
    public func acquire(isTimeout: Bool) -> Int? {
        let cost = isTimeout ? Self.timeoutRetryCost : Self.retryCost
        return updateQuota { $0 >= cost ? $0 - cost : nil } ? cost : nil
    }

    /// After a success: give back what its last retry cost, or one token if it took none (botocore's
    /// RetryQuotaChecker.release_retry_quota).
    public func release(retryCost: Int?) {
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
        let t = SharedConfigFile.trim(text)
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

/// Adaptive mode's token bucket with a CUBIC-adjusted fill rate, as botocore's adaptive retry mode
/// (botocore/retries/adaptive.py, bucket.py, throttling.py).
/// Initial state as botocore's: TokenBucket(max_rate=1) (fill rate 1, capacity 0), CubicCalculator
/// (w_max 0, last failure now), RateClocker (bucket floor(now)). The clock is injectable for tests.
public final class ClientRateLimiter: @unchecked Sendable {
    static let beta = 0.7
    static let scaleConstant = 0.4
    static let smooth = 0.8
    static let minFillRate = 0.5
    static let maxRateAdjustScale = 2.0
    private let lock = Lock()
    private let clock: @Sendable () -> Double
    private var enabled = false
    private var fillRate = 1.0
    private var maxCapacity = 1.0
    private var capacity = 0.0
    private var lastTimestamp: Double?
    private var lastMaxRate = 0.0
    private var lastThrottleTime: Double
    private var timeWindow = 0.0
    private var measuredTxRate = 0.0
    private var lastTxRateBucket: Double
    private var requestCount = 0

    public init(clock: @escaping @Sendable () -> Double = { Clock.monotonic() }) {
        self.clock = clock
        let now = clock()
        lastThrottleTime = now
        lastTxRateBucket = now.rounded(.down)
        lastTimestamp = now // TokenBucket's constructor refills once, which starts its clock
    }

    /// Blocks until the bucket allows one request (only once a throttle has been seen).
    public func acquire() {
        while true {
            let wait = tryAcquire()
            if wait <= 0 { return }
            RetryPolicy.sleep(seconds: wait)
        }
    }

    /// Feeds one response in: throttled or not.
    public func update(throttled: Bool) {
        lock.withLock {
            updateMeasuredRate()
            let now = clock()
            let newRate: Double
            if throttled {
                let rateToUse = enabled ? min(measuredTxRate, fillRate) : measuredTxRate
                lastMaxRate = rateToUse
                timeWindow = pow(lastMaxRate * (1 - Self.beta) / Self.scaleConstant, 1.0 / 3)
                newRate = rateToUse * Self.beta
                lastThrottleTime = now
                enabled = true
            } else {
                let t = now - lastThrottleTime
                newRate = Self.scaleConstant * pow(t - timeWindow, 3) + lastMaxRate
            }
            updateRate(min(newRate, Self.maxRateAdjustScale * measuredTxRate))
        }
    }

    private func refill() {
        let now = clock()
        if let last = lastTimestamp {
            capacity = min(maxCapacity, capacity + (now - last) * fillRate)
        }
        lastTimestamp = now
    }

    private func updateRate(_ rate: Double) {
        refill()
        fillRate = max(rate, Self.minFillRate)
        maxCapacity = max(rate, 1)
        capacity = min(capacity, maxCapacity)
    }

    private func updateMeasuredRate() {
        let now = clock()
        let bucket = (now * 2).rounded(.down) / 2
        requestCount += 1
        if bucket > lastTxRateBucket {
            let current = Double(requestCount) / (bucket - lastTxRateBucket)
            measuredTxRate = current * Self.smooth + measuredTxRate * (1 - Self.smooth)
            requestCount = 0
            lastTxRateBucket = bucket
        }
    }

    /// Current fill rate (requests per second), for tests.
    public var currentFillRate: Double { lock.withLock { fillRate } }
    public var isEnabled: Bool { lock.withLock { enabled } }
    /// Measured send rate and the token bucket's capacity, for tests.
    public var measuredRate: Double { lock.withLock { measuredTxRate } }
    public var availableCapacity: Double { lock.withLock { capacity } }

    /// Takes one token without waiting: the seconds to wait when none is available yet (0 = taken).
    /// acquire() is this in a loop with sleeps.
    public func tryAcquire() -> Double {
        lock.withLock {
            guard enabled else { return 0 }
            refill()
            if capacity >= 1 { capacity -= 1; return 0 }
            return (1 - capacity) / fillRate
        }
    }
}
