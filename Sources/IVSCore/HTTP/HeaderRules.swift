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
    /// 0-9 A-Z a-z and !#$%&'*+-.^_`|~ as two 64-bit sets (bytes 0-63, 64-127): one shift and test a
    /// byte instead of a chain of compares and branches (a response header's name is checked byte by
    /// byte on the hot path). HeaderNameTests checks it against the list for all 256 bytes.
    static let tokenBytesLow: UInt64 = 0x03ff_6cfa_0000_0000
    static let tokenBytesHigh: UInt64 = 0x57ff_ffff_c7ff_fffe

    @inline(__always)
    public static func isTokenByte(_ c: UInt8) -> Bool {
        let set = c < 64 ? tokenBytesLow : c < 128 ? tokenBytesHigh : 0
        return (set >> UInt64(c & 63)) & 1 != 0
    }

    public static func isValid(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy(isTokenByte) }

    /// The length of the run of token bytes at the start of p[0 ..< n]: 8 bytes at a time while all 8
    /// are letters, digits or '-' (what header names are made of), byte by byte from the first other
    /// byte (the colon that ends a name, or a rarer token byte, after which words resume).
    static func tokenRunLength(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var i = 0
        while true {
            while i &+ 8 <= n {
                let other = notLetterDigitOrDash8(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                if other != 0 {
                    i &+= other.trailingZeroBitCount >> 3
                    break
                }
                i &+= 8
            }
            guard i < n, isTokenByte(p[i]) else { return i }
            i &+= 1
        }
    }

    /// Lowercases the ASCII letters of p[0 ..< n] in place, 8 bytes at a time (the last word overlaps
    /// the one before it: lowercasing twice changes nothing).
    static func lowercase(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) {
        guard n >= 8 else {
            for i in 0..<n { p[i] = ASCII.lower(p[i]) }
            return
        }
        func word(_ at: Int) {
            let w = UnsafeRawPointer(p + at).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(p + at).storeBytes(of: w | upper8(w) >> 2, as: UInt64.self) // 0x80 >> 2 is 0x20
        }
        var i = 0
        while i &+ 8 <= n { word(i); i &+= 8 }
        if i < n { word(n &- 8) }
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of x (every byte below 0x80) that is c or above. Exact: no byte's sum
    /// carries into the next.
    @inline(__always)
    private static func atLeast(_ x: UInt64, _ c: UInt8) -> UInt64 { (x &+ ones &* UInt64(0x80 &- c)) & high }

    /// The high bit of each of 8 bytes (little-endian) that is not an ASCII letter, digit or '-'.
    @inline(__always)
    static func notLetterDigitOrDash8(_ w: UInt64) -> UInt64 {
        let h = w & ~high, folded = h | ones &* 0x20 // folded: A-Z as a-z
        let letter = atLeast(folded, 0x61) & ~atLeast(folded, 0x7b)
        let digit = atLeast(h, 0x30) & ~atLeast(h, 0x3a)
        let dash = atLeast(h, 0x2d) & ~atLeast(h, 0x2e)
        return ~(letter | digit | dash) & high | w & high
    }

    /// The high bit of each of 8 bytes (little-endian) that is A-Z.
    @inline(__always)
    static func upper8(_ w: UInt64) -> UInt64 {
        let h = w & ~high
        return atLeast(h, 0x41) & ~atLeast(h, 0x5b) & ~w
    }
}
