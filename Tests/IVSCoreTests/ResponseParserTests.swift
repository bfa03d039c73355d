import CJansson
import XCTest
@testable import IVSCore

/// ResponseParser: a 2xx response becomes the output (ivs_call's text, or the tree ivs_paginate joins),
/// a non-2xx one the service's error. Shapes are the real models'.
final class ResponseParserTests: XCTestCase {
    /// What `response(200, body)` gives as ResponseMetadata with one attempt.
    let metadata = #""ResponseMetadata":{"RequestId":"req-1","HTTPStatusCode":200,"HTTPHeaders":{"x-amzn-requestid":"req-1"},"RetryAttempts":0}"#

    private func op(_ model: ServiceModel, _ name: String) throws -> IVSCore.Operation {
        try XCTUnwrap(model.operation(named: name), name)
    }

    /// ivs_call's text for a response.
    private func outputText(_ model: ServiceModel, _ opName: String, _ r: HTTPResponse, attempts: Int = 1) throws -> String {
        let text = try ResponseParser(model: model).outputText(try op(model, opName), r,
                                                               metadata: ResponseMetadata(r, attempts: attempts)).get()
        return consumed(text)
    }

    /// The same response through the tree path (what renderTree gives a page of ivs_paginate), dumped.
    private func treeText(_ model: ServiceModel, _ opName: String, _ r: HTTPResponse, attempts: Int = 1) throws -> String {
        let tree = try ResponseParser(model: model).parseOutput(try op(model, opName), r).get()
        defer { JSON.release(tree) }
        tree.set("ResponseMetadata", ResponseMetadata(r, attempts: attempts).tree())
        return JSON.dump(tree)
    }

    private func outputError(_ model: ServiceModel, _ opName: String, _ r: HTTPResponse) throws -> IVSError {
        switch ResponseParser(model: model).outputText(try op(model, opName), r, metadata: ResponseMetadata(r, attempts: 1)) {
        case .success(let t): XCTFail("accepted: \(consumed(t))"); return IVSError(.internal, code: "", "")
        case .failure(let e): return e
        }
    }

    private func passesThrough(_ model: ServiceModel, _ opName: String, _ body: String) throws -> Bool {
        let parsed = try Fixtures.parse(body)
        defer { JSON.release(parsed) }
        return ResponseParser(model: model).passesThrough(parsed, try op(model, opName).output)
    }

    // MARK: The pass-through splice

    func testABodyThatIsAlreadyTheOutputIsPassedThroughByteForByteWithTheMetadataSpliced() throws {
        // Spacing, member order and the \u escape are the service's: a re-dumped tree would change each.
        let kept = "{ \"channel\" : {\"name\":\"caf\\u00e9\", \"arn\" : \"arn:aws:ivs:us-west-2:123456789012:channel/abcd\",\n"
            + "  \"authorized\":false, \"tags\":{\"b\":\"2\",\"a\":\"1\"}}"
        // the closing brace and the space around it give way to the metadata
        XCTAssertEqual(try outputText(.ivs, "GetChannel", response(200, kept + " }\r\n ")), kept + "," + metadata + "}")
    }

    func testAnEmptyObjectGetsTheMetadataWithoutAComma() throws {
        XCTAssertEqual(try outputText(.ivs, "GetChannel", response(200, "{}")), "{" + metadata + "}")
        XCTAssertEqual(try outputText(.ivs, "GetChannel", response(200, " {\n } \n")), "{" + metadata + "}")
    }

    func testAnEmptyBodyIsAnOutputWithNoMembers() throws {
        XCTAssertEqual(try outputText(.ivs, "GetChannel", response(200, "")), "{" + metadata + "}")
    }

    func testAnOperationWithoutOutputIgnoresTheBody() throws {
        XCTAssertEqual(ServiceModel.ivs.operation(named: "PutMetadata")?.output, -1)
        XCTAssertEqual(try outputText(.ivs, "PutMetadata", response(200, "")), "{" + metadata + "}")
        XCTAssertEqual(try outputText(.ivs, "PutMetadata", response(204, "not json", headers: [])),
                       #"{"ResponseMetadata":{"RequestId":"","HTTPStatusCode":204,"HTTPHeaders":{},"RetryAttempts":0}}"#)
    }

    func testPassThroughOnlyWhenEveryMemberIsKnownNonNullAndOfItsShapesKind() throws {
        XCTAssertTrue(try passesThrough(.ivs, "GetChannel", #"{"channel":{"arn":"a","tags":{"k":"v"},"srt":{"endpoint":"e"}}}"#))
        XCTAssertTrue(try passesThrough(.ivs, "ListChannels", #"{"channels":[{"arn":"a"},{"name":"b"}],"nextToken":"t"}"#))
        XCTAssertTrue(try passesThrough(.ivs, "GetChannel", #"{}"#))
        // a member the model does not know, at any depth
        XCTAssertFalse(try passesThrough(.ivs, "GetChannel", #"{"channel":{"arn":"a"},"extra":1}"#))
        XCTAssertFalse(try passesThrough(.ivs, "ListChannels", #"{"channels":[{"arn":"a"},{"arn":"b","new":true}]}"#))
        // a null, which the output leaves out
        XCTAssertFalse(try passesThrough(.ivs, "GetChannel", #"{"channel":{"arn":"a","name":null}}"#))
        XCTAssertFalse(try passesThrough(.ivs, "GetChannel", #"{"channel":null}"#))
        // a container where the model has a scalar, and a scalar where it has a container
        XCTAssertFalse(try passesThrough(.ivs, "GetChannel", #"{"channel":{"name":{"x":1}}}"#))
        XCTAssertFalse(try passesThrough(.ivs, "GetChannel", #"{"channel":{"tags":{"k":["v"]}}}"#))
        XCTAssertFalse(try passesThrough(.ivs, "GetChannel", #"{"channel":"arn"}"#))
        XCTAssertFalse(try passesThrough(.ivs, "ListChannels", #"{"channels":{"arn":"a"}}"#))
        // an output that holds a timestamp or a header-bound member never passes through, whatever the body
        XCTAssertFalse(try passesThrough(.ivs, "GetStream", #"{}"#))
        XCTAssertFalse(try passesThrough(.ivs, "BatchGetChannel", #"{"channels":[]}"#))
    }

    // MARK: The tree path

    func testUnknownMembersAreDroppedAtAnyDepth() throws {
        let list = #"{"channels":[{"arn":"a","new":true,"tags":{"k":"v"}},{"name":"b","srt":{}}],"nextToken":"t","more":{}}"#
        assertSameJSON(try outputText(.ivs, "ListChannels", response(200, list)),
                       #"{"channels":[{"arn":"a","tags":{"k":"v"}},{"name":"b"}],"nextToken":"t","# + metadata + "}")
        let nested = #"{"channel":{"arn":"a","srt":{"endpoint":"e","x":[1]}}}"#
        assertSameJSON(try outputText(.ivs, "GetChannel", response(200, nested)),
                       #"{"channel":{"arn":"a","srt":{"endpoint":"e"}},"# + metadata + "}")
    }

    func testNullMembersAreLeftOut() throws {
        assertSameJSON(try outputText(.ivs, "GetChannel", response(200, #"{"channel":{"arn":"a","name":null}}"#)),
                       #"{"channel":{"arn":"a"},"# + metadata + "}")
        assertSameJSON(try outputText(.ivs, "GetChannel", response(200, #"{"channel":null}"#)), "{" + metadata + "}")
    }

    func testTimestampsBecomeISO8601UTCWithTheirFraction() throws {
        let forms = ["1700000000.5": "2023-11-14T22:13:20.5Z",
                     "1700000000": "2023-11-14T22:13:20Z",
                     #""2023-11-14T23:13:20.250+01:00""#: "2023-11-14T22:13:20.25Z",
                     #""Tue, 14 Nov 2023 22:13:20 GMT""#: "2023-11-14T22:13:20Z",
                     "0": "1970-01-01T00:00:00Z",
                     "-62135596800": "0001-01-01T00:00:00Z",
                     "253402300799": "9999-12-31T23:59:59Z"]
        for (wire, iso) in forms {
            let body = #"{"stream":{"channelArn":"c","startTime":"# + wire + #","viewerCount":9007199254740993}}"#
            // the long keeps every digit: integers are never read through a double
            assertSameJSON(try outputText(.ivs, "GetStream", response(200, body)),
                           #"{"stream":{"channelArn":"c","startTime":""# + iso + #"","viewerCount":9007199254740993},"#
                           + metadata + "}", wire)
        }
        // inside lists, next to members that are dropped
        let sessions = #"{"streamSessions":[{"streamId":"s1","startTime":1700000000,"endTime":"2023-11-14T22:13:21.000001Z","x":1}]}"#
        assertSameJSON(try outputText(.ivs, "ListStreamSessions", response(200, sessions)),
                       #"{"streamSessions":[{"streamId":"s1","startTime":"2023-11-14T22:13:20Z","endTime":"2023-11-14T22:13:21.000001Z"}],"#
                       + metadata + "}")
    }

    func testATimestampOutsideTheYears1To9999OrNotADateMakesTheResponseInvalid() throws {
        for wire in ["253402300800", "-62135596801", "253402300799.9999999", "1e300", #""yesterday""#,
                     #""2023-02-30T00:00:00Z""#, #""2023-11-14T24:00:00Z""#, "true", #"{"t":1}"#, "[1]"] {
            let body = #"{"stream":{"channelArn":"c","startTime":"# + wire + "}}"
            let e = try outputError(.ivs, "GetStream", response(200, body))
            XCTAssertEqual(e.kind, .service, wire)
            XCTAssertEqual(e.code, ErrorCode.invalidResponse, wire)
            XCTAssertEqual(e.httpStatus, 200, wire)
            XCTAssertEqual(e.requestId, "req-1", wire)
            XCTAssertTrue(e.message.contains("at stream.startTime:"), e.message)
        }
        let sessions = #"{"streamSessions":[{"startTime":1},{"startTime":1,"endTime":"soon"}]}"#
        let e = try outputError(.ivs, "ListStreamSessions", response(200, sessions))
        XCTAssertTrue(e.message.contains("at streamSessions[1].endTime:"), e.message)
        XCTAssertFalse(e.message.contains("soon"), "the value is not echoed: \(e.message)")
    }

    func testHeaderBoundMembersAreReadFromTheirHeadersOnly() throws {
        let r = response(200, #"{"channels":[],"errors":[{"arn":"a","code":"NotFound","message":"m"}],"cacheControl":"from-body"}"#,
                         headers: [("x-amzn-RequestId", "req-1"), ("Cache-Control", "no-store"), ("X-Frame-Options", "DENY")])
        let text = try outputText(.ivs, "BatchGetChannel", r)
        assertSameJSON(text, #"{"channels":[],"errors":[{"arn":"a","code":"NotFound","message":"m"}],"#
                       + #""cacheControl":"no-store","xFrameOptions":"DENY","ResponseMetadata":{"RequestId":"req-1","#
                       + #""HTTPStatusCode":200,"HTTPHeaders":{"x-amzn-requestid":"req-1","cache-control":"no-store","#
                       + #""x-frame-options":"DENY"},"RetryAttempts":0}}"#)
        // a header-only output shape (ivs-realtime) still reads them from an empty body
        let rt = response(200, "", headers: [("Strict-Transport-Security", "max-age=1")])
        assertSameJSON(try outputText(.ivsRealtime, "StartParticipantReplication", rt),
                       #"{"strictTransportSecurity":"max-age=1","ResponseMetadata":{"RequestId":"","HTTPStatusCode":200,"#
                       + #""HTTPHeaders":{"strict-transport-security":"max-age=1"},"RetryAttempts":0}}"#)
    }

    func testABodyThatIsNotJSONIsAnInvalidResponseThatDoesNotQuoteIt() throws {
        for body in ["<html>502</html>", #"{"channel":{"arn":"secret-ish"#, #"{"channel":{},"channel":{}}"#,
                     "{\"channel\":{\"name\":\"\u{FFFD}\"}}\u{0}"] {
            let e = try outputError(.ivs, "GetChannel", response(200, body))
            XCTAssertEqual(e.kind, .service, body)
            XCTAssertEqual(e.code, ErrorCode.invalidResponse, body)
            XCTAssertTrue(e.message.hasPrefix("the service's response is not valid JSON"), e.message)
            XCTAssertFalse(e.message.contains("secret-ish"), e.message)
            XCTAssertEqual(e.requestId, "req-1")
        }
        let bytes: [UInt8] = Array(#"{"channel":{"name":""#.utf8) + [0xff, 0xfe] + Array(#""}}"#.utf8)
        let e = try outputError(.ivs, "GetChannel", HTTPResponse(status: 200, headers: [], body: bytes))
        XCTAssertEqual(e.code, ErrorCode.invalidResponse, "invalid UTF-8 is refused, not passed through")
    }

    /// ivs_call (text) and ivs_paginate (trees) must say the same thing for the same response, whichever
    /// path the text took.
    func testTheTextAndTheTreeGiveTheSameJSON() throws {
        let headers: [(String, String)] = [("x-amzn-RequestId", "r"), ("Cache-Control", "a"), ("cache-control", "b"),
                                           ("X-Odd", "quote \" backslash \\ tab \t é")]
        let cases: [(ServiceModel, String, String)] = [
            (.ivs, "GetChannel", #"{ "channel" : {"name":"caf\u00e9\n", "arn":"a", "tags":{}} }"#),
            (.ivs, "GetChannel", "{}"),
            (.ivs, "GetChannel", ""),
            (.ivs, "GetChannel", #"{"channel":{"arn":"a","name":null,"future":{"x":[1,2]}}}"#),
            (.ivs, "ListChannels", #"{"channels":[{"arn":"a","new":1},{"name":"b"}],"nextToken":"t"}"#),
            (.ivs, "GetStream", #"{"stream":{"startTime":"2023-11-14T22:13:20Z","viewerCount":3}}"#),
            (.ivs, "BatchGetChannel", #"{"channels":[{"arn":"a"}],"errors":[]}"#),
            (.ivs, "ListTagsForResource", #"{"tags":{"k":"v","":"\u0001"}}"#),
            (.ivschat, "CreateChatToken", #"{"token":"t","tokenExpirationTime":"2023-11-14T22:13:20.123Z"}"#),
            (.ivsRealtime, "StartParticipantReplication", ""),
        ]
        for (model, opName, body) in cases {
            for attempts in [1, 3] {
                let r = HTTPResponse(status: 200, headers: headers, body: Array(body.utf8))
                assertSameJSON(try outputText(model, opName, r, attempts: attempts),
                               try treeText(model, opName, r, attempts: attempts), "\(opName) \(body)")
            }
        }
    }

    // MARK: Errors

    private func parseError(_ status: Int, _ body: String, headers: [(String, String)] = [("x-amzn-RequestId", "req-1")],
                            model: ServiceModel = .ivs) -> IVSError {
        ResponseParser(model: model).parseError(response(status, body, headers: headers))
    }

    private func fields(_ e: IVSError) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in e.fields {
            switch v {
            case .string(let s): out[k] = "string:" + s
            case .json(let j): out[k] = "json:" + j
            case .problems: out[k] = "problems"
            }
        }
        return out
    }

    func testTheErrorCodeComesFromXAmznErrorTypeThenTypeThenCode() {
        let header = parseError(404, #"{"__type":"aws.ivs#Other","exceptionMessage":"no such channel"}"#,
                                headers: [("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.ivs/")])
        XCTAssertEqual(header.code, "ResourceNotFoundException")
        XCTAssertEqual(parseError(400, #"{"__type":"com.amazonaws.ivs#ValidationException:http://x"}"#).code, "ValidationException")
        XCTAssertEqual(parseError(400, #"{"code":"ConflictException"}"#).code, "ConflictException")
        XCTAssertEqual(parseError(400, #"{"Code":"  ServiceQuotaExceededException\t"}"#).code, "ServiceQuotaExceededException")
        // an empty header does not hide the body's code
        XCTAssertEqual(parseError(400, #"{"__type":"ValidationException"}"#, headers: [("x-amzn-ErrorType", "")]).code,
                       "ValidationException")
    }

    func testWithoutACodeTheStatusNamesTheError() {
        XCTAssertEqual(parseError(404, "").code, "NotFound")
        XCTAssertEqual(parseError(503, "<html>Service Unavailable</html>").code, "ServiceUnavailable")
        XCTAssertEqual(parseError(429, "[]").code, "TooManyRequestsException")
        XCTAssertEqual(parseError(418, #"{"__type":""}"#).code, "HTTP418")
        let e = parseError(502, "<html>Bad Gateway</html>")
        XCTAssertEqual(e.code, "BadGateway")
        XCTAssertEqual(e.message, "the service answered HTTP 502 BadGateway")
        XCTAssertTrue(e.fields.isEmpty)
    }

    func testACodeIsCleanedAndBounded() {
        XCTAssertEqual(ResponseParser.cleanCode("aws.ivs#ValidationException"), "ValidationException")
        XCTAssertEqual(ResponseParser.cleanCode("ThrottlingException:http://internal.amazon.com/"), "ThrottlingException")
        XCTAssertEqual(ResponseParser.cleanCode(" a#b#AccessDeniedException "), "AccessDeniedException")
        let huge = parseError(400, "", headers: [("x-amzn-ErrorType", String(repeating: "A", count: 200_000))])
        XCTAssertLessThanOrEqual(huge.code.count, 131, "a code from outside is at most 128 characters and an ellipsis")
        XCTAssertLessThan(huge.message.utf8.count, 300)
    }

    func testTheMessageComesFromMessageThenMessageCapitalizedThenErrorMessage() {
        XCTAssertEqual(parseError(400, #"{"message":"m1","Message":"m2"}"#).message, "m1")
        XCTAssertEqual(parseError(400, #"{"Message":"m2","errorMessage":"m3"}"#).message, "m2")
        XCTAssertEqual(parseError(400, #"{"errorMessage":"m3"}"#).message, "m3")
        // IVS says exceptionMessage: it stays a field, the message names the error
        let ivs = parseError(404, #"{"exceptionMessage":"no such channel"}"#, headers: [("x-amzn-ErrorType", "ResourceNotFoundException")])
        XCTAssertEqual(ivs.message, "the service answered HTTP 404 ResourceNotFoundException")
        XCTAssertEqual(fields(ivs)["exceptionMessage"], "string:no such channel")
    }

    func testTheMembersThatGaveTheCodeAndMessageAreNotRepeatedAsFields() {
        for body in [#"{"__type":"A","message":"m"}"#, #"{"code":"A","Message":"m"}"#, #"{"Code":"A","message":"m","Message":"n"}"#] {
            XCTAssertTrue(parseError(400, body).fields.isEmpty, body)
        }
    }

    func testTheBodysOtherMembersBecomeFieldsStringsAsTextOthersAsCompactJSON() {
        let e = parseError(400, #"{"__type":"ValidationException","message":"bad","reason":"FIELD_VALIDATION_FAILED","#
                           + #""fieldList":[{"name":"userId","message":"too long"}],"limit":5,"ok":true}"#, model: .ivschat)
        XCTAssertEqual(e.kind, .service)
        XCTAssertEqual(e.code, "ValidationException")
        XCTAssertEqual(e.message, "bad")
        XCTAssertEqual(e.httpStatus, 400)
        XCTAssertEqual(e.requestId, "req-1")
        XCTAssertFalse(e.retryable, "the classifier decides that, not the parser")
        XCTAssertEqual(fields(e), ["reason": "string:FIELD_VALIDATION_FAILED",
                                   "fieldList": #"json:[{"name":"userId","message":"too long"}]"#,
                                   "limit": "json:5", "ok": "json:true"])
        XCTAssertEqual(e.fields.map(\.0), ["reason", "fieldList", "limit", "ok"], "in the body's order")
    }

    func testTheErrorShapesHeaderBoundMembersBecomeFields() {
        let e = parseError(403, #"{"exceptionMessage":"denied"}"#,
                           headers: [("x-amzn-RequestId", "req-1"), ("x-amzn-ErrorType", "AccessDeniedException:http://x/"),
                                     ("X-Frame-Options", "DENY"), ("Cache-Control", "no-cache"), ("X-Unrelated", "u")])
        XCTAssertEqual(e.code, "AccessDeniedException")
        XCTAssertEqual(fields(e), ["exceptionMessage": "string:denied", "xFrameOptions": "string:DENY",
                                   "cacheControl": "string:no-cache", "xAmznErrorType": "string:AccessDeniedException:http://x/"])
        // an error the model does not declare has no header-bound members
        let unknown = parseError(403, "", headers: [("x-amzn-ErrorType", "SomethingNew"), ("X-Frame-Options", "DENY")])
        XCTAssertTrue(unknown.fields.isEmpty)
    }

    func testTheRequestIdComesFromEitherHeader() {
        XCTAssertEqual(parseError(500, "", headers: [("X-Amzn-RequestId", "a")]).requestId, "a")
        XCTAssertEqual(parseError(500, "", headers: [("x-amz-request-id", "b")]).requestId, "b")
        XCTAssertEqual(parseError(500, "", headers: [("x-amz-request-id", "b"), ("x-amzn-requestid", "a")]).requestId, "a")
        XCTAssertNil(parseError(500, "", headers: []).requestId)
    }
}
