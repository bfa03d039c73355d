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
    /// schemeOptional, "host[:port]" alone is accepted too. Works on the UTF-8 bytes (a client checks
    /// several URLs when it is made).
    public static func parse(_ text: String, schemeOptional: Bool = false) -> Result<URLParts, URLProblem> {
        let b = Array(text.utf8)
        var i = 0
        var scheme = ""
        if let sep = index(of: [58, 47, 47], in: b, from: 0) { // "://"
            let s = b[0..<sep]
            guard !s.isEmpty, s.allSatisfy({ isAlnum($0) || $0 == 43 || $0 == 45 || $0 == 46 }) else {
                return .failure(.init("has an invalid scheme"))
            }
            scheme = String(decoding: s.map(ASCII.lower), as: UTF8.self)
            i = sep + 3
        } else if !schemeOptional {
            return .failure(.init("must start with http:// or https://"))
        }
        var end = b.count
        if let q = b[i...].firstIndex(where: { $0 == 63 || $0 == 35 }) { end = q } // ? or #
        let slash = b[i..<end].firstIndex(of: 47) ?? end
        var authStart = i
        var hasUserInfo = false
        if let at = b[i..<slash].lastIndex(of: 64) { // @
            hasUserInfo = true
            authStart = at + 1
        }
        let authority = b[authStart..<slash]
        var port: Int? = nil
        var hostEnd = slash
        if authority.first == 91 { // [
            guard let close = authority.firstIndex(of: 93) else { return .failure(.init("has an unclosed [IPv6] host")) }
            let inner = b[(authStart + 1)..<close]
            guard !inner.isEmpty, inner.allSatisfy({ isHex($0) || $0 == 58 || $0 == 46 }) else {
                return .failure(.init("has an invalid IPv6 host"))
            }
            hostEnd = close + 1
            if hostEnd < slash {
                guard b[hostEnd] == 58 else { return .failure(.init("has text after its [IPv6] host")) }
                guard let p = portNumber(b[(hostEnd + 1)..<slash]) else { return .failure(.init("has an invalid port (1 to 65535)")) }
                port = p
            }
        } else {
            if let colon = authority.lastIndex(of: 58) {
                guard let p = portNumber(b[(colon + 1)..<slash]) else { return .failure(.init("has an invalid port (1 to 65535)")) }
                port = p
                hostEnd = colon
            }
            let host = b[authStart..<hostEnd]
            guard !host.isEmpty, host.allSatisfy(isHostByte) else { return .failure(.init("has an invalid host")) }
        }
        let path = b[slash..<end]
        guard path.allSatisfy(isPathByte) else {
            return .failure(.init("has a path with spaces, control characters or other bytes a URL cannot carry"))
        }
        return .success(URLParts(scheme: scheme, hasUserInfo: hasUserInfo,
                                 authority: String(decoding: authority, as: UTF8.self), port: port,
                                 path: String(decoding: path, as: UTF8.self)))
    }

    public struct URLProblem: Error {
        public let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The text for a message: user info replaced by "***" and at most 200 characters.
    public static func redacted(_ text: String) -> String {
        let b = Array(text.utf8)
        let start = index(of: [58, 47, 47], in: b, from: 0).map { $0 + 3 } ?? 0
        let end = b[start...].firstIndex(where: { $0 == 47 || $0 == 63 || $0 == 35 }) ?? b.count
        var shown = text
        if let at = b[start..<end].lastIndex(of: 64) {
            shown = String(decoding: b[..<start], as: UTF8.self) + "***" + String(decoding: b[at...], as: UTF8.self)
        }
        return Text.excerpt(Text.shown(shown), limit: 200) // user info masked first: escaping cannot unmask it
    }

    /// Where needle first stands in b at or after from.
    private static func index(of needle: [UInt8], in b: [UInt8], from: Int) -> Int? {
        guard b.count >= needle.count + from else { return nil }
        for i in from...(b.count - needle.count) where b[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }

    private static func portNumber(_ s: ArraySlice<UInt8>) -> Int? {
        guard !s.isEmpty, s.count <= 5, s.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let p = s.reduce(0) { $0 * 10 + Int($1 - 48) }
        return (1...65535).contains(p) ? p : nil
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
