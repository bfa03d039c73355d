import CJansson
import XCTest
@testable import IVSCore

/// Comparing JSON texts as values (jansson's json_equal: object member order aside, numbers by type
/// and value), for tests where one side is the service's bytes and the other a dumped tree.
func assertSameJSON(_ actual: String, _ expected: String, _ message: String = "",
                    file: StaticString = #filePath, line: UInt = #line) {
    guard case .success(let a) = JSON.parse(actual) else {
        return XCTFail("not JSON: \(actual) \(message)", file: file, line: line)
    }
    defer { JSON.release(a) }
    guard case .success(let b) = JSON.parse(expected) else {
        return XCTFail("expected text is not JSON: \(expected)", file: file, line: line)
    }
    defer { JSON.release(b) }
    XCTAssertTrue(json_equal(a, b) != 0, "\(actual)\n  is not\n\(expected)\n\(message)", file: file, line: line)
}

/// The text of an OutputText, which is freed.
func consumed(_ text: OutputText) -> String {
    defer { text.free() }
    return text.string
}

/// A response as the transport would hand it over.
func response(_ status: Int = 200, _ body: String, headers: [(String, String)] = [("x-amzn-RequestId", "req-1")]) -> HTTPResponse {
    HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
}

/// jansson's own string value of the bytes (owned), or nil when jansson refuses them (not UTF-8).
func janssonString(_ bytes: [UInt8]) -> JSONPointer? {
    guard !bytes.isEmpty else { return json_string("") }
    return bytes.withUnsafeBufferPointer { b in
        b.withMemoryRebound(to: CChar.self) { json_stringn($0.baseAddress!, $0.count) }
    }
}
