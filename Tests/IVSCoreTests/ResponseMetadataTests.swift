import CJansson
import XCTest
@testable import IVSCore

/// ResponseMetadata as boto3 reports it. ivs_call writes it as text, ivs_paginate builds it as a tree:
/// for the same response both must be the same JSON, byte for byte once the tree is dumped.
final class ResponseMetadataTests: XCTestCase {
    private func text(_ r: HTTPResponse, attempts: Int = 1) -> String {
        var out: [UInt8] = []
        ResponseMetadata(r, attempts: attempts).appendObject(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func treeText(_ r: HTTPResponse, attempts: Int = 1) -> String {
        guard let t = ResponseMetadata(r, attempts: attempts).tree() else { return "out of memory" }
        defer { JSON.release(t) }
        return JSON.dump(t)
    }

    /// A response as the transport receives it, line by line.
    private func received(_ status: Int, _ lines: [[UInt8]]) -> HTTPResponse {
        var r = HTTPResponse(status: 0, headerCapacity: 256)
        _ = Array("HTTP/1.1 \(status) X\r\n".utf8).withUnsafeBytes { r.receiveHeaderLine($0) }
        for l in lines { _ = (l + [13, 10]).withUnsafeBytes { r.receiveHeaderLine($0) } }
        return r
    }

    func testTheObjectHasBoto3sFourMembers() {
        let r = HTTPResponse(status: 200, headers: [("x-amzn-RequestId", "abc-123"), ("Content-Type", "application/json")], body: [])
        XCTAssertEqual(text(r, attempts: 3),
                       #"{"RequestId":"abc-123","HTTPStatusCode":200,"HTTPHeaders":{"x-amzn-requestid":"abc-123","#
                       + #""content-type":"application/json"},"RetryAttempts":2}"#)
        var member: [UInt8] = []
        ResponseMetadata(r, attempts: 1).appendMember(to: &member)
        XCTAssertTrue(String(decoding: member, as: UTF8.self).hasPrefix(#""ResponseMetadata":{"RequestId":"abc-123","#))
    }

    func testTheRequestIdComesFromXAmznRequestIdThenXAmzRequestIdElseIsEmpty() {
        let amz = HTTPResponse(status: 200, headers: [("X-Amz-Request-Id", "s3-style")], body: [])
        XCTAssertTrue(text(amz).hasPrefix(#"{"RequestId":"s3-style","#))
        let none = HTTPResponse(status: 500, headers: [], body: [])
        XCTAssertEqual(text(none), #"{"RequestId":"","HTTPStatusCode":500,"HTTPHeaders":{},"RetryAttempts":0}"#)
        XCTAssertEqual(treeText(none), text(none))
    }

    func testARepeatedHeaderAppearsOnceWithItsValuesJoined() {
        let r = received(200, [Array("Vary: Origin".utf8), Array("X-Amzn-RequestId: r".utf8), Array("vary: Accept".utf8),
                               Array("VARY:  Encoding ".utf8)])
        XCTAssertEqual(text(r), #"{"RequestId":"r","HTTPStatusCode":200,"HTTPHeaders":{"vary":"Origin, Accept, Encoding","#
                       + #""x-amzn-requestid":"r"},"RetryAttempts":0}"#)
        XCTAssertEqual(treeText(r), text(r))
    }

    func testHeaderBytesThatAreNotUTF8BecomeReplacementCharactersInBothForms() {
        let r = received(200, [Array("X-Bin: a".utf8) + [0xFF, 0xC3] + Array("b".utf8) + [0xED, 0xA0, 0x80]])
        XCTAssertEqual(text(r), "{\"RequestId\":\"\",\"HTTPStatusCode\":200,\"HTTPHeaders\":{\"x-bin\":\"a\u{FFFD}\u{FFFD}b\u{FFFD}\u{FFFD}\u{FFFD}\"},\"RetryAttempts\":0}")
        XCTAssertEqual(treeText(r), text(r))
    }

    /// Random headers as the transport receives them (names in any case, some repeated; values with
    /// controls, NUL, quotes, backslashes, non-ASCII and invalid UTF-8): the text and the dumped tree
    /// are the same bytes, and valid JSON.
    func testTextAndTreeAreTheSameBytesForAnyHeaders() {
        var g = SeededGenerator(seed: 0x4D45_5441)
        let names = ["X-Amzn-RequestId", "x-amz-request-id", "Content-Type", "x-amzn-errortype", "Set-Cookie", "set-cookie",
                     "X-Custom", "x-custom", "Date", "ETag"]
        for i in 0..<1000 {
            var lines: [[UInt8]] = []
            for _ in 0..<Int.random(in: 0...8, using: &g) {
                let value = Bool.random(using: &g) ? TrickyText.valid(&g, maxPieces: 6) : TrickyText.withInvalid(&g)
                // CR and LF would end the line: the transport never hands them over inside a value
                lines.append(Array(names.randomElement(using: &g)!.utf8) + [58, 32] + value.filter { $0 != 13 && $0 != 10 })
            }
            let r = received([200, 201, 400, 404, 503].randomElement(using: &g)!, lines)
            let attempts = Int.random(in: 1...5, using: &g)
            let t = text(r, attempts: attempts)
            XCTAssertEqual(treeText(r, attempts: attempts), t, "case \(i)")
            // valid JSON, each header name once (\u0000 is valid JSON; libivs's own parser refuses it in input)
            var error = json_error_t()
            let parsed = json_loadb(t, t.utf8.count, Int(JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES), &error)
            XCTAssertNotNil(parsed, "case \(i): not JSON: \(t)")
            XCTAssertEqual(parsed?["RetryAttempts"]?.intValue, Int64(attempts - 1))
            JSON.release(parsed)
        }
    }
}
