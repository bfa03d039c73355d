import Testing
import XCTest
@testable import IVSCore

/// What a log line may show of a request: the input walked by its shape, sensitive members masked and
/// nothing shown that the model does not vouch for; headers and the canonical request without
/// credentials. Shapes are the real models' except where no real shape has the property.
final class RedactorTests: XCTestCase {
    private func redacted(_ model: ServiceModel, input opName: String, _ text: String) throws -> String {
        let op = try XCTUnwrap(model.operation(named: opName), opName)
        let v = try Fixtures.parse(text)
        defer { JSON.release(v) }
        return Redactor.input(v, shape: op.input, model: model)
    }

    private func redacted(_ model: ServiceModel, shape name: String, _ text: String) throws -> String {
        let index = try XCTUnwrap(model.shapes.firstIndex { $0.name == name }, name)
        let v = try Fixtures.parse(text)
        defer { JSON.release(v) }
        return Redactor.input(v, shape: index, model: model)
    }

    /// The properties no real shape has: a map whose keys alone are sensitive, and a recursive shape.
    private let synthetic = ServiceModel(
        name: "test", endpointPrefix: "test", signingName: "test", apiVersion: "1", serviceId: "test",
        shapes: [
            /* 0 */ Shape("Input", .structure, members: [Member("labels", 1), Member("node", 4)]),
            /* 1 */ Shape("Labels", .map, element: 3, key: 2),
            /* 2 */ Shape("LabelKey", .string, sensitive: true),
            /* 3 */ Shape("String", .string),
            /* 4 */ Shape("Node", .structure, members: [Member("next", 4), Member("value", 3)]),
        ],
        operations: [])

    func testSensitiveMembersAreMaskedAndTheRestShownAsGiven() throws {
        XCTAssertEqual(try redacted(.ivs, input: "PutMetadata", #"{"channelArn":"arn:aws:ivs:us-west-2:1:channel/a","metadata":"s3cr3t"}"#),
                       #"{"channelArn":"arn:aws:ivs:us-west-2:1:channel/a","metadata":"***"}"#)
        XCTAssertEqual(try redacted(.ivschat, input: "CreateChatToken",
                                    #"{"roomIdentifier":"r","userId":"alice","capabilities":["SEND_MESSAGE"],"sessionDurationInMinutes":60}"#),
                       #"{"roomIdentifier":"r","userId":"***","capabilities":["SEND_MESSAGE"],"sessionDurationInMinutes":60}"#)
    }

    func testASensitiveValueIsMaskedWhateverItsType() throws {
        for value in [#"{"k":"s3cr3t"}"#, #"["s3cr3t"]"#, "12345", "true", "null"] {
            XCTAssertEqual(try redacted(.ivs, input: "PutMetadata", #"{"metadata":"# + value + "}"), #"{"metadata":"***"}"#, value)
        }
    }

    func testASensitiveMapIsMaskedWholeKeysAndValues() throws {
        // ivschat's ChatTokenAttributes is sensitive; ivs-realtime's ParticipantTokenAttributes is not
        XCTAssertEqual(try redacted(.ivschat, input: "CreateChatToken", #"{"attributes":{"role":"admin"}}"#), #"{"attributes":"***"}"#)
        XCTAssertEqual(try redacted(.ivsRealtime, input: "CreateParticipantToken", #"{"userId":"u","attributes":{"role":"admin"}}"#),
                       #"{"userId":"u","attributes":{"role":"admin"}}"#)
    }

    func testTheKeysOfAMapWhoseKeyShapeIsSensitiveAreMaskedAndNumbered() throws {
        let v = try Fixtures.parse(#"{"labels":{"alice@example.com":"v1","bob@example.com":"v2"}}"#)
        defer { JSON.release(v) }
        XCTAssertEqual(Redactor.input(v, shape: 0, model: synthetic), #"{"labels":{"***1":"v1","***2":"v2"}}"#)
    }

    func testListElementsAreRedactedByTheirShape() throws {
        XCTAssertEqual(try redacted(.ivsRealtime, shape: "RedundantIngestCredentials",
                                    #"[{"participantId":"p1","streamKey":"rt_1_a_b_K1"},{"participantId":"p2","streamKey":"rt_1_a_b_K2"}]"#),
                       #"[{"participantId":"p1","streamKey":"***"},{"participantId":"p2","streamKey":"***"}]"#)
    }

    func testMembersTheModelDoesNotDeclareAreMasked() throws {
        XCTAssertEqual(try redacted(.ivs, input: "PutMetadata",
                                    #"{"channelArn":"a","secretAccessKey":"wJalr","extra":{"token":"t"},"list":[1]}"#),
                       #"{"channelArn":"a","secretAccessKey":"***","extra":"***","list":"***"}"#)
    }

    func testAValueOfAnotherKindWhereTheModelHasAContainerShowsNothing() throws {
        XCTAssertEqual(try redacted(.ivsRealtime, input: "CreateParticipantToken", #"{"attributes":["s3cr3t"],"capabilities":{"k":"s3cr3t"}}"#),
                       #"{"attributes":"***","capabilities":"***"}"#)
        XCTAssertEqual(try redacted(.ivs, input: "PutMetadata", #"["s3cr3t"]"#), #""***""#)
        XCTAssertEqual(try redacted(.ivs, input: "PutMetadata", #""s3cr3t""#), #""***""#)
    }

    func testWithoutAShapeNothingIsShown() throws {
        let v = try Fixtures.parse(#"{"a":"s3cr3t"}"#)
        defer { JSON.release(v) }
        XCTAssertEqual(Redactor.input(v, shape: -1, model: .ivs), #""***""#)
        XCTAssertEqual(Redactor.input(v, shape: ServiceModel.ivs.shapes.count, model: .ivs), #""***""#)
    }

    func testNestingIsBoundedAt64Levels() throws {
        var text = #"{"value":"bottom"}"#
        for _ in 0..<100 { text = #"{"next":"# + text + "}" }
        let v = try Fixtures.parse(text)
        defer { JSON.release(v) }
        let out = Redactor.input(v, shape: 4, model: synthetic)
        XCTAssertEqual(out, String(repeating: #"{"next":"#, count: 64) + #""***""# + String(repeating: "}", count: 64))
    }

    func testSecretHeadersAreMaskedWhateverTheirCase() {
        let headers = [("Host", "ivs.us-west-2.amazonaws.com"), ("X-Amz-Date", "20261130T000000Z"),
                       ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261130/us-west-2/ivs/aws4_request, Signature=abc"),
                       ("x-amz-security-token", "IQoJb3JpZ2luX2Vj"), ("X-AMZ-SECURITY-TOKEN", "again"),
                       ("x-amz-sso_bearer_token", "bearer"), ("Content-Type", "application/json")]
        XCTAssertEqual(Redactor.headers(headers), """
            Host: ivs.us-west-2.amazonaws.com
            X-Amz-Date: 20261130T000000Z
            Authorization: ***
            x-amz-security-token: ***
            X-AMZ-SECURITY-TOKEN: ***
            x-amz-sso_bearer_token: ***
            Content-Type: application/json
            """)
    }

    /// The canonical request and headers of a real signature with a session token, as the trace log
    /// shows them: the token and the signature's Authorization header are gone, nothing else changed.
    func testASignedRequestsCanonicalRequestAndHeadersLoseOnlyTheirSecrets() {
        let creds = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                sessionToken: "IQoJb3JpZ2luX2VjEXAMPLETOKEN")
        let sig = SigV4Signer().sign(SigV4Signer.Request(method: "POST", path: "/PutMetadata", query: [("a", "b")],
                                                         headers: [("Content-Type", "application/json")],
                                                         host: "ivs.us-west-2.amazonaws.com", body: Array("{}".utf8)),
                                     credentials: creds, region: "us-west-2", service: "ivs", time: 1_790_000_000)
        let canonical = sig.canonicalRequest
        XCTAssertTrue(canonical.contains("x-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLETOKEN"), "the test signs with a token")
        let shown = Redactor.canonicalRequest(canonical)
        XCTAssertFalse(shown.contains("EXAMPLETOKEN"), shown)
        let before = canonical.split(separator: "\n", omittingEmptySubsequences: false)
        let after = shown.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(before.count, after.count)
        for (b, a) in zip(before, after) where b != a {
            XCTAssertEqual(a, "x-amz-security-token:***", "only the token's line changes")
        }
        XCTAssertTrue(after.contains { $0.hasSuffix("x-amz-security-token") }, "the signed-headers line still names it")

        let headers = Redactor.headers([("Host", "ivs.us-west-2.amazonaws.com")] + sig.headers)
        XCTAssertFalse(headers.contains("EXAMPLETOKEN"), headers)
        XCTAssertFalse(headers.contains(sig.signature), headers)
        XCTAssertFalse(headers.contains("wJalr"), headers)
        XCTAssertTrue(headers.contains("X-Amz-Date: "), headers)
    }

    // MARK: Where the redaction is used: a client's trace log

    func testTheTraceLogOfAPreparedCallShowsTheInputWithSensitiveMembersMasked() throws {
        let client = try offlineClient(logLevel: Log.Level.trace.rawValue)
        let input = try Fixtures.parse(#"{"channelArn":"arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD1234","metadata":"s3cr3t"}"#)
        defer { JSON.release(input) }
        let lines = try traceLines { _ = try client.prepare(.ivs, ServiceModel.ivs.operation(named: "PutMetadata")!, input).get() }
        XCTAssertTrue(lines.contains(#"ivs.PutMetadata input: {"channelArn":"arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD1234","metadata":"***"}"#),
                      "\(lines)")
        XCTAssertFalse(lines.contains { $0.contains("s3cr3t") }, "\(lines)")
    }

    func testTheTraceLogOfASignedAttemptShowsNoCredential() throws {
        let client = try offlineClient(logLevel: Log.Level.trace.rawValue)
        let input = try Fixtures.parse(#"{"channelArn":"arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD1234","metadata":"m"}"#)
        defer { JSON.release(input) }
        let call = try client.prepare(.ivs, ServiceModel.ivs.operation(named: "PutMetadata")!, input).get()
        let creds = try client.credentials.resolve()
        var request: HTTPRequest? = nil
        let lines = traceLines { request = client.sign(call, creds) }
        let signature = try XCTUnwrap(request?.headers.first { $0.0 == "Authorization" }?.1)
        XCTAssertTrue(lines.contains { $0.contains("canonical request:") && $0.contains("x-amz-security-token:***") }, "\(lines)")
        for secret in [creds.secretAccessKey, "EXAMPLETOKEN", signature, String(signature.suffix(64))] {
            XCTAssertFalse(lines.contains { $0.contains(secret) }, "\(secret) in \(lines)")
        }
    }
}

/// The lines logged (at any level a client admits) while body runs.
private func traceLines(_ body: () throws -> Void) rethrows -> [String] {
    let lines = Locked<[String]>([])
    Log.configure(level: 0, sink: { _, text in lines.withValue { $0.append(text) } })
    defer { Log.configure(level: 0, sink: nil) }
    try body()
    return lines.withValue { $0 }
}

/// Known issues, as Swift Testing records them (corelibs XCTest has no XCTExpectFailure): each
/// passes while the issue is there and fails once it is fixed, to be moved to the tests above.
@Suite struct RedactorWrongKinds {
    /// Members the model does not declare are masked, and a container where the model has anything
    /// else shows nothing: with validation off (nothing refuses the type first) the trace log of the
    /// call must not print what such a container holds.
    @Test func aContainerWhereTheModelHasAScalarShowsNothingInTheTraceLog() throws {
        let client = try offlineClient(validation: .off, logLevel: Log.Level.trace.rawValue)
        let input = try Fixtures.parse(#"{"channelArn":{"secretAccessKey":"wJalr-nested"},"metadata":"m"}"#)
        defer { JSON.release(input) }
        let lines = traceLines { _ = client.prepare(.ivs, ServiceModel.ivs.operation(named: "PutMetadata")!, input) }
        #expect(lines.contains { $0.hasPrefix("ivs.PutMetadata input: ") })
        #expect(!lines.contains { $0.contains("wJalr-nested") }, "\(lines)")
        #expect(lines.contains(#"ivs.PutMetadata input: {"channelArn":"***","metadata":"***"}"#))
    }
}
