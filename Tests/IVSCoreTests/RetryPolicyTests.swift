import XCTest
@testable import IVSCore

/// Standard and adaptive retry mode against botocore (retries/standard.py, adaptive.py, bucket.py,
/// throttling.py): what is retried, the backoff bounds, the quota, and the CUBIC rate limiter.
final class RetryPolicyTests: XCTestCase {
    func testWhatIsRetried() {
        func service(_ code: String, _ status: Int) -> IVSError { IVSError(.service, code: code, "", httpStatus: status) }
        XCTAssertTrue(RetryPolicy.isRetryable(service("ThrottlingException", 429)))
        XCTAssertTrue(RetryPolicy.isRetryable(service("TooManyRequestsException", 400)))
        XCTAssertTrue(RetryPolicy.isRetryable(service("Anything", 503)))
        XCTAssertTrue(RetryPolicy.isRetryable(service("RequestTimeout", 400)))
        XCTAssertTrue(RetryPolicy.isRetryable(IVSError(.network, code: ErrorCode.readTimeout, "")))
        XCTAssertFalse(RetryPolicy.isRetryable(service("ResourceNotFoundException", 404)))
        XCTAssertFalse(RetryPolicy.isRetryable(service("ValidationException", 400)))
        XCTAssertFalse(RetryPolicy.isRetryable(service("NotImplemented", 501)))
        XCTAssertFalse(RetryPolicy.isRetryable(IVSError(.credentials, code: "NoCredentialsError", "")))
    }

    func testBackoffIsRandTimesCappedPowerOfTwo() {
        XCTAssertEqual(RetryPolicy.backoff(attempt: 1, random: 1), 1)
        XCTAssertEqual(RetryPolicy.backoff(attempt: 3, random: 0.5), 2)
        XCTAssertEqual(RetryPolicy.backoff(attempt: 10, random: 1), 20)
        XCTAssertEqual(RetryPolicy.backoff(attempt: 4, random: 0), 0)
    }

    func testServerDelayWins() {
        let ms = HTTPResponse(status: 503, headers: [("x-amz-retry-after", "1500")], body: [])
        let s = HTTPResponse(status: 429, headers: [("retry-after", "3")], body: [])
        let long = HTTPResponse(status: 429, headers: [("retry-after", "120")], body: [])
        XCTAssertEqual(RetryPolicy.delay(attempt: 1, response: ms, random: 0.9), 1.5)
        XCTAssertEqual(RetryPolicy.delay(attempt: 1, response: s, random: 0.9), 3)
        XCTAssertEqual(RetryPolicy.delay(attempt: 1, response: long, random: 0.9), 20)
        XCTAssertEqual(RetryPolicy.delay(attempt: 2, response: nil, random: 0.5), 1)
    }

    func testQuota() {
        let p = RetryPolicy(mode: .standard, maxAttempts: 3)
        XCTAssertEqual(p.acquire(isTimeout: false), 5)
        XCTAssertEqual(p.acquire(isTimeout: true), 10)
        XCTAssertEqual(p.availableQuota, 485)
        p.release(retryCost: 10)
        p.release(retryCost: nil)
        XCTAssertEqual(p.availableQuota, 496)
        while p.acquire(isTimeout: false) != nil {}
        XCTAssertEqual(p.availableQuota, 1)
        XCTAssertNil(p.acquire(isTimeout: false))
        for _ in 0..<1000 { p.release(retryCost: nil) }
        XCTAssertEqual(p.availableQuota, 500)
        XCTAssertEqual(RetryPolicy(mode: .off, maxAttempts: 5).maxAttempts, 1)
    }

    /// The quota is updated by compare-and-swap from every thread sharing a client: no token may be
    /// lost or made up.
    func testQuotaUnderConcurrentCallers() {
        let p = RetryPolicy(mode: .standard, maxAttempts: 3)
        let granted = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            var mine = 0
            for _ in 0..<1000 { if p.acquire(isTimeout: false) != nil { mine += 1 } }
            granted.withValue { $0 += mine }
        }
        XCTAssertEqual(granted.withValue { $0 }, 100) // 500 tokens, 5 a retry
        XCTAssertEqual(p.availableQuota, 0)
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for i in 0..<1000 {
                if (t + i) % 2 == 0, p.acquire(isTimeout: false) != nil { p.release(retryCost: 5) }
                p.release(retryCost: nil)
            }
        }
        XCTAssertEqual(p.availableQuota, 500) // capped, and every acquisition was given back
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<10 { XCTAssertNotNil(p.acquire(isTimeout: true)) }
        }
        XCTAssertEqual(p.availableQuota, 500 - 4 * 10 * 10)
    }

    final class FakeClock: @unchecked Sendable {
        var now = 0.0
    }

    /// Fixtures/adaptive.json: botocore's ClientRateLimiter on a fake clock (Tests/config/make_fixtures.py).
    func testAdaptiveLimiterMatchesBotocore() throws {
        let rows = try Fixtures.load("adaptive")
        let clock = FakeClock()
        clock.now = 1000
        let limiter = ClientRateLimiter(clock: { clock.now })
        for row in rows {
            clock.now = try XCTUnwrap(row["time"] as? Double)
            limiter.update(throttled: try XCTUnwrap(row["throttled"] as? Bool))
            let at = "at \(clock.now)"
            XCTAssertEqual(limiter.currentFillRate, try XCTUnwrap(row["fillRate"] as? Double), accuracy: 1e-9, at)
            XCTAssertEqual(limiter.measuredRate, try XCTUnwrap(row["measuredRate"] as? Double), accuracy: 1e-9, at)
            XCTAssertEqual(limiter.availableCapacity, try XCTUnwrap(row["capacity"] as? Double), accuracy: 1e-9, at)
            XCTAssertEqual(limiter.isEnabled, try XCTUnwrap(row["enabled"] as? Bool), at)
        }
    }

    func testAdaptiveBucketMakesCallersWaitAfterThrottling() {
        let clock = FakeClock()
        clock.now = 50
        let limiter = ClientRateLimiter(clock: { clock.now })
        XCTAssertEqual(limiter.tryAcquire(), 0)            // not enabled before a throttle
        clock.now = 50.6
        limiter.update(throttled: true)
        XCTAssertTrue(limiter.isEnabled)
        let wait = limiter.tryAcquire()
        XCTAssertGreaterThan(wait, 0)                      // the bucket starts empty
        clock.now += wait + 1e-9
        XCTAssertEqual(limiter.tryAcquire(), 0)
    }
}
