import XCTest
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

/// JSONReader, branch by branch, on a small model made for it. Every body is also run through both
/// response paths (ResponseParser.outputText, which asks the reader first, and outputTextByTree, the
/// jansson path): they must give the same bytes or the same error, whatever the reader decided. A body
/// the reader calls a syntax error or a duplicate key must be one jansson refuses too.
final class JSONReaderTests: XCTestCase {
    // MARK: The model

    static let model = ServiceModel(
        name: "readertest", endpointPrefix: "readertest", signingName: "readertest", apiVersion: "2020-07-14",
        serviceId: "readertest",
        shapes: [
            /* 0 */ Shape("Out", .structure, members: [
                Member("s", 1), Member("i", 2), Member("l", 3), Member("m", 4), Member("n", 5), Member("d", 6),
                Member("b", 7), Member("memberWithALongName", 1), Member("memberWithALongNameToo", 1),
                Member("deep", 8), Member("lm", 9), Member("mm", 10), Member("bad", 999), Member("badList", 17),
                Member("holder", 16), Member("liar", 14)]),
            /* 1 */ Shape("String", .string),
            /* 2 */ Shape("Integer", .integer),
            /* 3 */ Shape("StringList", .list, element: 1),
            /* 4 */ Shape("StringMap", .map, element: 1, key: 1),
            /* 5 */ Shape("Inner", .structure, members: [Member("a", 1), Member("b", 2)]),
            /* 6 */ Shape("Double", .double),
            /* 7 */ Shape("Boolean", .boolean),
            /* 8 */ Shape("DeepList", .list, element: 8),
            /* 9 */ Shape("InnerList", .list, element: 5),
            /* 10 */ Shape("MapOfMaps", .map, element: 4, key: 1),
            /* 11 */ Shape("Stamped", .structure, members: [Member("t", 12)], containsTimestamp: true),
            /* 12 */ Shape("Timestamp", .timestamp),
            /* 13 */ Shape("Bound", .structure, members: [Member("h", 1, location: .header, locationName: "x-h"),
                                                          Member("s", 1)], hasBoundMembers: true),
            // A structure whose facts say no timestamp is reachable, though one is: the reader still
            // refuses to pass a timestamp through.
            /* 14 */ Shape("Liar", .structure, members: [Member("t", 12)]),
            /* 15 */ Shape("Wide", .structure, members: [Member("w0", 1), Member("w1", 1), Member("w2", 1), Member("w3", 1), Member("w4", 1), Member("w5", 1), Member("w6", 1), Member("w7", 1), Member("w8", 1), Member("w9", 1), Member("w10", 1), Member("w11", 1), Member("w12", 1), Member("w13", 1), Member("w14", 1), Member("w15", 1), Member("w16", 1), Member("w17", 1), Member("w18", 1), Member("w19", 1), Member("w20", 1), Member("w21", 1), Member("w22", 1), Member("w23", 1), Member("w24", 1), Member("w25", 1), Member("w26", 1), Member("w27", 1), Member("w28", 1), Member("w29", 1), Member("w30", 1), Member("w31", 1), Member("w32", 1), Member("w33", 1), Member("w34", 1), Member("w35", 1), Member("w36", 1), Member("w37", 1), Member("w38", 1), Member("w39", 1), Member("w40", 1), Member("w41", 1), Member("w42", 1), Member("w43", 1), Member("w44", 1), Member("w45", 1), Member("w46", 1), Member("w47", 1), Member("w48", 1), Member("w49", 1), Member("w50", 1), Member("w51", 1), Member("w52", 1), Member("w53", 1), Member("w54", 1), Member("w55", 1), Member("w56", 1), Member("w57", 1), Member("w58", 1), Member("w59", 1), Member("w60", 1), Member("w61", 1), Member("w62", 1), Member("w63", 1), Member("w64", 1)]),
            /* 16 */ Shape("Holder", .structure, members: [Member("w", 15)]),
            /* 17 */ Shape("BadElementList", .list, element: 999),
        ],
        operations: [
            Operation("GetOut", "get_out", method: "POST", requestUri: "/", input: -1, output: 0, errors: []),
            Operation("GetStamped", "get_stamped", method: "POST", requestUri: "/", input: -1, output: 11, errors: []),
            Operation("GetBound", "get_bound", method: "POST", requestUri: "/", input: -1, output: 13, errors: []),
            Operation("GetNothing", "get_nothing", method: "POST", requestUri: "/", input: -1, output: -1, errors: []),
            Operation("GetLost", "get_lost", method: "POST", requestUri: "/", input: -1, output: 999, errors: []),
            Operation("GetLiar", "get_liar", method: "POST", requestUri: "/", input: -1, output: 14, errors: []),
            Operation("GetHolder", "get_holder", method: "POST", requestUri: "/", input: -1, output: 16, errors: []),
        ])
    static let table = ReaderShapes(model)

    // MARK: Helpers

    private func scan(_ body: [UInt8], output: Int = 0) -> JSONReader.Verdict {
        body.withUnsafeBufferPointer { JSONReader.scan($0, shape: output, in: Self.table) }
    }

    /// The reader's verdict on body, with both response paths compared and jansson consulted.
    @discardableResult
    private func check(_ body: [UInt8], operation: String = "GetOut", file: StaticString = #filePath,
                       line: UInt = #line) -> JSONReader.Verdict {
        guard let op = Self.model.operation(named: operation) else {
            XCTFail("no operation \(operation)", file: file, line: line)
            return .fallback(.noOutputShape, at: 0)
        }
        let v = scan(body, output: op.output)
        let jansson = JSON.parse(bytes: body)
        let valid: Bool
        switch jansson {
        case .success(let j): valid = true; JSON.release(j)
        case .failure: valid = false
        }
        switch v {
        case .passThrough:
            XCTAssertTrue(valid, "the reader passed a body jansson refuses: \(show(body))", file: file, line: line)
        case .fallback(.syntax, _), .fallback(.duplicateKey, _):
            XCTAssertFalse(valid, "the reader calls \(v) a body jansson accepts: \(show(body))", file: file, line: line)
        default:
            break
        }
        sameOutput(body, op, file: file, line: line)
        return v
    }

    private func check(_ body: String, operation: String = "GetOut", file: StaticString = #filePath,
                       line: UInt = #line) -> JSONReader.Verdict {
        check(Array(body.utf8), operation: operation, file: file, line: line)
    }

    /// The reason the reader fell back, or nil when it passed the body through.
    private func reason(_ body: String, operation: String = "GetOut", file: StaticString = #filePath,
                        line: UInt = #line) -> JSONReader.Fallback? {
        reason(Array(body.utf8), operation: operation, file: file, line: line)
    }

    private func reason(_ body: [UInt8], operation: String = "GetOut", file: StaticString = #filePath,
                        line: UInt = #line) -> JSONReader.Fallback? {
        if case .fallback(let r, _) = check(body, operation: operation, file: file, line: line) { return r }
        return nil
    }

    private func passes(_ body: String, file: StaticString = #filePath, line: UInt = #line) {
        let v = check(body, file: file, line: line)
        guard case .passThrough = v else { return XCTFail("\(v) for \(body)", file: file, line: line) }
    }

    /// Both response paths give the same output bytes, or the same error.
    private func sameOutput(_ body: [UInt8], _ op: IVSCore.Operation, file: StaticString, line: UInt) {
        let r = HTTPResponse(status: 200, headers: [("x-amzn-RequestId", "rid-1"), ("x-h", "header value")], body: body)
        let meta = ResponseMetadata(r, attempts: 2)
        let parser = ResponseParser(model: Self.model)
        switch (parser.outputText(op, r, metadata: meta), parser.outputTextByTree(op, r, metadata: meta)) {
        case (.success(let a), .success(let b)):
            XCTAssertEqual(a.string, b.string, "outputs differ for \(show(body))", file: file, line: line)
            a.free()
            b.free()
        case (.failure(let a), .failure(let b)):
            XCTAssertEqual(a.kind, b.kind, file: file, line: line)
            XCTAssertEqual(a.code, b.code, file: file, line: line)
            XCTAssertEqual(a.message, b.message, file: file, line: line)
        case (let a, let b):
            XCTFail("one path failed: reader path \(a), jansson path \(b) for \(show(body))", file: file, line: line)
        }
    }

    private func show(_ body: [UInt8]) -> String {
        String(decoding: body.prefix(200), as: UTF8.self).debugDescription
    }

    // MARK: Before the walk

    func testShapesTheReaderDoesNotWalk() {
        XCTAssertEqual(reason("{}", operation: "GetNothing"), .noOutputShape)
        XCTAssertEqual(reason("{}", operation: "GetLost"), .noOutputShape)
        XCTAssertEqual(reason("{\"t\": 1}", operation: "GetStamped"), .convertsOrBinds)
        XCTAssertEqual(reason("{\"s\": \"x\"}", operation: "GetBound"), .convertsOrBinds)
        XCTAssertEqual(reason(""), .empty)
    }

    func testTheBodyMustBeAnObject() {
        XCTAssertEqual(reason("[]"), .notObject)
        XCTAssertEqual(reason("\"s\""), .notObject)
        XCTAssertEqual(reason("1"), .notObject)
        XCTAssertEqual(reason("   "), .notObject)
        XCTAssertEqual(reason("\u{FEFF}{}"), .notObject) // a byte order mark is not whitespace
    }

    // MARK: Passing through

    func testBodiesThatAreTheOutputPassThrough() {
        passes("{}")
        passes("{\"s\":\"x\"}")
        passes(" \t\r\n{ \"s\" : \"x\" , \"i\" : -12 } \n")
        passes("{\"l\":[],\"m\":{},\"n\":{}}")
        passes("{\"l\":[\"a\",\"b\"],\"m\":{\"k\":\"v\",\"k2\":\"v\"},\"n\":{\"a\":\"x\",\"b\":3}}")
        passes("{\"lm\":[{\"a\":\"x\"},{\"b\":1}],\"mm\":{\"x\":{\"y\":\"z\"},\"y\":{\"y\":\"z\"}}}")
        passes("{\"d\":1.5e3,\"b\":true,\"memberWithALongName\":\"x\",\"memberWithALongNameToo\":\"y\"}")
        passes("{\"b\":false}")
        // Any scalar where the model has a scalar: the tree path returns it as it is too.
        passes("{\"s\":1,\"i\":\"x\",\"b\":\"true\",\"d\":false}")
        // Map keys are any string, escapes aside.
        passes("{\"m\":{\"\":\"\",\"ke\":\"v\",\"caf\u{e9}\":\"x\"}}")
    }

    func testWherePassThroughSplices() {
        XCTAssertEqual(scan(Array("{}".utf8)), .passThrough(close: 1, empty: true))
        XCTAssertEqual(scan(Array(" { } ".utf8)), .passThrough(close: 3, empty: true))
        XCTAssertEqual(scan(Array("{\"s\":\"}\"} ".utf8)), .passThrough(close: 8, empty: false))
        // The output keeps the body's own bytes up to the last one before the closing brace.
        let r = HTTPResponse(status: 200, headers: [("x-amzn-RequestId", "r")], body: Array("  {\"s\" : \"a\"  }\n".utf8))
        guard let op = Self.model.operation(named: "GetOut"),
              case .success(let text) = ResponseParser(model: Self.model).outputText(op, r, metadata: ResponseMetadata(r, attempts: 1))
        else { return XCTFail() }
        defer { text.free() }
        XCTAssertTrue(text.string.hasPrefix("  {\"s\" : \"a\",\"ResponseMetadata\":{\"RequestId\":\"r\","), text.string)
        XCTAssertTrue(text.string.hasSuffix("\"RetryAttempts\":0}}"), text.string)
    }

    /// The pass-through path writes ResponseMetadata in place when the headers allow it: the same bytes
    /// appendMember writes, or nil (and appendMember is used).
    func testMetadataWrittenInPlaceIsWhatAppendMemberWrites() {
        func response(_ lines: [[UInt8]], status: Int = 200) -> HTTPResponse {
            var r = HTTPResponse(status: status, headerCapacity: 64)
            for l in lines { _ = (l + [13, 10]).withUnsafeBytes { r.receiveHeaderLine($0) } }
            return r
        }
        let cases: [([[UInt8]], Bool)] = [
            ([], true),
            ([Array("x-amzn-RequestId: abc".utf8)], true),
            ([Array("X-Amzn-RequestId: abc".utf8), Array("Content-Type: application/json".utf8), Array("Date: x".utf8)], true),
            ([Array("x-amzn-requestid:".utf8), Array("a: ".utf8)], true), // empty values
            ([Array("x-amz-request-id: other".utf8)], true), // the id from the other header
            ([Array("x-amz-request-id: other".utf8), Array("x-amzn-RequestId: first".utf8)], true),
            ([Array("x-a: a\tb".utf8)], false), // a tab: escaped
            ([Array("x-amzn-RequestId: a".utf8), Array("x-amz-request-id: b".utf8)], true),
            ([Array("Set-Cookie: a".utf8), Array("set-cookie: b".utf8)], false), // repeated: joined
            ([Array("x-a: caf".utf8) + [0xC3, 0xA9]], false),
            ([Array("x-a: a\"b".utf8)], false),
            ([Array("x-a: ".utf8) + [0xFF]], false),
            ([Array("x-amzn-RequestId: 12345678901234567890".utf8), Array("x-long: ".utf8) + Array(repeating: 97, count: 300)], true),
        ]
        for (lines, plain) in cases {
            for (status, attempts) in [(200, 1), (204, 3), (299, 11)] {
                let r = response(lines, status: status)
                let meta = ResponseMetadata(r, attempts: attempts)
                var expected: [UInt8] = []
                meta.appendMember(to: &expected)
                guard let n = meta.plainMemberLength() else {
                    XCTAssertFalse(plain, "\(lines)")
                    continue
                }
                XCTAssertTrue(plain, "\(lines)")
                var written = [UInt8](repeating: 0, count: n + 16)
                let m = written.withUnsafeMutableBufferPointer { meta.writePlainMember($0.baseAddress!) }
                XCTAssertEqual(m, n)
                XCTAssertEqual(Array(written[0..<m]), expected, String(decoding: expected, as: UTF8.self))
                XCTAssertTrue(written[m...].allSatisfy { $0 == 0 }, "wrote past its length")
            }
        }
    }

    // MARK: What the tree path would change

    func testWhatTheTreePathChangesFallsBack() {
        XCTAssertEqual(reason("{\"s\":null}"), .null)
        XCTAssertEqual(reason("{\"l\":[null]}"), .null)
        XCTAssertEqual(reason("{\"n\":null}"), .null)
        XCTAssertEqual(reason("{\"s\":nulll}"), .null) // null first, whatever follows
        XCTAssertEqual(reason("{\"unknown\":1}"), .unknownMember)
        XCTAssertEqual(reason("{\"n\":{\"c\":1}}"), .unknownMember)
        XCTAssertEqual(reason("{\"t\":\"2020-01-01T00:00:00Z\"}", operation: "GetLiar"), .timestamp)
        XCTAssertEqual(reason("{\"t\":{}}", operation: "GetLiar"), .shapeMismatch)
        XCTAssertEqual(reason("{\"w\":{}}", operation: "GetHolder"), .wideStructure)
    }

    func testContainersMustMatchTheModel() {
        XCTAssertEqual(reason("{\"s\":{}}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"s\":[]}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"l\":{}}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"n\":[]}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"n\":\"x\"}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"l\":1}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"m\":true}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"m\":false}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"m\":-1}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"l\":[[]]}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"bad\":{}}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"bad\":[]}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"bad\":1}"), .shapeMismatch)
        XCTAssertEqual(reason("{\"badList\":[1]}"), .shapeMismatch)
        passes("{\"badList\":[]}")
    }

    func testKeys() {
        XCTAssertEqual(reason("{\"s\":\"a\",\"s\":\"b\"}"), .duplicateKey)
        XCTAssertEqual(reason("{\"n\":{\"a\":\"x\",\"b\":1,\"a\":\"y\"}}"), .duplicateKey)
        XCTAssertEqual(reason("{\"m\":{\"k\":\"a\",\"j\":\"b\",\"k\":\"c\"}}"), .duplicateKey)
        // the same key in two maps, or in a map and the map inside it, is no duplicate
        passes("{\"mm\":{\"k\":{\"k\":\"a\"},\"j\":{\"k\":\"a\"}},\"m\":{\"k\":\"a\"}}")
        XCTAssertEqual(reason("{\"\\u0073\":\"x\"}"), .escapedKey) // "s", escaped
        XCTAssertEqual(reason("{\"m\":{\"\\n\":\"x\"}}"), .escapedKey)
        XCTAssertEqual(reason("{s:1}"), .syntax)
        XCTAssertEqual(reason("{\"s\" \"x\"}"), .syntax)
        XCTAssertEqual(reason("{\"s\"}"), .syntax)
        XCTAssertEqual(reason("{\"s\":}"), .syntax)
        // names alike in their first 8 bytes or their length
        passes("{\"memberWithALongName\":\"a\",\"memberWithALongNameToo\":\"b\"}")
        XCTAssertEqual(reason("{\"memberWithALongNameTo\":\"b\"}"), .unknownMember)
        XCTAssertEqual(reason("{\"memberWithALongNamf\":\"b\"}"), .unknownMember)
        XCTAssertEqual(reason("{\"memberXithALongName\":\"b\"}"), .unknownMember)
        XCTAssertEqual(reason("{\"si\":1}"), .unknownMember)
        XCTAssertEqual(reason("{\"\":1}"), .unknownMember)
        // a key at the very end of the body (its first bytes read one by one)
        XCTAssertEqual(reason("{\"a\":1"), .unknownMember)
        XCTAssertEqual(reason("{\"s\":1"), .syntax)
    }

    func testMapKeysBeyondWhatTheReaderKeepsFallBack() {
        func map(_ n: Int) -> String { "{\"m\":{" + (0..<n).map { "\"k\($0)\":\"v\"" }.joined(separator: ",") + "}}" }
        passes(map(JSONReader.maxMapKeys))
        XCTAssertEqual(reason(map(JSONReader.maxMapKeys + 1)), .tooManyKeys)
        // keys are given back when a map closes
        let many = "{\"mm\":{" + (0..<3).map { "\"m\($0)\":" + "{" + (0..<100).map { "\"k\($0)\":\"v\"" }.joined(separator: ",") + "}" }
            .joined(separator: ",") + "}}"
        passes(many)
    }

    func testDepth() {
        func deep(_ n: Int) -> String { "{\"deep\":" + String(repeating: "[", count: n) + String(repeating: "]", count: n) + "}" }
        passes(deep(JSONReader.maxDepth - 1))
        XCTAssertEqual(reason(deep(JSONReader.maxDepth)), .tooDeep)
        XCTAssertEqual(reason(deep(5000)), .tooDeep) // jansson refuses this one; the reader never recurses
    }

    // MARK: Structure

    func testStructuralErrors() {
        for body in ["{", "{\"s\":\"x\"", "{\"s\":\"x\",", "{\"s\":\"x\",}", "{\"l\":[\"a\",]}", "{\"l\":[,\"a\"]}",
                     "{\"l\":[\"a\" \"b\"]}", "{\"l\":[\"a\"}", "{\"n\":{\"a\":\"x\"]}", "{\"s\":\"x\" \"i\":1}",
                     "{} x", "{}{}", "{}]", "{,}", "{\"l\":[", "{\"s\":'x'}", "{\"s\":+1}", "{\"s\":}", "{\"l\":[}",
                     "{\"s\":\"x\"}\u{0}", "{\"s\":\u{0}}", "{\"s\":tru}", "{\"s\":truee}", "{\"s\":fals}", "{\"s\":falsy}",
                     "{\"s\":nul}", "{\"s\":True}", "{\"s\":tru", "{\"s\":n", "{\"s\":\"x\"}}", "{\"l\":[]]}"] {
            XCTAssertEqual(reason(body), .syntax, body)
        }
    }

    // MARK: Strings

    func testStrings() {
        passes("{\"s\":\"\"}")
        passes("{\"s\":\"plain text longer than eight bytes, and then some more\"}")
        passes("{\"s\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\uFFFF \\ud83d\\ude00 \\uD83D\\uDE00\"}")
        passes("{\"s\":\"caf\u{e9} \u{20ac} \u{1F600} \u{7F}\"}")
        // specials at every offset of an 8-byte word
        for k in 0..<9 {
            let pad = String(repeating: "a", count: k)
            passes("{\"s\":\"\(pad)\\n\(pad)\u{e9}\(pad)\"}")
        }
        for body in ["{\"s\":\"abc", "{\"s\":\"abcdefghijklmnop", "{\"s\":\"\\", "{\"s\":\"\\x\"}", "{\"s\":\"\\u12\"}",
                     "{\"s\":\"\\u12g4\"}", "{\"s\":\"\\u0000\"}", "{\"s\":\"\\ud800\"}", "{\"s\":\"\\ud800x\"}",
                     "{\"s\":\"\\ud800\\n\"}", "{\"s\":\"\\ud800\\u0041\"}", "{\"s\":\"\\ud800\\ud800\"}",
                     "{\"s\":\"\\udc00\"}", "{\"s\":\"\\ud800\\udc0\"}", "{\"s\":\"\\U0041\"}", "{\"s\":\"\\'\"}"] {
            XCTAssertEqual(reason(body), .syntax, body)
        }
        // control characters, raw, at several offsets
        for c: UInt8 in [0, 1, 9, 10, 13, 31] {
            for k in 0..<9 {
                var b = Array("{\"s\":\"".utf8) + Array(repeating: 97, count: k)
                b.append(c)
                b += Array("abcdefghij\"}".utf8)
                XCTAssertEqual(reason(b), .syntax, "control \(c) at \(k)")
            }
        }
        passes("{\"s\":\"\u{7F}\"}") // DEL is no control character to JSON
    }

    func testUTF8() {
        let valid: [[UInt8]] = [[0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xE1, 0x80, 0x80], [0xEC, 0xBF, 0xBF],
                                [0xED, 0x80, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],
                                [0xF0, 0x90, 0x80, 0x80], [0xF1, 0x80, 0x80, 0x80], [0xF3, 0xBF, 0xBF, 0xBF],
                                [0xF4, 0x80, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        let invalid: [[UInt8]] = [[0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC2], [0xC2, 0x41], [0xC2, 0xC0],
                                  [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
                                  [0xE1, 0x80], [0xE1, 0x41, 0x80], [0xE1, 0x80, 0x41], [0xF0, 0x80, 0x80, 0x80],
                                  [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
                                  [0xF8, 0x80, 0x80, 0x80, 0x80], [0xFF], [0xFE], [0xF1, 0x80, 0x80], [0xF1, 0x80, 0x80, 0x41]]
        for seq in valid {
            for k in [0, 3, 8] {
                let b = Array("{\"s\":\"".utf8) + Array(repeating: 97, count: k) + seq + Array("x\"}".utf8)
                XCTAssertNil(reason(b), "\(seq)")
            }
        }
        for seq in invalid {
            for k in [0, 3, 8] {
                let b = Array("{\"s\":\"".utf8) + Array(repeating: 97, count: k) + seq + Array("x\"}".utf8)
                XCTAssertEqual(reason(b), .syntax, "\(seq)")
            }
            // and cut off at the end of the body
            XCTAssertEqual(reason(Array("{\"s\":\"".utf8) + seq), .syntax, "\(seq)")
        }
        // non-ASCII outside strings
        XCTAssertEqual(reason([123, 0xC3, 0xA9, 125]), .syntax)
        XCTAssertEqual(reason([123, 34, 115, 34, 58, 0xE2, 0x80, 0x8B, 49, 125]), .syntax)
    }

    // MARK: Numbers

    func testNumbers() {
        for n in ["0", "-0", "1", "-1", "10", "1234567890", "0.5", "-0.5", "10.25", "1e5", "1E5", "1e+5", "1e-5",
                  "1.5E-300", "0e999999", "0.0e12345678901234567890", "-0.000e400", "1e-999999999999", "9e307",
                  "0.00001e311", "123.456e305", "9223372036854775807", "-9223372036854775808", "999999999999999999",
                  "-999999999999999999", "1000000000000000000", "1e0000000000000000000000000000001"] {
            XCTAssertNil(reason("{\"i\":\(n)}"), n)
        }
        for n in ["9223372036854775808", "-9223372036854775809", "10000000000000000000", "99999999999999999999",
                  "12345678901234567890123", "1e308", "1.7976931348623157e308", "1e309", "1e400", "-1e400", "10e307",
                  "1e1000000000", "1" + String(repeating: "0", count: 310) + ".0", "0.00001e313"] {
            XCTAssertEqual(reason("{\"i\":\(n)}"), .number, n)
        }
        for n in ["-", "-a", "--1", "01", "-01", "00", "1.", "1.e5", ".5", "1e", "1e+", "1e-", "1E+-5", "0x10", "1.5.3",
                  "1e5.5", "+1", "Infinity", "NaN", "-Infinity", "1 2", "1-2", "0-", "2.a"] {
            XCTAssertEqual(reason("{\"i\":\(n)}"), .syntax, n)
        }
        // the 19-digit bound, digit by digit
        XCTAssertNil(reason("{\"i\":9223372036854775806}"))
        XCTAssertNil(reason("{\"i\":9123372036854775809}"))
        XCTAssertEqual(reason("{\"i\":9323372036854775800}"), .number)
        XCTAssertNil(reason("{\"i\":-9223372036854775807}"))
        // a number cut off by the end of the body
        XCTAssertEqual(reason("{\"i\":12"), .syntax)
        XCTAssertEqual(reason("{\"i\":-"), .syntax)
        XCTAssertEqual(reason("{\"i\":1."), .syntax)
        XCTAssertEqual(reason("{\"i\":1e"), .syntax)
    }

    // MARK: The SWAR test

    func testSpecial8FindsTheFirstSpecialByte() {
        var rng = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [0, 1, 31, 32, 33, 34, 35, 91, 92, 93, 126, 127, 128, 0xC3, 0xFF, 97]
        for _ in 0..<20000 {
            var bytes = [UInt8](repeating: 0, count: 8)
            for k in 0..<8 {
                bytes[k] = Bool.random(using: &rng) ? interesting[Int.random(in: 0..<interesting.count, using: &rng)]
                                                    : UInt8.random(in: 0...255, using: &rng)
            }
            let w = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let first = bytes.firstIndex { $0 == 34 || $0 == 92 || $0 < 32 || $0 >= 128 }
            let found = JSONReader.special8(w)
            if let first {
                XCTAssertEqual(found.trailingZeroBitCount >> 3, first, "\(bytes)")
            } else {
                XCTAssertEqual(found, 0, "\(bytes)")
            }
        }
    }

    // MARK: The library's own models

    /// A valid body for every operation of the library whose output can pass through, built from its
    /// shape: the reader passes it through, and both paths give the same bytes.
    func testEveryOperationOfTheLibrary() {
        var passed = 0, checked = 0
        for model in ServiceModel.all {
            let table = ReaderShapes.of(model)
            for op in model.operations where op.output >= 0 {
                var body: [UInt8] = []
                sample(model, op.output, depth: 0, into: &body)
                let r = HTTPResponse(status: 200, headers: [("x-amzn-RequestId", "rid")], body: body)
                let meta = ResponseMetadata(r, attempts: 1)
                let parser = ResponseParser(model: model)
                guard case .success(let a) = parser.outputText(op, r, metadata: meta),
                      case .success(let b) = parser.outputTextByTree(op, r, metadata: meta) else {
                    XCTFail("\(model.name).\(op.name) failed on \(show(body))")
                    continue
                }
                XCTAssertEqual(a.string, b.string, "\(model.name).\(op.name)")
                a.free()
                b.free()
                checked += 1
                let v = body.withUnsafeBufferPointer { JSONReader.scan($0, shape: op.output, in: table) }
                let plain = !model.shapes[op.output].containsTimestamp && !model.shapes[op.output].hasBoundMembers
                if plain {
                    guard case .passThrough = v else { XCTFail("\(model.name).\(op.name): \(v) for \(show(body))"); continue }
                    passed += 1
                } else {
                    XCTAssertEqual(v, .fallback(.convertsOrBinds, at: 0), "\(model.name).\(op.name)")
                }
            }
        }
        // Every operation with an output shape was checked; every one whose output can pass through did
        // (63 of 94 with the 2020-07-14 models of 103 operations).
        let ops = ServiceModel.all.flatMap { m in m.operations.filter { $0.output >= 0 }.map { (m, $0) } }
        XCTAssertEqual(checked, ops.count)
        XCTAssertEqual(passed, ops.filter { !$0.0.shapes[$0.1.output].containsTimestamp && !$0.0.shapes[$0.1.output].hasBoundMembers }.count)
        XCTAssertGreaterThan(passed, ops.count / 2)
    }

    /// A value for shape s with every member set once (timestamps as epoch seconds).
    private func sample(_ model: ServiceModel, _ s: Int, depth: Int, into out: inout [UInt8]) {
        let shape = model.shapes[s]
        switch shape.type {
        case .structure:
            out.append(123)
            var first = true
            for m in shape.members where m.location == .body && depth < 4 {
                if !first { out.append(44) }
                first = false
                JSONText.appendString(&out, m.name)
                out.append(58)
                sample(model, m.shape, depth: depth + 1, into: &out)
            }
            out.append(125)
        case .list:
            out.append(91)
            if depth < 4 { sample(model, shape.element, depth: depth + 1, into: &out) }
            out.append(93)
        case .map:
            out.append(123)
            if depth < 4 { out += Array("\"key\":".utf8); sample(model, shape.element, depth: depth + 1, into: &out) }
            out.append(125)
        case .string: JSONText.appendString(&out, shape.enumValues.first ?? "text \u{e9}")
        case .integer, .long: out += Array("42".utf8)
        case .float, .double: out += Array("29.97".utf8)
        case .boolean: out += Array("true".utf8)
        case .timestamp: out += Array("1700000000".utf8)
        case .blob: out += Array("\"YmxvYg==\"".utf8)
        }
    }
}
