import XCTest
import CCurl
@testable import IVSCore

/// The URL curl is given: the endpoint's URL and the request's target joined into temporary memory,
/// NUL-terminated, byte for byte what joining the Strings gives.
final class TransportURLTests: XCTestCase {
    private func url(_ base: String, _ target: String) -> String {
        var seen = ""
        let rc = CurlTransport.withURL(base, target) { p in
            seen = String(cString: p)
            return CURLE_OK
        }
        XCTAssertEqual(rc, CURLE_OK)
        return seen
    }

    func testTheURLIsBaseThenTarget() {
        let targets = ["", "/", "/GetChannel", "/tags/arn%3Aaws%3Aivs", "/x?maxResults=5&nextToken=a%20b", "/\u{e9}t\u{e9}"]
        let bases = ["", "http://127.0.0.1:9", "https://ivs.us-west-2.amazonaws.com", "http://[::1]:8080/base",
                     String(repeating: "h", count: 3000)]
        for base in bases {
            for target in targets { XCTAssertEqual(url(base, target), base + target) }
        }
    }
}
