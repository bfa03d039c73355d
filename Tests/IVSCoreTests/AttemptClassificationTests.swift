import XCTest
@testable import IVSCore

/// classify, the pipeline stage between send and decide: what one attempt's transport result means
/// for the call (success, the service's error, or a transport failure) and whether another attempt
/// could help.
final class AttemptClassificationTests: XCTestCase {
    private var client: Client!
    private var call: PreparedCall!

    override func setUpWithError() throws {
        client = try offlineClient()
        let input = try Fixtures.parse(#"{"arn":"arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD1234"}"#)
        defer { JSON.release(input) }
        call = try client.prepare(.ivs, ServiceModel.ivs.operation(named: "GetChannel")!, input).get()
    }

    private func classified(_ status: Int, _ body: String = "", headers: [(String, String)] = []) -> AttemptOutcome {
        client.classify(call, .success(response(status, body, headers: headers)))
    }

    private func failure(_ outcome: AttemptOutcome, file: StaticString = #filePath, line: UInt = #line) -> (IVSError, HTTPResponse?)? {
        guard case .failure(let e, let r) = outcome else {
            XCTFail("classified as success", file: file, line: line)
            return nil
        }
        return (e, r)
    }

    func testEvery2xxIsSuccessWithItsResponse() {
        for status in [200, 201, 204, 299] {
            guard case .success(let r) = classified(status, "{}") else { XCTFail("\(status)"); continue }
            XCTAssertEqual(r.status, status)
            XCTAssertEqual(r.body, Array("{}".utf8))
        }
    }

    func testAnyOtherStatusIsTheServicesErrorWithItsResponse() throws {
        let (e, r) = try XCTUnwrap(failure(classified(404, #"{"exceptionMessage":"no channel"}"#,
                                                       headers: [("x-amzn-ErrorType", "ResourceNotFoundException"),
                                                                 ("x-amzn-RequestId", "rid")])))
        XCTAssertEqual(e.kind, .service)
        XCTAssertEqual(e.code, "ResourceNotFoundException")
        XCTAssertEqual(e.httpStatus, 404)
        XCTAssertEqual(e.requestId, "rid")
        XCTAssertFalse(e.retryable)
        XCTAssertEqual(r?.status, 404, "the response goes with the failure, for ResponseMetadata and Retry-After")
        for status in [100, 199, 300, 304, 600] {
            XCTAssertNotNil(failure(classified(status)), "\(status)")
        }
    }

    func testThrottlingTransientCodesAndTransientStatusesAreRetryable() throws {
        let retryable: [(Int, String, [(String, String)])] = [
            (429, "", [("x-amzn-ErrorType", "ThrottlingException")]),
            (429, "", []), // a bare 429 reads as TooManyRequestsException
            (400, #"{"__type":"TooManyRequestsException"}"#, []),
            (400, #"{"__type":"RequestTimeoutException"}"#, []),
            (500, #"{"__type":"InternalServerException"}"#, []),
            (502, "<html>Bad Gateway</html>", []),
            (503, "", []),
            (504, "", []),
        ]
        for (status, body, headers) in retryable {
            let (e, _) = try XCTUnwrap(failure(classified(status, body, headers: headers)))
            XCTAssertTrue(e.retryable, "\(status) \(e.code)")
        }
        let final: [(Int, String)] = [(400, #"{"__type":"ValidationException"}"#), (402, #"{"__type":"ServiceQuotaExceededException"}"#),
                                      (403, #"{"__type":"AccessDeniedException"}"#), (409, #"{"__type":"ConflictException"}"#),
                                      (501, ""), (505, ""), (404, "")]
        for (status, body) in final {
            let (e, _) = try XCTUnwrap(failure(classified(status, body)))
            XCTAssertFalse(e.retryable, "\(status) \(e.code)")
        }
    }

    func testNetworkFailuresAreRetryableWithBotocoresNames() throws {
        let names: [(TransportError.Kind, String)] = [(.connect, ErrorCode.endpointConnection), (.dns, ErrorCode.endpointResolution),
                                                      (.tls, ErrorCode.ssl), (.connectTimeout, ErrorCode.connectTimeout),
                                                      (.readTimeout, ErrorCode.readTimeout), (.reset, ErrorCode.connectionClosed),
                                                      (.other, ErrorCode.httpClient)]
        for (kind, code) in names {
            let (e, r) = try XCTUnwrap(failure(client.classify(call, .failure(TransportError(kind: kind, message: "what curl said")))))
            XCTAssertEqual(e.kind, .network, code)
            XCTAssertEqual(e.code, code)
            XCTAssertTrue(e.retryable, code)
            XCTAssertNil(r, "no response: the service did not answer")
            XCTAssertNil(e.httpStatus)
            XCTAssertEqual(e.message, "POST http://127.0.0.1:9: what curl said", "says what was being sent where")
        }
    }

    func testAResponseOverTheBoundsIsTheServicesFaultAndFinal() throws {
        let (e, r) = try XCTUnwrap(failure(client.classify(call, .failure(TransportError(kind: .tooLarge(status: 200), message: "over 10 bytes")))))
        XCTAssertEqual(e.kind, .service)
        XCTAssertEqual(e.code, ErrorCode.responseTooLarge)
        XCTAssertEqual(e.httpStatus, 200)
        XCTAssertFalse(e.retryable, "the same answer would come again")
        XCTAssertNil(r)
        let (unknown, _) = try XCTUnwrap(failure(client.classify(call, .failure(TransportError(kind: .tooLarge(status: 0), message: "headers")))))
        XCTAssertNil(unknown.httpStatus, "no status line yet: no status")
    }

    func testAHeaderThatCannotBeSentIsTheCallersArgumentAndFinal() throws {
        let (e, _) = try XCTUnwrap(failure(client.classify(call, .failure(TransportError(kind: .invalidHeader, message: "control character")))))
        XCTAssertEqual(e.kind, .invalidArgument)
        XCTAssertEqual(e.code, ErrorCode.invalidHeaderValue)
        XCTAssertFalse(e.retryable)
    }
}
