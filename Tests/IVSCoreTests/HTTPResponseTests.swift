import XCTest
@testable import IVSCore

final class HTTPResponseTests: XCTestCase {
    private func received(_ lines: [[UInt8]]) -> HTTPResponse {
        var r = HTTPResponse(status: 0, headerCapacity: 64)
        for l in lines { _ = l.withUnsafeBytes { r.receiveHeaderLine($0) } }
        return r
    }

    private func metadata(_ r: HTTPResponse) -> String {
        var out: [UInt8] = []
        ResponseMetadata(r, attempts: 1).appendObject(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func testRepeatedHeadersAreJoinedAsBotocoreJoinsThem() {
        let r = received([Array("HTTP/1.1 200 OK\r\n".utf8), Array("Set-Cookie: a=1\r\n".utf8),
                          Array("X-Other: x\r\n".utf8), Array("set-cookie: b=2\r\n".utf8), Array("\r\n".utf8)])
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.header("set-cookie"), "a=1, b=2")
        XCTAssertEqual(r.headers.map { $0.0 }, ["set-cookie", "x-other"])
        let text = metadata(r)
        XCTAssertTrue(text.contains("\"set-cookie\":\"a=1, b=2\""), text)
        // the metadata parses with duplicate keys refused
        guard case .success(let j) = JSON.parse(text) else { return XCTFail(text) }
        JSON.release(j)
    }

    func testInvalidUTF8InHeadersBecomesReplacementCharacters() {
        let r = received([Array("HTTP/1.1 200 OK\r\n".utf8), [88, 45, 87, 58, 32, 0xff, 0xfe, 0x61, 0xe2, 0x82, 13, 10]])
        let text = metadata(r)
        XCTAssertNotNil(String(validating: Array(text.utf8), as: UTF8.self))
        XCTAssertTrue(text.contains("\"x-w\":\"\u{FFFD}\u{FFFD}a\u{FFFD}\""), text)
        // the same text the String path (header(_:)) gives
        XCTAssertEqual(r.header("x-w"), "\u{FFFD}\u{FFFD}a\u{FFFD}")
    }

    func testUTF8Check() {
        func valid(_ b: [UInt8]) -> Bool { b.withUnsafeBufferPointer { UTF8Check.isValid($0) } }
        XCTAssertTrue(valid(Array("héllo € 𝄞".utf8)))
        for bad: [UInt8] in [[0xff], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
                             [0xe2, 0x82], [0x80], [0xf5, 0x80, 0x80, 0x80]] {
            XCTAssertFalse(valid(bad), "\(bad)")
        }
        // agrees with Swift's own validation on random bytes
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let b = (0..<Int.random(in: 0...6, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            XCTAssertEqual(valid(b), String(validating: b, as: UTF8.self) != nil, "\(b)")
        }
    }

    func testNULOrCRCheckAgreesWithTheByteRule() {
        // Against the rule written plainly: a NUL anywhere, or a CR before the line's CR/LF end.
        func plain(_ b: [UInt8]) -> Bool {
            var content = b.count
            while content > 0, b[content - 1] == 13 || b[content - 1] == 10 { content -= 1 }
            return b.contains(0) || b[..<content].contains(13)
        }
        var g = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0, 9, 10, 13, 32, 58, 65, 97, 0x7f, 0x80, 0xff]
        for _ in 0..<20_000 {
            var b = (0..<Int.random(in: 0...40, using: &g)).map { _ in
                Bool.random(using: &g) ? alphabet.randomElement(using: &g)! : UInt8.random(in: 14...126, using: &g)
            }
            if Bool.random(using: &g) { b += [13, 10] }
            let got = b.withUnsafeBufferPointer { p in p.baseAddress.map { HTTPResponse.hasNULOrCR($0, p.count) } ?? false }
            XCTAssertEqual(got, plain(b), "\(b)")
        }
    }

    func testTokenBytesAreRFC9110sTchar() {
        let tchar = Set(Array("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8))
        for c in 0...255 {
            XCTAssertEqual(HeaderName.isTokenByte(UInt8(c)), tchar.contains(UInt8(c)), "byte \(c)")
        }
    }

    /// The token run is read a word at a time: against the byte rule for every byte at every position
    /// of a word, and for random runs.
    func testTokenRunLengthAgreesWithTheByteRule() {
        func run(_ b: [UInt8]) -> Int { b.withUnsafeBufferPointer { HeaderName.tokenRunLength($0.baseAddress!, $0.count) } }
        for c in 0...255 {
            for k in 0..<17 {
                var b = [UInt8](repeating: 97, count: 17)
                b[k] = UInt8(c)
                XCTAssertEqual(run(b), HeaderName.isTokenByte(UInt8(c)) ? 17 : k, "byte \(c) at \(k)")
            }
        }
        var g = SeededGenerator(seed: 0x544F_4B4E)
        let alphabet = Array("aZ09-_.!~`|^:/@[{ \t\r\n".utf8) + [0, 0x7f, 0x80, 0xff]
        for _ in 0..<20_000 {
            let b = (0..<Int.random(in: 1...40, using: &g)).map { _ in
                Int.random(in: 0..<4, using: &g) == 0 ? alphabet.randomElement(using: &g)! : UInt8.random(in: 0...255, using: &g)
            }
            XCTAssertEqual(run(b), b.firstIndex { !HeaderName.isTokenByte($0) } ?? b.count, "\(b)")
        }
    }

    func testLowercaseAgreesWithTheByteRule() {
        var g = SeededGenerator(seed: 0x4C4F_5745)
        for _ in 0..<20_000 {
            var b = (0..<Int.random(in: 0...40, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            let expected = b.map(ASCII.lower)
            b.withUnsafeMutableBufferPointer { if let p = $0.baseAddress { HeaderName.lowercase(p, $0.count) } }
            XCTAssertEqual(b, expected)
        }
    }

    /// A header line's value is checked for NUL and CR and for plainness in pieces (the value, the
    /// bytes trimmed off its end): against the rules written plainly, for random values.
    func testHeaderValuesAreCheckedAsTheByteRulesSay() {
        var g = SeededGenerator(seed: 0x5641_4C55)
        let odd: [UInt8] = [0, 9, 10, 13, 32, 34, 92, 0x7f, 0x80, 0xff]
        for _ in 0..<20_000 {
            let value = (0..<Int.random(in: 0...24, using: &g)).map { _ in
                Bool.random(using: &g) ? odd.randomElement(using: &g)! : UInt8.random(in: 33...126, using: &g)
            }
            let line = Array("X-Value:".utf8) + value + (Bool.random(using: &g) ? [13, 10] : [10])
            var r = HTTPResponse(status: 0, headerCapacity: 64)
            _ = Array("HTTP/1.1 200 OK\r\n".utf8).withUnsafeBytes { r.receiveHeaderLine($0) }
            let got = line.withUnsafeBytes { r.receiveHeaderLine($0) }
            var content = line.count
            while content > 8, line[content - 1] == 13 || line[content - 1] == 10 { content -= 1 }
            if line[8..<content].contains(where: { $0 == 0 || $0 == 13 }) {
                XCTAssertEqual(got, .invalid, "\(line)")
                continue
            }
            XCTAssertEqual(got, .header, "\(line)")
            var kept = value[...]
            while let c = kept.first, c == 32 || c == 9 { kept = kept.dropFirst() }
            while let c = kept.last, c == 32 || c == 9 || c == 10 || c == 13 { kept = kept.dropLast() }
            XCTAssertEqual(r.header("x-value"), String(decoding: kept, as: UTF8.self), "\(line)")
            XCTAssertEqual(r.isPlainASCII, !kept.contains { $0 < 32 || $0 == 34 || $0 == 92 || $0 >= 0x80 }, "\(line)")
        }
    }

    func testPlainASCIIIsKeptForTheHeadersOfTheLastResponse() {
        func line(_ r: inout HTTPResponse, _ text: String) { _ = Array(text.utf8).withUnsafeBytes { r.receiveHeaderLine($0) } }
        var r = HTTPResponse(status: 0, headerCapacity: 64)
        line(&r, "HTTP/1.1 100 Continue\r\n")
        line(&r, "X-Quoted: \"a\"\r\n")
        line(&r, "X-Plain: b\r\n")
        XCTAssertFalse(r.isPlainASCII) // once a value is not plain, the headers are not
        line(&r, "HTTP/1.1 200 OK\r\n")
        XCTAssertTrue(r.isPlainASCII)
        line(&r, "X-Plain: b\r\n")
        XCTAssertTrue(r.isPlainASCII)
        // headers given as pairs are looked at too, names included
        XCTAssertTrue(HTTPResponse(status: 200, headers: [("A", "b")], body: []).isPlainASCII)
        XCTAssertFalse(HTTPResponse(status: 200, headers: [("A", "b\tc")], body: []).isPlainASCII)
        XCTAssertFalse(HTTPResponse(status: 200, headers: [("A\"", "b")], body: []).isPlainASCII)
    }

    func testWhichLinesAreHeaders() {
        let r = received([Array("HTTP/1.1 200 OK\r\n".utf8),
                          Array("X-A: 1\r\n".utf8),            // kept
                          Array(":no-name\r\n".utf8),          // no name
                          Array("no colon at all\r\n".utf8),
                          Array("Bad Name: 2\r\n".utf8),       // a space in the name
                          Array("X-B\t: 3\r\n".utf8),          // a tab before the colon
                          [88, 0xc3, 0xa9, 58, 32, 52, 13, 10], // non-ASCII in the name
                          Array("X-C:a:b\r\n".utf8),           // the first colon ends the name
                          Array("X-D:\r\n".utf8),              // an empty value is a header
                          Array("X".utf8),                       // a name that runs to the end
                          Array("\r\n".utf8)])
        XCTAssertEqual(r.headers.map { "\($0.0)=\($0.1)" }, ["x-a=1", "x-c=a:b", "x-d="])
    }

    func testContentLengthIsFoundInAnyCaseOnly() {
        for (line, stops) in [("Content-Length: 11\r\n", true), ("CONTENT-LENGTH:11\r\n", true),
                              ("content-length: 5\r\n", false), ("Content-Lengthy: 11\r\n", false),
                              ("Content-Type: 11\r\n", false), ("X-Content-Length: 11\r\n", false)] {
            var c = ResponseCollector(maxBody: 10)
            _ = Array("HTTP/1.1 200 OK\r\n".utf8).withUnsafeBytes { c.header($0) }
            XCTAssertEqual(Array(line.utf8).withUnsafeBytes { c.header($0) }, !stops, line)
            XCTAssertEqual(c.stop == .bodyTooLarge, stops, line)
        }
    }

    func testHeaderBounds() {
        var r = HTTPResponse(status: 200, headerCapacity: 64)
        var overflowed = false
        for i in 0...HTTPResponse.maxHeaderCount {
            let line = Array("X-\(i): v\r\n".utf8)
            if line.withUnsafeBytes({ r.receiveHeaderLine($0) }) == .overflow { overflowed = true; break }
        }
        XCTAssertTrue(overflowed)
        var big = HTTPResponse(status: 200, headerCapacity: 64)
        let line = Array("X-Big: ".utf8) + [UInt8](repeating: 97, count: HTTPResponse.maxHeaderBytes) + [13, 10]
        XCTAssertEqual(line.withUnsafeBytes { big.receiveHeaderLine($0) }, .overflow)
    }

    func testNulOrCRInAHeaderLineRefusesTheResponse() {
        func line(_ r: inout HTTPResponse, _ text: String) -> HTTPResponse.HeaderLine {
            Array(text.utf8).withUnsafeBytes { r.receiveHeaderLine($0) }
        }
        var r = HTTPResponse(status: 0, headerCapacity: 64)
        XCTAssertEqual(line(&r, "HTTP/1.1 200 OK\r\n"), .status(200))
        for bad in ["X-A: a\u{0}b\r\n", "X-A: \u{0}\r\n", "X-\u{0}A: v\r\n", "X-A: a\rb\r\n", "X-A: a\r \r\n",
                    "HTTP/1.1 200 O\u{0}K\r\n", "no colon\u{0}\r\n"] {
            XCTAssertEqual(line(&r, bad), .invalid, bad.debugDescription)
        }
        XCTAssertTrue(r.headers.isEmpty)
        // the line break's CRs are no problem; other control characters are kept (RFC 9110 5.5 allows it)
        XCTAssertEqual(line(&r, "X-A: a\u{1}\u{7f}b\r\r\n"), .header)
        XCTAssertEqual(r.header("x-a"), "a\u{1}\u{7f}b")
        // the collector stops the transfer there
        var c = ResponseCollector(maxBody: 10)
        _ = Array("HTTP/1.1 200 OK\r\n".utf8).withUnsafeBytes { c.header($0) }
        XCTAssertFalse(Array("X-A: a\u{0}\r\n".utf8).withUnsafeBytes { c.header($0) })
        XCTAssertEqual(c.stop, .invalidHeader)
    }

    func testBodyBounds() {
        var c = ResponseCollector(maxBody: 10)
        _ = Array("HTTP/1.1 200 OK\r\n".utf8).withUnsafeBytes { c.header($0) }
        XCTAssertTrue(Array("12345".utf8).withUnsafeBytes { c.body($0) })
        XCTAssertFalse(Array("123456".utf8).withUnsafeBytes { c.body($0) })
        XCTAssertEqual(c.stop, .bodyTooLarge)
        // an announced length over the bound stops before the body
        var d = ResponseCollector(maxBody: 10)
        _ = Array("HTTP/1.1 200 OK\r\n".utf8).withUnsafeBytes { d.header($0) }
        XCTAssertFalse(Array("Content-Length: 11\r\n".utf8).withUnsafeBytes { d.header($0) })
        XCTAssertEqual(d.stop, .bodyTooLarge)
        // an error body is cut at errorBodyBytes and kept
        var e = ResponseCollector(maxBody: 1 << 20)
        _ = Array("HTTP/1.1 503 Slow Down\r\n".utf8).withUnsafeBytes { e.header($0) }
        let chunk = [UInt8](repeating: 60, count: 50_000)
        XCTAssertTrue(chunk.withUnsafeBytes { e.body($0) })
        XCTAssertFalse(chunk.withUnsafeBytes { e.body($0) })
        XCTAssertEqual(e.stop, .errorBodyTruncated)
        XCTAssertEqual(e.response.body.count, TransportOptions.errorBodyBytes)
        XCTAssertEqual(e.response.status, 503)
        // libcurl's resend in one transfer: allowed when no byte of the first request went out
        // (its write into a dead connection failed), refused once the server may have it
        var f = ResponseCollector(maxBody: 10)
        XCTAssertTrue(f.willSend(requestBytesSent: 0))
        XCTAssertTrue(f.willSend(requestBytesSent: 0))
        XCTAssertNil(f.stop)
        XCTAssertFalse(f.willSend(requestBytesSent: 180))
        XCTAssertEqual(f.stop, .resendRefused)
    }
}
