/// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), with an
/// ASCII fast path: header values and most JSON are ASCII.
enum UTF8Check {
    static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            if b[i] < 0x80 { i += 1; continue }
            guard let len = sequenceLength(b, at: i) else { return false }
            i += len
        }
        return true
    }

    /// The length of the valid multi-byte sequence that starts at i (b[i] >= 0x80), or nil.
    @inline(__always)
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let c = b[i]
        let need: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF // the allowed range of the second byte
        switch c {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: return nil
        }
        guard i + need < b.count, b[i + 1] >= lo, b[i + 1] <= hi else { return nil }
        for k in 2..<(need + 1) where b[i + k] & 0xC0 != 0x80 { return nil }
        return need + 1
    }
}
