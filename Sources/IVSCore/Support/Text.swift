/// Small text helpers shared by the parsers of configuration files, headers and messages.
public enum Text {
    @inline(__always)
    static func isBlank(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" || c == "\n" }

    /// s without leading and trailing spaces, tabs, CRs and LFs.
    public static func trimmed<S: StringProtocol>(_ s: S) -> String {
        var sub = Substring(s)
        while let f = sub.first, isBlank(f) { sub = sub.dropFirst() }
        while let l = sub.last, isBlank(l) { sub = sub.dropLast() }
        return String(sub)
    }

    /// Text from outside, short enough for a message: at most limit characters (Unicode scalars).
    public static func excerpt(_ s: String, limit: Int = 100) -> String {
        s.unicodeScalars.count <= limit ? s : String(String.UnicodeScalarView(s.unicodeScalars.prefix(limit))) + "..."
    }

    /// a followed by b, made in one allocation (String's + appends, growing the storage as it goes).
    public static func joined(_ a: String, _ b: String) -> String {
        if b.isEmpty { return a }
        if a.isEmpty { return b }
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                String(unsafeUninitializedCapacity: x.count + y.count) { out in
                    guard let o = out.baseAddress, out.count >= x.count + y.count else { return 0 }
                    if let p = x.baseAddress { o.update(from: p, count: x.count) }
                    if let p = y.baseAddress { (o + x.count).update(from: p, count: y.count) }
                    return x.count + y.count
                }
            }
        }
    }
}
