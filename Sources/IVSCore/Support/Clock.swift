#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time and the timestamp formats AWS uses, without Foundation. Every parser here takes
/// text from outside (responses, headers, credential documents) and checks each field's range before
/// any arithmetic, so no input can trap.
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

    /// The instants ISO 8601 with a four-digit year can show: 0001-01-01T00:00:00Z up to (not
    /// including) 10000-01-01T00:00:00Z, as Python's datetime.
    public static let iso8601Range: Range<Double> = -62_135_596_800 ..< 253_402_300_800

    /// The seconds whose X-Amz-Date has a four-digit year (0000-01-01 to 9999-12-31).
    static let amzDateRange = -62_167_219_200...253_402_300_799

    // MARK: Civil dates (Howard Hinnant's algorithms, proleptic Gregorian, as gmtime_r)

    /// Days since 1970-01-01 of a date. Callers pass checked fields (|year| < 10^6), so nothing overflows.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Year, month, day and seconds of the day of an instant in amzDateRange.
    @inline(__always)
    static func civil(_ seconds: Int) -> (year: Int, month: Int, day: Int, secondOfDay: Int) {
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
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day, sod)
    }

    static func isLeapYear(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysInMonth(_ m: Int, _ y: Int) -> Int {
        switch m {
        case 2: return isLeapYear(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: Formatting

    /// SigV4's X-Amz-Date: 20261121T093000Z.
    public static func amzDate(_ seconds: Int) -> String {
        if amzDateRange.contains(seconds) {
            return String(unsafeUninitializedCapacity: 16) { out in
                guard let p = out.baseAddress, out.count >= 16 else { return 0 }
                writeAmzDate(seconds, to: p)
                return 16
            }
        }
        // Years outside 0...9999 (never a real request): gmtime_r's fields, padded.
        var t = time_t(seconds)
        var tm = tm()
        guard gmtime_r(&t, &tm) != nil else { return "00000101T000000Z" }
        return pad(Int(tm.tm_year) + 1900, 4) + pad(Int(tm.tm_mon) + 1, 2) + pad(Int(tm.tm_mday), 2) + "T"
            + pad(Int(tm.tm_hour), 2) + pad(Int(tm.tm_min), 2) + pad(Int(tm.tm_sec), 2) + "Z"
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Writes the 16 bytes of the X-Amz-Date for seconds (which must be in amzDateRange) at out.
    @inline(__always)
    static func writeAmzDate(_ seconds: Int, to out: UnsafeMutablePointer<UInt8>) {
        let c = civil(seconds)
        @inline(__always) func two(_ v: Int, _ at: Int) {
            out[at] = UInt8(truncatingIfNeeded: 48 + v / 10)
            out[at + 1] = UInt8(truncatingIfNeeded: 48 + v % 10)
        }
        two(c.year / 100, 0)
        two(c.year % 100, 2)
        two(c.month, 4)
        two(c.day, 6)
        out[8] = 84 // T
        two(c.secondOfDay / 3600, 9)
        two(c.secondOfDay / 60 % 60, 11)
        two(c.secondOfDay % 60, 13)
        out[15] = 90 // Z
    }

    /// ISO 8601 UTC: 2026-11-21T09:30:00Z, or with the fraction kept (trailing zeros trimmed, at most
    /// 6 digits). nil for an instant outside iso8601Range (or not finite): such a value has no
    /// four-digit-year form, and the caller decides what that means.
    public static func iso8601(_ seconds: Double) -> String? {
        iso8601(seconds, fractionDigits: nil)
    }

    /// ISO 8601 UTC with the fraction as botocore writes it in requests: none for whole seconds, else
    /// exactly fractionDigits digits (nil: at most 6, trailing zeros trimmed).
    public static func iso8601(_ seconds: Double, fractionDigits: Int?) -> String? {
        guard iso8601Range.contains(seconds) else { return nil }
        let floor = seconds.rounded(.down)
        var whole = Int(floor) // in range: |floor| < 2.6e11
        var micros = Int(((seconds - floor) * 1_000_000).rounded())
        if micros >= 1_000_000 { whole += 1; micros -= 1_000_000 }
        guard whole < Int(iso8601Range.upperBound) else { return nil }
        let c = civil(whole)
        var out: [UInt8] = []
        out.reserveCapacity(27)
        func digits(_ v: Int, _ n: Int) {
            var div = 1
            for _ in 1..<n { div *= 10 }
            while div > 0 { out.append(UInt8(truncatingIfNeeded: 48 + v / div % 10)); div /= 10 }
        }
        digits(c.year, 4); out.append(45); digits(c.month, 2); out.append(45); digits(c.day, 2)
        out.append(84)
        digits(c.secondOfDay / 3600, 2); out.append(58); digits(c.secondOfDay / 60 % 60, 2); out.append(58)
        digits(c.secondOfDay % 60, 2)
        if micros > 0 {
            out.append(46)
            var frac = micros, n = 6
            if fractionDigits == nil { while frac % 10 == 0 { frac /= 10; n -= 1 } }
            digits(frac, n)
        }
        out.append(90)
        return String(decoding: out, as: UTF8.self)
    }

    private static let weekdayNames: [StaticString] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"] // 1970-01-01 was a Thursday

    /// An HTTP date (IMF-fixdate, RFC 9110), "Sun, 06 Nov 1994 08:49:37 GMT", whole seconds; nil outside
    /// the years 1-9999.
    public static func httpDate(_ seconds: Double) -> String? {
        guard iso8601Range.contains(seconds) else { return nil }
        let whole = Int(seconds.rounded(.down))
        let c = civil(whole)
        var days = whole / 86400
        if whole % 86400 < 0 { days -= 1 }
        let weekday = ((days % 7) + 7) % 7
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = String(c.year)
        return weekdayNames[weekday].description + ", " + two(c.day) + " " + monthNames[c.month - 1].description + " "
            + String(repeating: "0", count: max(0, 4 - year.count)) + year + " " + two(c.secondOfDay / 3600) + ":"
            + two(c.secondOfDay / 60 % 60) + ":" + two(c.secondOfDay % 60) + " GMT"
    }

    /// An instant for a message: ISO 8601 where it has one, else the number of seconds (an
    /// untrusted value such as 1e308 must not reach integer conversion).
    public static func text(_ seconds: Double) -> String {
        iso8601(seconds) ?? "\(seconds) (seconds since the epoch)"
    }

    // MARK: Parsing

    /// Reads fixed-width decimal fields from bytes; every read checks the bounds and the digits.
    private struct Scanner {
        let b: [UInt8]
        var i = 0

        init(_ text: String) { b = Array(text.utf8) }

        var atEnd: Bool { i >= b.count }
        var peek: UInt8? { i < b.count ? b[i] : nil }

        mutating func digits(_ n: Int) -> Int? {
            guard n <= 9, i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }

        /// One or two digits (HTTP-date days may drop the leading zero).
        mutating func oneOrTwoDigits() -> Int? {
            guard let first = digits(1) else { return nil }
            if let c = peek, c >= 48 && c <= 57 { i += 1; return first * 10 + Int(c - 48) }
            return first
        }

        mutating func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }

        mutating func expect(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            guard i + n <= b.count else { return false }
            let p = s.utf8Start
            for k in 0..<n where b[i + k] != p[k] { return false }
            i += n
            return true
        }
    }

    /// Epoch seconds of checked civil fields (year 0...9999, offset within a day).
    private static func seconds(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, offset: Int) -> Int {
        daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset
    }

    /// Parses ISO 8601 date-times such as 2026-11-21T09:30:00Z, 2026-11-21T09:30:00.123+01:00 or
    /// 2026-11-21 into epoch seconds; nil for anything else, including impossible dates (2024-02-30)
    /// and times (25:00). A time without a zone is taken as UTC.
    public static func parseISO8601(_ text: String) -> Double? {
        var s = Scanner(text)
        guard let year = s.digits(4), s.expect(45), let month = s.digits(2), s.expect(45), let day = s.digits(2),
              (1...12).contains(month), day >= 1, day <= daysInMonth(month, year) else { return nil }
        if s.atEnd { return Double(seconds(year, month, day, 0, 0, 0, offset: 0)) }
        guard let sep = s.peek, sep == 84 || sep == 116 || sep == 32 else { return nil } // T, t or space
        s.i += 1
        guard let hour = s.digits(2), s.expect(58), let minute = s.digits(2) else { return nil }
        var second = 0
        var fraction = 0.0
        if s.expect(58) {
            guard let sec = s.digits(2) else { return nil }
            second = sec
            if let c = s.peek, c == 46 || c == 44 { // . or ,
                s.i += 1
                var scale = 0.1
                var any = false
                while let c = s.peek, c >= 48, c <= 57 {
                    fraction += Double(c - 48) * scale
                    scale /= 10
                    s.i += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        guard hour < 24, minute < 60, second <= 60 else { return nil }
        var offset = 0
        if let c = s.peek {
            if c == 90 || c == 122 { s.i += 1 } // Z
            else if c == 43 || c == 45 { // + or -
                s.i += 1
                guard let oh = s.digits(2) else { return nil }
                _ = s.expect(58)
                guard let om = s.digits(2), oh < 24, om < 60 else { return nil }
                offset = (c == 45 ? -1 : 1) * (oh * 3600 + om * 60)
            } else { return nil }
        }
        guard s.atEnd else { return nil }
        return Double(seconds(year, month, day, hour, minute, second, offset: offset)) + fraction
    }

    private static let monthNames: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                                     "Sep", "Oct", "Nov", "Dec"]

    /// HTTP dates in the IMF-fixdate form (RFC 9110), for Retry-After and rfc822 timestamps:
    /// "Sun, 06 Nov 1994 08:49:37 GMT" (a one-digit day is accepted). nil for anything else.
    public static func parseHTTPDate(_ text: String) -> Double? {
        var s = Scanner(text)
        // The weekday: three letters and a comma (not checked against the date, as most parsers).
        guard s.b.count >= 5, s.b[0...2].allSatisfy({ ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 }) else { return nil }
        s.i = 3
        guard s.expect(", "), let day = s.oneOrTwoDigits(), s.expect(32) else { return nil }
        guard let month = monthNames.firstIndex(where: { s.expect($0) }).map({ $0 + 1 }) else { return nil }
        guard s.expect(32), let year = s.digits(4), s.expect(32),
              let hour = s.digits(2), s.expect(58), let minute = s.digits(2), s.expect(58), let second = s.digits(2),
              s.expect(" GMT"), s.atEnd else { return nil }
        guard day >= 1, day <= daysInMonth(month, year), hour < 24, minute < 60, second <= 60 else { return nil }
        return Double(seconds(year, month, day, hour, minute, second, offset: 0))
    }
}
