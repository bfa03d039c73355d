import XCTest
@testable import IVSCore

final class ClockTests: XCTestCase {
    func testISO8601RoundTrip() {
        XCTAssertEqual(Clock.iso8601(1795253400), "2026-11-21T09:30:00Z")
        XCTAssertEqual(Clock.iso8601(1795253400.123), "2026-11-21T09:30:00.123Z")
        XCTAssertEqual(Clock.iso8601(0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(Clock.parseISO8601("2026-11-21T09:30:00Z"), 1795253400)
        XCTAssertEqual(Clock.parseISO8601("2026-11-21T10:30:00+01:00"), 1795253400)
        XCTAssertEqual(Clock.parseISO8601("2026-11-21"), 1795219200)
        XCTAssertEqual(Clock.parseISO8601("2024-02-29T00:00:00.5Z"), 1709164800.5)
        for bad in ["", "2026", "2026-13-01T00:00:00Z", "2026-11-21T25:00:00Z", "2026-11-21T09:30:00Zjunk", "now",
                    "2024-13-45T99:99:99Z", "2023-02-29T00:00:00Z", "2024-04-31", "2024-01-01T00:00:00+24:00",
                    "2024-01-01T00:00:00.Z", "99999-01-01T00:00:00Z", "2024-01-01T00:00:00+01:60"] {
            XCTAssertNil(Clock.parseISO8601(bad), bad)
        }
    }

    /// Every instant the four-digit-year form can show formats as gmtime_r does; everything else
    /// (what a hostile response can send: 1e300, Int64.max, NaN) has no form instead of trapping.
    func testISO8601Range() {
        XCTAssertEqual(Clock.iso8601(-62_135_596_800), "0001-01-01T00:00:00Z")
        XCTAssertEqual(Clock.iso8601(253_402_300_799.5), "9999-12-31T23:59:59.5Z")
        for v in [1e300, -1e300, 9_223_372_036_854_775_807, 67_768_036_191_676_800, 253_402_300_800,
                  -62_135_596_801, .nan, .infinity, -.infinity, 253_402_300_799.9999999] {
            XCTAssertNil(Clock.iso8601(v), "\(v)")
        }
        var g = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let s = Int.random(in: -62_135_596_800..<253_402_300_800, using: &g)
            var t = time_t(s)
            var tm = tm()
            gmtime_r(&t, &tm)
            let want = String(format4(Int(tm.tm_year) + 1900)) + "-" + two(Int(tm.tm_mon) + 1) + "-" + two(Int(tm.tm_mday))
                + "T" + two(Int(tm.tm_hour)) + ":" + two(Int(tm.tm_min)) + ":" + two(Int(tm.tm_sec)) + "Z"
            XCTAssertEqual(Clock.iso8601(Double(s)), want)
            XCTAssertEqual(Clock.parseISO8601(want), Double(s))
        }
    }

    private func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    private func format4(_ v: Int) -> String { String(repeating: "0", count: max(0, 4 - String(v).count)) + String(v) }

    func testAmzDateAndHTTPDate() {
        XCTAssertEqual(Clock.amzDate(1795253400), "20261121T093000Z")
        XCTAssertEqual(Clock.parseHTTPDate("Sat, 21 Nov 2026 09:30:00 GMT"), 1795253400)
        XCTAssertEqual(Clock.parseHTTPDate("Sat, 1 Nov 2026 00:00:00 GMT"), Clock.parseISO8601("2026-11-01"))
        for bad in ["garbage", "Sun, 06 Nov 1994 9223372036854775807:00:00 GMT", "Sun, 06 Nov 99999999999999999 08:49:37 GMT",
                    "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                    "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 GMT ", "", "Sun,"] {
            XCTAssertNil(Clock.parseHTTPDate(bad), bad)
        }
    }

    /// Hostile Retry-After values never trap and never ask for a wait past the cap.
    func testServerDelay() {
        func delay(_ name: String, _ value: String) -> Double? {
            RetryPolicy.serverDelay(HTTPResponse(status: 503, headers: [(name, value)], body: []))
        }
        XCTAssertEqual(delay("Retry-After", "3"), 3)
        XCTAssertEqual(delay("x-amz-retry-after", "1500"), 1.5)
        for bad in ["Sun, 06 Nov 1994 9223372036854775807:00:00 GMT", "1e999", "-5", "nan", "inf", "0x10", " ", "1.2.3"] {
            XCTAssertNil(delay("Retry-After", bad), bad)
            XCTAssertNil(delay("x-amz-retry-after", bad), bad)
        }
        XCTAssertEqual(delay("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"), 0) // in the past: no wait
        XCTAssertLessThanOrEqual(RetryPolicy.delay(attempt: 1, response: HTTPResponse(status: 503, headers: [("Retry-After", "99999999")], body: []), random: 0.5), 20)
    }
}
