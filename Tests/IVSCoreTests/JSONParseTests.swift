import XCTest
@testable import IVSCore

/// JSON.parse over bytes from outside (chat events, credential documents, response bodies on the
/// jansson path): a raw NUL byte is never valid JSON and must be refused, whatever jansson does with it.
final class JSONParseTests: XCTestCase {
    private func parses(_ bytes: [UInt8]) -> Bool {
        guard case .success(let v) = JSON.parse(bytes: bytes) else { return false }
        JSON.release(v)
        return true
    }

    func testARawNulByteIsRefusedWherejanssonWouldTakeIt() {
        // jansson 2.14 ends a number at a NUL and accepts the rest: the fuzz finding fuzz/findings/chat.
        XCTAssertFalse(parses(Array("{\"\":0\u{0}}".utf8)))
        XCTAssertFalse(parses(Array("{\"a\":1}\u{0}".utf8)))
        XCTAssertFalse(parses(Array("[1.5\u{0}]".utf8)))
        guard case .failure(let e) = JSON.parse(bytes: Array("{\"\":0\u{0}}".utf8)) else { return XCTFail("parsed") }
        XCTAssertEqual(e.column, 6)
        XCTAssertTrue(parses(Array("{\"\":0}".utf8)))
        XCTAssertTrue(parses(Array("{\"a\":\"\\u0041\"}".utf8)))
    }

    func testAChatEventWithARawNulIsNotAnEvent() {
        XCTAssertNil(ChatConnection.eventText(Array("{\"\":0\u{0}}".utf8)))
        let ok = ChatConnection.eventText(Array("{\"Type\":\"MESSAGE\",\"n\":0}".utf8))
        XCTAssertNotNil(ok)
        ok?.free()
    }
}
