import XCTest
@testable import IVSCore

/// The WebSocket framing and handshake as specifications: what a client writes (masked, the three
/// length forms, close payloads cut at a character boundary) and what it accepts, byte by byte, with
/// the close code RFC 6455 gives for each thing a server must not send.
final class WebSocketFramingTests: XCTestCase {
    /// A server frame (unmasked) with FIN set unless told.
    private func frame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let n = payload.count
        if n < 126 { out.append(UInt8(n)) } else if n <= 0xFFFF { out += [126, UInt8(n >> 8), UInt8(n & 0xFF)] } else {
            out.append(127)
            for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8((UInt64(n) >> UInt64(s)) & 0xFF)) }
        }
        return out + payload
    }

    private func read(_ bytes: [UInt8], max: Int = 1 << 16) -> [Result<WebSocketMessage?, WebSocketViolation>] {
        var r = WebSocketReader(maxMessageBytes: max)
        r.feed(bytes)
        var out: [Result<WebSocketMessage?, WebSocketViolation>] = []
        while true {
            let next = r.next()
            out.append(next)
            if case .success(nil) = next { break }
            if case .failure = next { break }
        }
        return out
    }

    private func violation(_ bytes: [UInt8], max: Int = 1 << 16) -> WebSocketViolation? {
        if case .failure(let v) = read(bytes, max: max).last { return v }
        return nil
    }

    /// Unmasks a client frame; returns (first byte, payload).
    private func unmask(_ f: [UInt8]) -> (UInt8, [UInt8]) {
        XCTAssertEqual(f[1] & 0x80, 0x80, "client frames are masked")
        var i = 2
        var n = Int(f[1] & 0x7F)
        if n == 126 { n = Int(f[2]) << 8 | Int(f[3]); i = 4 } else if n == 127 {
            n = 0
            for k in 2..<10 { n = n << 8 | Int(f[k]) }
            i = 10
        }
        let key = Array(f[i..<(i + 4)])
        let payload = f[(i + 4)...].enumerated().map { $0.element ^ key[$0.offset & 3] }
        XCTAssertEqual(payload.count, n)
        return (f[0], payload)
    }

    func testClientFramesAreMaskedInEachLengthForm() {
        for n in [0, 1, 125, 126, 65535, 65536, 70000] {
            let payload = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7) }
            var out: [UInt8] = []
            WebSocketFrameWriter.append(.text, payload, to: &out)
            let header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10
            XCTAssertEqual(out.count, header + 4 + n, "length \(n)")
            let (b0, got) = unmask(out)
            XCTAssertEqual(b0, 0x81)
            XCTAssertEqual(got, payload, "length \(n)")
        }
        var a: [UInt8] = [], b: [UInt8] = []
        WebSocketFrameWriter.append(.ping, [1, 2, 3, 4], to: &a)
        WebSocketFrameWriter.append(.ping, [1, 2, 3, 4], to: &b)
        XCTAssertNotEqual(a, b, "a fresh mask per frame")
    }

    func testCloseReasonIsCutAtACharacterBoundary() {
        var out: [UInt8] = []
        WebSocketFrameWriter.appendClose(code: 1002, reason: String(repeating: "é", count: 100), to: &out)
        let (b0, payload) = unmask(out)
        XCTAssertEqual(b0, 0x88)
        XCTAssertLessThanOrEqual(payload.count, 125)
        XCTAssertEqual(Array(payload.prefix(2)), [0x03, 0xEA])
        XCTAssertNotNil(String(validatingUTF8: (payload.dropFirst(2).map { CChar(bitPattern: $0) }) + [0]))
        XCTAssertEqual((payload.count - 2) % 2, 0)
    }

    func testWholeMessagesFragmentsAndControlFramesBetweenFragments() {
        let bytes = frame(1, Array("{\"a\":".utf8), fin: false) + frame(9, [7]) + frame(0, Array("1".utf8), fin: false)
            + frame(0, Array("}".utf8)) + frame(2, [0, 1]) + frame(10, []) + frame(8, [0x03, 0xE8] + Array("bye".utf8))
        let got = read(bytes).compactMap { try? $0.get() }
        XCTAssertEqual(got, [.ping([7]), .text(Array("{\"a\":1}".utf8)), .binary([0, 1]), .pong([]),
                             .close(code: 1000, reason: "bye")])
    }

    func testBytesArrivingOneAtATime() {
        let bytes = frame(1, Array(repeating: 65, count: 300)) + frame(8, [])
        var r = WebSocketReader(maxMessageBytes: 1000)
        var got: [WebSocketMessage] = []
        for b in bytes {
            r.feed([b])
            while case .success(let m?) = r.next() { got.append(m) }
        }
        XCTAssertEqual(got, [.text(Array(repeating: 65, count: 300)), .close(code: nil, reason: "")])
        XCTAssertFalse(r.isMidFrame)
        r.feed([0x81])
        XCTAssertTrue(r.isMidFrame, "a header byte alone is a frame begun")
    }

    func testViolationsAndTheirCloseCodes() {
        let cases: [(String, [UInt8], UInt16)] = [
            ("reserved bits", [0xC1, 0], 1002),
            ("opcode 3", [0x83, 0], 1002),
            ("opcode 0xB", [0x8B, 0], 1002),
            ("masked", [0x81, 0x81, 1, 2, 3, 4, 5], 1002),
            ("16-bit length under 126", [0x81, 126, 0, 5] + Array(repeating: 65, count: 5), 1002),
            ("64-bit length under 65536", [0x81, 127, 0, 0, 0, 0, 0, 0, 1, 0], 1002),
            ("64-bit length with the top bit", [0x81, 127, 0x80, 0, 0, 0, 0, 0, 0, 1], 1002),
            ("fragmented ping", frame(9, [1], fin: false), 1002),
            ("long pong", frame(10, Array(repeating: 0, count: 126)), 1002),
            ("continuation first", frame(0, [65]), 1002),
            ("text inside a fragmented message", frame(1, [65], fin: false) + frame(1, [66]), 1002),
            ("invalid UTF-8", frame(1, [0xFF]), 1007),
            ("a surrogate", frame(1, [0xED, 0xA0, 0x80]), 1007),
            ("UTF-8 split wrongly across fragments", frame(1, [0xC3], fin: false) + frame(0, [0x41]), 1007),
            ("one-byte close", frame(8, [3]), 1002),
            ("close 1005", frame(8, [0x03, 0xED]), 1002),
            ("close 1006", frame(8, [0x03, 0xEE]), 1002),
            ("close 2999", frame(8, [0x0B, 0xB7]), 1002),
            ("close 5000", frame(8, [0x13, 0x88]), 1002),
            ("close reason not UTF-8", frame(8, [0x03, 0xE8, 0xC0]), 1007),
            ("too big at once", [0x81, 127, 0, 0, 1, 0, 0, 0, 0, 0], 1009),
            ("too big in fragments", frame(1, Array(repeating: 65, count: 600), fin: false) + frame(0, Array(repeating: 65, count: 500)), 1009),
        ]
        for (name, bytes, code) in cases {
            let v = violation(bytes, max: 1000)
            XCTAssertEqual(v?.closeCode, code, name)
        }
        // after a violation the reader stays failed
        var r = WebSocketReader(maxMessageBytes: 1000)
        r.feed([0x83, 0])
        _ = r.next()
        r.feed(frame(1, [65]))
        if case .success = r.next() { XCTFail("a failed reader read on") }
    }

    func testAllowedCloseCodes() {
        for code: UInt16 in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999] {
            XCTAssertTrue(WebSocketCloseCode.mayBeSent(code), "\(code)")
        }
        for code: UInt16 in [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535] {
            XCTAssertFalse(WebSocketCloseCode.mayBeSent(code), "\(code)")
        }
    }

    func testHandshake() {
        // RFC 6455 section 1.3's example
        XCTAssertEqual(WebSocketHandshake.accept(for: "dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        let hs = WebSocketHandshake(key: "dGhlIHNhbXBsZSBub25jZQ==")
        let req = String(decoding: hs.request(authority: "edge.ivschat.us-west-2.amazonaws.com", path: "/",
                                              subprotocol: "tok", userAgent: "libivs/x"), as: UTF8.self)
        XCTAssertTrue(req.hasPrefix("GET / HTTP/1.1\r\nHost: edge.ivschat.us-west-2.amazonaws.com\r\n"))
        XCTAssertTrue(req.contains("Sec-WebSocket-Protocol: tok\r\n") && req.hasSuffix("\r\n\r\n"))
        func check(_ text: String) -> WebSocketHandshake.Answer { hs.check(Array(text.utf8), subprotocol: "tok") }
        let ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: tok\r\n\r\n"
        XCTAssertEqual(check(ok), .accepted(headBytes: ok.utf8.count))
        XCTAssertEqual(check(String(ok.dropLast(2))), .incomplete)
        XCTAssertEqual(check("HTTP/1.1 403 Forbidden\r\n\r\nno"), .refused(status: 403, message: "Forbidden: no"))
        if case .invalid = check(ok.replacingOccurrences(of: "tok\r\n", with: "other\r\n")) {} else { XCTFail("other subprotocol") }
        if case .invalid = check(ok.replacingOccurrences(of: "s3pP", with: "AAAA")) {} else { XCTFail("accept") }
        if case .invalid = check("HTTP/2 101\r\n\r\n") {} else { XCTFail("not HTTP/1.1") }
        if case .invalid = check("HTTP/1.1 101 OK\r\nX: " + String(repeating: "y", count: 17000)) {} else { XCTFail("head bound") }
        XCTAssertTrue(WebSocketHandshake.isToken("AQICAH-abc_DEF.123"))
        for bad in ["", "a b", "a/b", "a=b", "a,b", "é"] { XCTAssertFalse(WebSocketHandshake.isToken(bad), bad) }
    }

    func testChatRequestChecks() {
        func prepare(_ text: String, max: Int? = nil) -> Result<(requestId: String, text: OutputText), IVSError> {
            guard case .success(let j) = JSON.parse(text) else { fatalError("test JSON") }
            defer { JSON.release(j) }
            return ChatRequest.prepare(j, maximumMessageLength: max)
        }
        if case .success(let p) = prepare(#"{"Action": "SEND_MESSAGE", "Content": "héllo", "Attributes": null}"#) {
            XCTAssertEqual(p.requestId.count, 36)
            XCTAssertTrue(p.text.string.contains(#""RequestId":"\#(p.requestId)""#) && !p.text.string.contains("Attributes"))
            p.text.free()
        } else { XCTFail("a valid message") }
        if case .success(let p) = prepare(#"{"Action": "DISCONNECT_USER", "UserId": "u", "RequestId": "mine"}"#) {
            XCTAssertEqual(p.requestId, "mine")
            p.text.free()
        } else { XCTFail("disconnect") }
        XCTAssertNil(try? prepare(#"{"Action": "SEND_MESSAGE", "Content": "12345"}"#, max: 4).get())
        if case .success(let p) = prepare(#"{"Action": "SEND_MESSAGE", "Content": "ééé"}"#, max: 3) { p.text.free() } else {
            XCTFail("code points, not bytes")
        }
        if case .failure(let e) = prepare(#"{"Action": "DELETE_MESSAGE", "Content": "x", "Reason": 5}"#) {
            XCTAssertEqual(e.kind, .validation)
            XCTAssertEqual(e.message.split(separator: "\n").count, 4, e.message) // header + 3 problems
        } else { XCTFail("problems") }
    }
}
