import XCTest
@testable import IVSCore

/// RetryPolicy.decide, the pipeline stage after a failed attempt: retry (and when) or stop. The order
/// of its checks is botocore's standard mode: the adaptive limiter hears of every response, then
/// retryable?, attempts left?, does the quota pay? (RetryPolicyTests has the rules it composes.)
final class RetryDecisionTests: XCTestCase {
    /// A failure as the classifier hands it over, retryable set.
    private func failure(_ kind: IVSError.Kind = .service, _ code: String, status: Int? = nil) -> IVSError {
        var e = IVSError(kind, code: code, "", httpStatus: status)
        e.retryable = RetryPolicy.isRetryable(e)
        return e
    }

    private let throttled = HTTPResponse(status: 429, headers: [], body: [])

    private func after(attempts: Int) -> RetryState {
        var s = RetryState()
        s.attempts = attempts
        return s
    }

    func testANonRetryableFailureStopsAndCostsNothing() {
        let p = RetryPolicy(mode: .standard, maxAttempts: 3)
        var state = after(attempts: 1)
        XCTAssertEqual(p.decide(failure(.service, "ValidationException", status: 400), response: nil, &state), .stop("not retryable"))
        XCTAssertEqual(p.decide(failure(.credentials, ErrorCode.noCredentials), response: nil, &state), .stop("not retryable"))
        XCTAssertEqual(p.availableQuota, 500)
        XCTAssertNil(state.lastRetryCost)
    }

    func testARetryableFailureWithAttemptsLeftRetriesAfterTheJitteredBackoffAndCostsFive() {
        let p = RetryPolicy(mode: .standard, maxAttempts: 3)
        var state = after(attempts: 2)
        guard case .retry(let delay) = p.decide(failure(.service, "InternalServerException", status: 500), response: nil, &state) else {
            return XCTFail("a 500 with attempts left was not retried")
        }
        XCTAssertTrue((0..<2).contains(delay), "rand * min(2^(2-1), 20): \(delay)")
        XCTAssertEqual(p.availableQuota, 495)
        XCTAssertEqual(state.lastRetryCost, 5)
    }

    func testATimeoutCostsTenAndOtherNetworkFailuresFive() {
        let p = RetryPolicy(mode: .standard, maxAttempts: 5)
        var state = after(attempts: 1)
        _ = p.decide(failure(.network, ErrorCode.readTimeout), response: nil, &state)
        XCTAssertEqual(state.lastRetryCost, 10)
        _ = p.decide(failure(.network, ErrorCode.connectTimeout), response: nil, &state)
        XCTAssertEqual(state.lastRetryCost, 10)
        _ = p.decide(failure(.network, ErrorCode.endpointConnection), response: nil, &state)
        XCTAssertEqual(state.lastRetryCost, 5)
        XCTAssertEqual(p.availableQuota, 500 - 25)
    }

    func testTheLastAttemptStopsWithoutTouchingTheQuota() {
        let p = RetryPolicy(mode: .standard, maxAttempts: 3)
        var state = after(attempts: 3)
        XCTAssertEqual(p.decide(failure(.service, "ThrottlingException", status: 429), response: throttled, &state),
                       .stop("no attempts left (max 3)"))
        XCTAssertEqual(p.availableQuota, 500)
    }

    func testAnEmptyQuotaStopsRetriesUntilSuccessesRefillIt() {
        let p = RetryPolicy(mode: .standard, maxAttempts: 3)
        while p.acquire(isTimeout: false) != nil {}
        XCTAssertEqual(p.availableQuota, 0)
        var state = after(attempts: 1)
        XCTAssertEqual(p.decide(failure(.service, "ServiceUnavailable", status: 503), response: nil, &state),
                       .stop("retry quota exhausted"))
        for _ in 0..<4 { p.succeeded(RetryState()) }
        XCTAssertEqual(p.decide(failure(.service, "ServiceUnavailable", status: 503), response: nil, &state),
                       .stop("retry quota exhausted"), "4 tokens do not pay for a retry")
        p.succeeded(RetryState())
        guard case .retry = p.decide(failure(.service, "ServiceUnavailable", status: 503), response: nil, &state) else {
            return XCTFail("5 tokens pay for a retry")
        }
        XCTAssertEqual(p.availableQuota, 0)
    }

    func testASuccessGivesBackWhatTheCallsLastRetryCostOrOneToken() {
        let p = RetryPolicy(mode: .standard, maxAttempts: 3)
        _ = p.acquire(isTimeout: true)
        _ = p.acquire(isTimeout: true)
        XCTAssertEqual(p.availableQuota, 480)
        var state = after(attempts: 1)
        _ = p.decide(failure(.network, ErrorCode.readTimeout), response: nil, &state)
        XCTAssertEqual(p.availableQuota, 470)
        p.succeeded(state)
        XCTAssertEqual(p.availableQuota, 480, "the retry's 10 come back")
        p.succeeded(RetryState())
        XCTAssertEqual(p.availableQuota, 481, "a call that never retried gives one")
        for _ in 0..<100 { p.succeeded(RetryState()) }
        XCTAssertEqual(p.availableQuota, 500, "never above the initial 500")
    }

    func testTheDelayTheServiceAsksForIsTheDelay() {
        let p = RetryPolicy(mode: .standard, maxAttempts: 3)
        var state = after(attempts: 1)
        let asked = HTTPResponse(status: 503, headers: [("x-amz-retry-after", "2500")], body: [])
        XCTAssertEqual(p.decide(failure(.service, "ServiceUnavailable", status: 503), response: asked, &state), .retry(after: 2.5))
        let tooLong = HTTPResponse(status: 429, headers: [("Retry-After", "3600")], body: [])
        XCTAssertEqual(p.decide(failure(.service, "ThrottlingException", status: 429), response: tooLong, &state), .retry(after: 20))
    }

    func testWithRetriesOffTheFirstFailureIsFinal() {
        let p = RetryPolicy(mode: .off, maxAttempts: 10)
        var state = after(attempts: 1)
        XCTAssertEqual(p.decide(failure(.service, "ThrottlingException", status: 429), response: throttled, &state),
                       .stop("no attempts left (max 1)"))
        XCTAssertNil(p.rateLimiter)
    }

    func testThrottlingSlowsAnAdaptiveClientEvenWhenTheCallStops() throws {
        let p = RetryPolicy(mode: .adaptive, maxAttempts: 2)
        let limiter = try XCTUnwrap(p.rateLimiter)
        XCTAssertEqual(p.sendingDelay(), 0, "no throttle yet: send at once")
        var state = after(attempts: 2)
        XCTAssertEqual(p.decide(failure(.service, "ThrottlingException", status: 429), response: throttled, &state),
                       .stop("no attempts left (max 2)"))
        XCTAssertTrue(limiter.isEnabled, "the throttle reached the limiter")
        XCTAssertGreaterThan(p.sendingDelay(), 0, "the next attempt of any call waits")
    }

    func testOtherFailuresDoNotSlowAnAdaptiveClient() throws {
        let p = RetryPolicy(mode: .adaptive, maxAttempts: 3)
        let limiter = try XCTUnwrap(p.rateLimiter)
        for f in [failure(.service, "ServiceUnavailable", status: 503), failure(.service, "ValidationException", status: 400),
                  failure(.network, ErrorCode.readTimeout)] {
            var state = after(attempts: 1)
            _ = p.decide(f, response: nil, &state)
        }
        XCTAssertFalse(limiter.isEnabled)
        XCTAssertEqual(p.sendingDelay(), 0)
    }

    func testStandardModeHasNoLimiterAndNeverWaitsBeforeSending() {
        let p = RetryPolicy(mode: .standard, maxAttempts: 3)
        var state = after(attempts: 1)
        for _ in 0..<5 { _ = p.decide(failure(.service, "ThrottlingException", status: 429), response: throttled, &state) }
        XCTAssertNil(p.rateLimiter)
        XCTAssertEqual(p.sendingDelay(), 0)
    }
}
