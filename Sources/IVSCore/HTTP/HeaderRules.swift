#if canImport(Glibc)
import Glibc
#endif

/// What a header value may hold: no control character but tab (a CR or LF would let a value from
/// outside write header lines of its own). Bytes >= 0x80 are left to the peer.
public enum HeaderValue {
    @inline(__always)
    public static func isAllowedByte(_ c: UInt8) -> Bool { c >= 32 ? c != 127 : c == 9 }

    public static func isValid(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { isValid($0) }
    }

    /// Whether every byte is allowed, 8 at a time: a word with no byte below 0x20 and none equal to
    /// 0x7f is all allowed; a word where either test fires (a tab, or a byte refused) is checked byte
    /// by byte. The tests are exact about whether some byte fires (bytes >= 0x80 never do).
    public static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = b.baseAddress else { return true }
        let n = b.count
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i &+ 8 <= n {
            var w: UInt64 = 0
            memcpy(&w, p + i, 8)
            let del = w ^ (ones &* 0x7f)
            if ((w &- ones &* 32) & ~w | (del &- ones) & ~del) & high != 0 {
                for k in i..<i &+ 8 where !isAllowedByte(p[k]) { return false }
            }
            i &+= 8
        }
        while i < n {
            if !isAllowedByte(p[i]) { return false }
            i &+= 1
        }
        return true
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
