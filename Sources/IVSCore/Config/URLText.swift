/// The URLs a configuration names (endpoints, proxies, metadata services), checked when the client is
/// made, so that a bad one is IVS_E_CONFIG at once rather than a retried network error on every call;
/// and shown in messages without the password a proxy URL may carry.
public struct URLParts: Equatable {
    /// Lowercased; "" when the text had none (a proxy given as host:port).
    public let scheme: String
    public let hasUserInfo: Bool
    /// host[:port] as written (a bracketed IPv6 address keeps its brackets), without user info.
    public let authority: String
    public let port: Int?
    /// Everything from the first "/" up to "?" or "#" ("" for none).
    public let path: String
}

public enum URLText {
    /// Splits and checks scheme://[userinfo@]host[:port][/path][?query][#fragment]. With
    /// schemeOptional, "host[:port]" alone is accepted too. The reason is nil-free text for a message.
    public static func parse(_ text: String, schemeOptional: Bool = false) -> Result<URLParts, URLProblem> {
        var rest = Substring(text)
        var scheme = ""
        if let r = firstIndex(of: "://", in: rest) {
            scheme = String(rest[..<r]).lowercased()
            guard !scheme.isEmpty, scheme.utf8.allSatisfy({ isAlnum($0) || $0 == 43 || $0 == 45 || $0 == 46 }) else {
                return .failure(.init("has an invalid scheme"))
            }
            rest = rest[rest.index(r, offsetBy: 3)...]
        } else if !schemeOptional {
            return .failure(.init("must start with http:// or https://"))
        }
        if let q = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<q] }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash]
        let path = String(rest[slash...])
        var hasUserInfo = false
        if let at = authority.lastIndex(of: "@") {
            hasUserInfo = true
            authority = authority[authority.index(after: at)...]
        }
        var host = authority
        var port: Int? = nil
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(.init("has an unclosed [IPv6] host")) }
            let inner = authority[authority.index(after: authority.startIndex)..<close]
            guard !inner.isEmpty, inner.utf8.allSatisfy({ isHex($0) || $0 == 58 || $0 == 46 }) else {
                return .failure(.init("has an invalid IPv6 host"))
            }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(.init("has text after its [IPv6] host")) }
                guard let p = portNumber(after.dropFirst()) else { return .failure(.init("has an invalid port (1 to 65535)")) }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let p = portNumber(authority[authority.index(after: colon)...]) else {
                return .failure(.init("has an invalid port (1 to 65535)"))
            }
            port = p
            guard !host.isEmpty, host.utf8.allSatisfy(isHostByte) else { return .failure(.init("has an invalid host")) }
        } else {
            guard !host.isEmpty, host.utf8.allSatisfy(isHostByte) else { return .failure(.init("has an invalid host")) }
        }
        guard path.utf8.allSatisfy(isPathByte) else {
            return .failure(.init("has a path with spaces, control characters or other bytes a URL cannot carry"))
        }
        return .success(URLParts(scheme: scheme, hasUserInfo: hasUserInfo, authority: String(authority),
                                 port: port, path: path))
    }

    public struct URLProblem: Error {
        public let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The text for a message: user info replaced by "***" and at most 200 characters.
    public static func redacted(_ text: String) -> String {
        var shown = text
        let start = firstIndex(of: "://", in: Substring(text)).map { text.index($0, offsetBy: 3) } ?? text.startIndex
        let end = text[start...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? text.endIndex
        if let at = text[start..<end].lastIndex(of: "@") {
            shown = String(text[..<start]) + "***" + String(text[at...])
        }
        let scalars = shown.unicodeScalars
        return scalars.count > 200 ? String(String.UnicodeScalarView(scalars.prefix(200))) + "..." : shown
    }

    private static func firstIndex(of s: String, in text: Substring) -> Substring.Index? {
        var i = text.startIndex
        while i < text.endIndex {
            if text[i...].hasPrefix(s) { return i }
            i = text.index(after: i)
        }
        return nil
    }

    private static func portNumber(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.utf8.count <= 5, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let p = Int(s),
              (1...65535).contains(p) else { return nil }
        return p
    }

    private static func isAlnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) }
    private static func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102) }

    /// RFC 3986 reg-name characters: unreserved, percent-encoding and sub-delims.
    private static func isHostByte(_ c: UInt8) -> Bool {
        isAlnum(c) || c == 45 || c == 46 || c == 95 || c == 126 || c == 37
            || c == 33 || c == 36 || c == 38 || c == 39 || c == 40 || c == 41 || c == 42 || c == 43 || c == 44 || c == 59 || c == 61
    }

    /// Visible ASCII that may stand in a path (not the characters RFC 3986 excludes: "<>\^`{|} and space).
    private static func isPathByte(_ c: UInt8) -> Bool {
        c > 32 && c < 127 && c != 34 && c != 60 && c != 62 && c != 92 && c != 94 && c != 96 && c != 123 && c != 124 && c != 125
    }
}
