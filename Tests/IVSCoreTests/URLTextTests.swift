import XCTest
@testable import IVSCore

final class URLTextTests: XCTestCase {
    func testEndpoints() throws {
        XCTAssertEqual(try Endpoint.parse("http://127.0.0.1:4566", key: "k").authority, "127.0.0.1:4566")
        XCTAssertEqual(try Endpoint.parse("https://ivs.us-west-2.amazonaws.com:443/", key: "k").url,
                       "https://ivs.us-west-2.amazonaws.com")
        XCTAssertEqual(try Endpoint.parse("http://[::1]:8080/base/", key: "k").url, "http://[::1]:8080/base")
        for bad in ["http://127.0.0.1:99999", "http://127.0.0.1:0", "http://127.0.0.1:abc", "http://127.0.0.1:",
                    "http://a b", "http://host/a b", "http://host/\u{7f}", "ftp://host", "host:80", "http://",
                    "http://[::1", "http://[zz]:80", "http://u:p@host", "http://host:-1", "http://host:+80"] {
            XCTAssertThrowsError(try Endpoint.parse(bad, key: "k"), bad)
        }
    }

    func testRedaction() {
        XCTAssertEqual(URLText.redacted("http://user:pw@proxy:3128/x"), "http://***@proxy:3128/x")
        XCTAssertEqual(URLText.redacted("user:pw@proxy:3128"), "***@proxy:3128")
        XCTAssertEqual(URLText.redacted("http://proxy:3128"), "http://proxy:3128")
        XCTAssertFalse(URLText.redacted("http://a:b@c@d:1").contains("b@c"))
        XCTAssertEqual(URLText.redacted(String(repeating: "x", count: 300)).count, 203)
    }

    func testProxies() {
        for ok in ["", "proxy.example:3128", "http://proxy:3128", "socks5h://u:p@127.0.0.1:1080", "https://[::1]:443/"] {
            XCTAssertNoThrow(try ClientConfig.checkProxy(ok), ok)
        }
        for bad in ["::::not a url", "ftp://proxy:21", "http://proxy:99999", "http://proxy/path", "http://pro xy"] {
            XCTAssertThrowsError(try ClientConfig.checkProxy(bad), bad)
        }
    }
}
