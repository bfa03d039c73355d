#if canImport(Glibc)
import Glibc
#endif

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
    /// A driver waits that long (a blocking call sleeps, a call in flight sets a timer) and asks again.
    public func tryAcquire() -> Double {
        lock.withLock {
            guard enabled else { return 0 }
            refill()
            if capacity >= 1 { capacity -= 1; return 0 }
            return (1 - capacity) / fillRate
        }
    }
}
