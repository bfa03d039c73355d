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
        for bad in ["", "2026", "2026-13-01T00:00:00Z", "2026-11-21T25:00:00Z", "2026-11-21T09:30:00Zjunk", "now"] {
            XCTAssertNil(Clock.parseISO8601(bad), bad)
        }
    }

    func testAmzDateAndHTTPDate() {
        XCTAssertEqual(Clock.amzDate(1795253400), "20261121T093000Z")
        XCTAssertEqual(Clock.parseHTTPDate("Sat, 21 Nov 2026 09:30:00 GMT"), 1795253400)
        XCTAssertNil(Clock.parseHTTPDate("garbage"))
    }
}
