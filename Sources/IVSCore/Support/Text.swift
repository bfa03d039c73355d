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
}
