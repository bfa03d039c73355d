// Fuzz target "dates": the timestamp parsers and the ISO 8601 formatter, as responses reach them.
//
// Input: text. It is read as an ISO 8601 date-time and as an HTTP-date (timestamps in a response
// body), as a JSON number (epoch seconds in a body), as the bit pattern of a double when it is 8
// bytes long, and as the value of Retry-After and of x-amz-retry-after on a 503 (the retry delay).
// Every instant found is formatted back with Clock.iso8601, which must give the contract's form for
// the years 1-9999, read back to the same instant, and nil outside them.
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum DateTarget {
    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: data, as: UTF8.self)
        if let d = Clock.parseISO8601(text) { format(d, "ISO 8601 \(text)") }
        if let d = Clock.parseHTTPDate(text) { format(d, "HTTP-date \(text)") }
        if case .success(let v) = JSON.parse(bytes: data) {
            if let d = v.numberValue { format(d, "JSON number \(text)") }
            JSON.release(v)
        }
        if data.count == 8 {
            var bits: UInt64 = 0
            for (i, b) in data.enumerated() { bits |= UInt64(b) << (8 * UInt64(i)) }
            format(Double(bitPattern: bits), "double bits \(bits)")
        }
        retryAfter(name: "Retry-After", data)
        retryAfter(name: "x-amz-retry-after", data)
    }

    static func format(_ d: Double, _ what: String) {
        let text = Clock.iso8601(d)
        _ = Clock.text(d)
        // Within the years 1-9999, but for the last half microsecond (which rounds up to year 10000).
        if Clock.iso8601Range.contains(d), d < Clock.iso8601Range.upperBound - 1e-6 {
            invariant(text != nil, "\(what): \(d) is in the years 1-9999 but has no ISO 8601 form")
        }
        guard let text else {
            invariant(!Clock.iso8601Range.contains(d) || d >= Clock.iso8601Range.upperBound - 1e-6,
                      "\(what): iso8601(\(d)) is nil")
            return
        }
        invariant(isOutputTimestamp(text), "\(what): iso8601(\(d)) = \(text)")
        guard let back = Clock.parseISO8601(text) else { return } // isOutputTimestamp read it already
        // Microseconds are kept; a double of 2.5e11 s is exact to ~3e-5 s.
        invariant(abs(back - d) <= 1e-3, "\(what): iso8601(\(d)) = \(text) reads back as \(back)")
    }

    /// The retry delay a 503 with this header value asks for: absent when unusable, never negative
    /// or infinite, at most 20 s once capped (the contract, issue 10).
    static func retryAfter(name: String, _ value: UnsafeBufferPointer<UInt8>) {
        var r = HTTPResponse(status: 503, headerCapacity: 64)
        guard r.appendHeader(name: Array(name.utf8), value: value) else { return }
        if let s = RetryPolicy.serverDelay(r) {
            invariant(s.isFinite && s >= 0, "\(name) \(String(decoding: value, as: UTF8.self)): server delay \(s)")
        }
        for attempt in 1...3 {
            let d = RetryPolicy.delay(attempt: attempt, response: r, random: 0.999)
            invariant(d.isFinite && d >= 0 && d <= RetryPolicy.maxBackoff, "\(name): retry delay \(d)")
        }
    }
}
