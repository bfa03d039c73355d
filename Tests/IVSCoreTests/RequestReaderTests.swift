import XCTest
@testable import IVSCore

/// RequestReader, branch by branch, on a small model made for it: where it writes a request, it must
/// be the one the jansson path (parse, Validator, RestJSONSerializer) writes, byte for byte; where it
/// declines, the jansson path is the call's. Every input here is run both ways.
final class RequestReaderTests: XCTestCase {
    // Named "ivs" so that the clients below have an endpoint for it.
    static let model = ServiceModel(
        name: "ivs", endpointPrefix: "ivs", signingName: "ivs", apiVersion: "2020-07-14", serviceId: "ivs",
        shapes: [
            /* 0 */ Shape("In", .structure, members: [
                Member("s", 1), Member("i", 2), Member("l", 3), Member("m", 4), Member("n", 6), Member("d", 7),
                Member("b", 8), Member("lg", 9), Member("blob", 10), Member("memberWithALongName", 11)]),
            /* 1 */ Shape("S", .string, min: 1, max: 5),
            /* 2 */ Shape("I", .integer, min: 0, max: 100),
            /* 3 */ Shape("L", .list, min: 1, max: 3, element: 11),
            /* 4 */ Shape("M", .map, min: 1, max: 2, element: 11, key: 5),
            /* 5 */ Shape("K", .string, min: 1, max: 3),
            /* 6 */ Shape("Inner", .structure, members: [Member("a", 11, required: true), Member("b", 2)]),
            /* 7 */ Shape("D", .double, min: -1, max: 1),
            /* 8 */ Shape("B", .boolean),
            /* 9 */ Shape("Lg", .long),
            /* 10 */ Shape("Blob", .blob),
            /* 11 */ Shape("Free", .string),
            /* 12 */ Shape("Required", .structure, members: [Member("r", 11, required: true), Member("o", 11)]),
            /* 13 */ Shape("Union", .structure, members: [Member("x", 11), Member("y", 11)], isUnion: true),
            /* 14 */ Shape("Bound", .structure, members: [Member("id", 11, required: true, location: .uri, locationName: "id"),
                                                          Member("s", 11)], hasBoundMembers: true),
            /* 15 */ Shape("Stamped", .structure, members: [Member("t", 16)], containsTimestamp: true),
            /* 16 */ Shape("T", .timestamp),
            /* 17 */ Shape("Tokened", .structure, members: [Member("token", 11, idempotencyToken: true), Member("s", 11)]),
            /* 18 */ Shape("Empty", .structure),
            /* 19 */ Shape("Holder", .structure, members: [Member("u", 13), Member("r", 12)]),
        ],
        operations: [
            Operation("PostIn", "post_in", method: "POST", requestUri: "/in", input: 0, output: -1, errors: []),
            Operation("PostRequired", "post_required", method: "POST", requestUri: "/r", input: 12, output: -1, errors: []),
            Operation("PostUnion", "post_union", method: "POST", requestUri: "/u", input: 13, output: -1, errors: []),
            Operation("PostBound", "post_bound", method: "POST", requestUri: "/b/{id}", input: 14, output: -1, errors: []),
            Operation("PostStamped", "post_stamped", method: "POST", requestUri: "/t", input: 15, output: -1, errors: []),
            Operation("PostTokened", "post_tokened", method: "POST", requestUri: "/k", input: 17, output: -1, errors: []),
            Operation("PostEmpty", "post_empty", method: "POST", requestUri: "/e", input: 18, output: -1, errors: []),
            Operation("GetNothing", "get_nothing", method: "GET", requestUri: "/g", input: -1, output: -1, errors: []),
            Operation("PostHolder", "post_holder", method: "POST", requestUri: "/h", input: 19, output: -1, errors: []),
        ])

    static func client(_ mode: ClientConfig.ValidationMode) -> Client {
        var c = ClientConfig()
        c.region = "us-west-2"
        c.endpointUrl = "http://127.0.0.1:9/base"
        c.credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")
        c.validation = mode
        do { return try Client(config: c, env: Environment(overrides: [:])) } catch { fatalError("\(error)") }
    }
    static let on = client(.on), botocore = client(.botocore), off = client(.off), strict = client(.strict)

    /// Whether the reader wrote the request for text (at every level given), compared with the jansson
    /// path's when it did.
    @discardableResult
    private func written(_ text: String, _ operation: String = "PostIn", _ clients: [Client] = [on],
                         file: StaticString = #filePath, line: UInt = #line) -> Bool {
        written(Array(text.utf8), operation, clients, file: file, line: line)
    }

    @discardableResult
    private func written(_ text: [UInt8], _ operation: String = "PostIn", _ clients: [Client] = [on],
                         file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard let op = Self.model.operation(named: operation) else { XCTFail(operation, file: file, line: line); return false }
        var all = true
        for client in clients {
            let fast = client.target(Self.model).flatMap { service in text.withUnsafeBufferPointer { client.prepare(service, op, text: $0) } }
            guard let fast else { all = false; continue }
            guard case .success(let tree) = JSON.parse(bytes: text), tree.kind == .object else {
                XCTFail("written for text jansson refuses: \(String(decoding: text, as: UTF8.self))", file: file, line: line)
                return false
            }
            defer { JSON.release(tree) }
            switch client.prepare(Self.model, op, tree) {
            case .failure(let e):
                XCTFail("written where the jansson path fails (\(e.message)): \(String(decoding: text, as: UTF8.self))",
                        file: file, line: line)
            case .success(let reference):
                XCTAssertEqual(fast.request.method, reference.request.method, file: file, line: line)
                XCTAssertEqual(fast.request.path, reference.request.path, file: file, line: line)
                XCTAssertEqual(fast.url, reference.url, file: file, line: line)
                XCTAssertEqual(fast.path, reference.path, file: file, line: line)
                XCTAssertTrue(fast.request.query.isEmpty && reference.request.query.isEmpty, file: file, line: line)
                XCTAssertTrue(fast.request.headers.elementsEqual(reference.request.headers, by: ==), file: file, line: line)
                XCTAssertEqual(String(decoding: fast.request.body, as: UTF8.self),
                               String(decoding: reference.request.body, as: UTF8.self), file: file, line: line)
            }
        }
        return all
    }

    func testPlainInputsAreWritten() {
        let all = [Self.on, Self.botocore, Self.off]
        XCTAssertTrue(written("{}", "PostIn", all))
        XCTAssertTrue(written("{\"s\":\"abc\"}", "PostIn", all))
        XCTAssertTrue(written(" { \"s\" : \"abc\" ,\n\t\"i\" : 7 } ", "PostIn", all))
        XCTAssertTrue(written("{\"l\":[\"a\", \"b\"],\"m\":{\"k\": \"v\"},\"n\":{\"b\":1,\"a\":\"x\"}}", "PostIn", all))
        XCTAssertTrue(written("{\"d\":1,\"b\":false,\"lg\":-9223372036854775808,\"blob\":\"YQ==\"}", "PostIn", all))
        XCTAssertTrue(written("{\"memberWithALongName\":\"caf\u{e9} \u{1F600}\",\"b\":true}", "PostIn", all))
        XCTAssertTrue(written("{\"r\":\"x\"}", "PostRequired", all))
        XCTAssertTrue(written("{\"y\":\"x\"}", "PostUnion", all))
        XCTAssertTrue(written("{\"u\":{\"x\":\"1\"},\"r\":{\"r\":\"\",\"o\":\"p\"}}", "PostHolder", all))
    }

    func testTopLevelMembersGoInModelOrder() {
        XCTAssertTrue(written("{\"b\":true,\"s\":\"abc\",\"n\":{\"b\":1,\"a\":\"x\"},\"i\":1}"))
        // nested structures keep the input's order (the serializer keeps their objects as they are)
        XCTAssertTrue(written("{\"n\":{\"b\":2,\"a\":\"x\"}}"))
    }

    func testWhatTheReaderLeavesToTheJanssonPath() {
        let all = [Self.on, Self.botocore, Self.off, Self.strict]
        XCTAssertFalse(written("{\"s\":\"abc\"}", "PostIn", [Self.strict])) // patterns and enums
        XCTAssertFalse(written("{\"id\":\"x\"}", "PostBound", all)) // a URI label
        XCTAssertFalse(written("{\"t\":1}", "PostStamped", all)) // a timestamp to convert
        XCTAssertFalse(written("{\"s\":\"x\"}", "PostTokened", all)) // a token to fill in
        XCTAssertFalse(written("{}", "PostEmpty", all)) // no body members
        XCTAssertFalse(written("{}", "GetNothing", all))
        for text in ["{\"s\":null}", "{\"x\":1}", "{\"s\":\"a\\u0062\"}", "{\"\\u0073\":\"a\"}", "{\"d\":0.5}", "{\"i\":-0}",
                     "{\"s\":\"abc\",\"s\":\"abd\"}", "{\"m\":{\"k\":\"v\",\"k\":\"w\"}}", "[]", "", "{", "{\"s\":\"abc\"} x",
                     "{\"s\":1}", "{\"i\":\"1\"}", "{\"b\":1}", "{\"l\":\"a\"}", "{\"n\":[]}", "{\"m\":[]}", "{\"s\":[]}",
                     "{\"i\":1e2}", "{\"s\":\"abc\",}", "{\"n\":{\"b\":1}}", "{\"n\":{\"a\":\"x\",\"c\":1}}"] {
            XCTAssertFalse(written(text, "PostIn", all), text)
        }
        XCTAssertFalse(written("{}", "PostRequired", all))
        XCTAssertFalse(written("{\"o\":\"x\"}", "PostRequired", all))
        XCTAssertFalse(written("{}", "PostUnion", all))
        XCTAssertFalse(written("{\"x\":\"1\",\"y\":\"2\"}", "PostUnion", all))
        XCTAssertFalse(written("{\"u\":{}}", "PostHolder", all))
    }

    func testValidationLevels() {
        // below a minimum: refused at every level
        for text in ["{\"s\":\"\"}", "{\"i\":-1}", "{\"l\":[]}", "{\"d\":-2}"] {
            XCTAssertFalse(written(text, "PostIn", [Self.on, Self.botocore]), text)
        }
        // above a maximum: refused by on, sent by botocore's level (the service decides)
        for text in ["{\"s\":\"abcdef\"}", "{\"i\":101}", "{\"l\":[\"a\",\"b\",\"c\",\"d\"]}", "{\"d\":2}",
                     "{\"m\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}}", "{\"m\":{\"long\":\"1\"}}"] {
            XCTAssertFalse(written(text, "PostIn", [Self.on]), text)
            XCTAssertTrue(written(text, "PostIn", [Self.botocore]), text)
        }
        // map lengths are not botocore's to check, keys' lengths are
        XCTAssertTrue(written("{\"m\":{}}", "PostIn", [Self.botocore]))
        XCTAssertFalse(written("{\"m\":{}}", "PostIn", [Self.on]))
        XCTAssertFalse(written("{\"m\":{\"\":\"v\"}}", "PostIn", [Self.on, Self.botocore]))
        // lengths in code points
        XCTAssertTrue(written("{\"s\":\"\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\"}", "PostIn", [Self.on]))
        XCTAssertTrue(written("{\"m\":{\"\u{1F600}\u{1F600}\u{1F600}\":\"v\"}}", "PostIn", [Self.on]))
        // 32-bit integers
        XCTAssertFalse(written("{\"i\":2147483648}", "PostIn", [Self.botocore]))
        XCTAssertTrue(written("{\"lg\":2147483648}", "PostIn", [Self.on]))
        XCTAssertTrue(written("{\"lg\":9223372036854775807}", "PostIn", [Self.on]))
    }

    func testInvalidTextIsLeftToJansson() {
        for text in ["{\"s\":\"a", "{\"s\":\"\u{1}\"}", "{\"s\":01}", "{\"l\":[\"a\",]}", "{\"s\":\"a\"}}"] {
            XCTAssertFalse(written(text, "PostIn", [Self.on, Self.off]), text)
        }
        XCTAssertFalse(written([123, 34, 115, 34, 58, 34, 0xC0, 0x80, 34, 125], "PostIn", [Self.off]))
        XCTAssertFalse(written("{\"n\":" + String(repeating: "[", count: 40) + "}", "PostIn", [Self.off]))
    }

    func testIntegers() {
        XCTAssertEqual(RequestReader.integer(Array("0".utf8), 1), 0)
        for v: Int64 in [0, 1, -1, 42, 100, Int64.max, Int64.min, 1234567890123, -987654321] {
            let t = Array(String(v).utf8)
            XCTAssertEqual(RequestReader.integer(t, t.count), v)
        }
        XCTAssertEqual(RequestReader.codePoints(Array("caf\u{e9}\u{1F600}".utf8), 9), 5)
    }
}
