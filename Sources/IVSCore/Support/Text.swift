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

    /// Outside text (a name or value from a file) as a message quotes it: each control character
    /// (U+0000-U+001F, U+007F) shown as the four characters \xHH. It stays visible, and no U+0000
    /// reaches the error JSON, which C callers' JSON readers refuse (jansson without JSON_ALLOW_NUL).
    public static func shown(_ s: String) -> String { hexEscaped(s) { $0 < 0x20 || $0 == 0x7f } }

    /// s with each U+0000 shown as \x00 (the error JSON's guarantee; other characters as they are).
    public static func withoutNUL(_ s: String) -> String { hexEscaped(s) { $0 == 0 } }

    /// s with each ASCII character that `escape` picks shown as \xHH.
    private static func hexEscaped(_ s: String, _ escape: (UInt8) -> Bool) -> String {
        guard s.utf8.contains(where: escape) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard u.isASCII, escape(UInt8(truncatingIfNeeded: u.value)) else { out.append(u); continue }
            out.append(contentsOf: ("\\x" + Hex.encode([UInt8(truncatingIfNeeded: u.value)])).unicodeScalars)
        }
        return String(out)
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
