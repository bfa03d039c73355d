#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time and the timestamp formats AWS uses, without Foundation.
public enum Clock {
    /// Seconds since the epoch, with sub-second precision.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Monotonic seconds, for durations and backoff.
    public static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func utc(_ seconds: Int) -> tm {
        var t = time_t(seconds)
        var out = tm()
        gmtime_r(&t, &out)
        return out
    }

    private static func pad(_ v: Int32, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// SigV4's X-Amz-Date: 20261121T093000Z.
    public static func amzDate(_ seconds: Int) -> String {
        if amzDateRange.contains(seconds) {
            return String(unsafeUninitializedCapacity: 16) { out in
                guard let p = out.baseAddress, out.count >= 16 else { return 0 }
                writeAmzDate(seconds, to: p)
                return 16
            }
        }
        // Years outside 0...9999 (never a real request): gmtime_r and the padding as they always were.
        let t = utc(seconds)
        return pad(t.tm_year + 1900, 4) + pad(t.tm_mon + 1, 2) + pad(t.tm_mday, 2) + "T"
            + pad(t.tm_hour, 2) + pad(t.tm_min, 2) + pad(t.tm_sec, 2) + "Z"
    }

    /// The seconds whose X-Amz-Date has a four-digit year (0000-01-01 to 9999-12-31).
    static let amzDateRange = -62_167_219_200...253_402_300_799

    /// Writes the 16 bytes of the X-Amz-Date for seconds (which must be in amzDateRange) at out:
    /// civil-from-days arithmetic (Howard Hinnant's algorithm, proleptic Gregorian, as gmtime_r).
    @inline(__always)
    static func writeAmzDate(_ seconds: Int, to out: UnsafeMutablePointer<UInt8>) {
        var days = seconds / 86400
        var sod = seconds - days * 86400
        if sod < 0 { sod += 86400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        @inline(__always) func two(_ v: Int, _ at: Int) {
            out[at] = UInt8(truncatingIfNeeded: 48 + v / 10)
            out[at + 1] = UInt8(truncatingIfNeeded: 48 + v % 10)
        }
        two(year / 100, 0)
        two(year % 100, 2)
        two(month, 4)
        two(day, 6)
        out[8] = 84 // T
        two(sod / 3600, 9)
        two(sod / 60 % 60, 11)
        two(sod % 60, 13)
        out[15] = 90 // Z
    }

    /// ISO 8601 UTC: 2026-11-21T09:30:00Z, or with the fraction kept (trailing zeros trimmed, at most 6 digits).
    public static func iso8601(_ seconds: Double) -> String {
        var whole = seconds.rounded(.down)
        var micros = Int(((seconds - whole) * 1_000_000).rounded())
        if micros >= 1_000_000 { whole += 1; micros -= 1_000_000 }
        let t = utc(Int(whole))
        var s = pad(t.tm_year + 1900, 4) + "-" + pad(t.tm_mon + 1, 2) + "-" + pad(t.tm_mday, 2) + "T"
            + pad(t.tm_hour, 2) + ":" + pad(t.tm_min, 2) + ":" + pad(t.tm_sec, 2)
        if micros > 0 {
            var frac = pad(Int32(micros), 6)
            while frac.hasSuffix("0") { frac.removeLast() }
            s += "." + frac
        }
        return s + "Z"
    }

    /// Parses ISO 8601 date-times such as 2026-11-21T09:30:00Z, 2026-11-21T09:30:00.123+01:00 or 2026-11-21
    /// into epoch seconds. Returns nil for anything else.
    public static func parseISO8601(_ text: String) -> Double? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offset = 0
        if i < b.count {
            guard b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil } // T, t or space
            i += 1
            guard let h = digits(2), expect(58), let m = digits(2) else { return nil }
            hour = h; minute = m
            if i < b.count, b[i] == 58 {
                i += 1
                guard let s = digits(2) else { return nil }
                second = s
                if i < b.count, b[i] == 46 || b[i] == 44 {
                    i += 1
                    var scale = 0.1
                    var any = false
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        fraction += Double(b[i] - 48) * scale
                        scale /= 10
                        i += 1
                        any = true
                    }
                    guard any else { return nil }
                }
            }
            guard hour < 24, minute < 60, second <= 60 else { return nil }
            if i < b.count {
                if b[i] == 90 || b[i] == 122 { i += 1 } // Z
                else if b[i] == 43 || b[i] == 45 {
                    let sign = b[i] == 45 ? -1 : 1
                    i += 1
                    guard let oh = digits(2) else { return nil }
                    _ = expect(58)
                    guard let om = digits(2) else { return nil }
                    offset = sign * (oh * 3600 + om * 60)
                } else { return nil }
            }
            guard i == b.count else { return nil }
        }
        return Double(daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// HTTP dates (RFC 7231 IMF-fixdate), for Retry-After and rfc822 timestamps.
    public static func parseHTTPDate(_ text: String) -> Double? {
        // "Sun, 06 Nov 1994 08:49:37 GMT"
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]) else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let mi = months.firstIndex(of: String(parts[2])) else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3 else { return nil }
        return Double(daysFromCivil(year, mi + 1, day) * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2])
    }
}
