/// What a header value may hold: no control character but tab (a CR or LF would let a value from
/// outside write header lines of its own). Bytes >= 0x80 are left to the peer.
public enum HeaderValue {
    @inline(__always)
    public static func isAllowedByte(_ c: UInt8) -> Bool { c >= 32 ? c != 127 : c == 9 }

    public static func isValid(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { b in
            for c in b where !isAllowedByte(c) { return false }
            return true
        }
    }
}

/// What a header name may be: an RFC 9110 token.
public enum HeaderName {
    @inline(__always)
    public static func isTokenByte(_ c: UInt8) -> Bool {
        switch c {
        case 48...57, 65...90, 97...122: return true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: return true // !#$%&'*+-.^_`|~
        default: return false
        }
    }

    public static func isValid(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy(isTokenByte) }
}
