/// Lowercase hexadecimal, for digests and random identifiers.
public enum Hex {
    /// Lowercase hex of bytes.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let n = bytes.count
        return String(unsafeUninitializedCapacity: n * 2) { out in
            guard let p = out.baseAddress else { return 0 }
            var i = 0
            for b in bytes where i + 2 <= out.count {
                p[i] = digit(b >> 4)
                p[i + 1] = digit(b & 0x0f)
                i += 2
            }
            return i
        }
    }

    /// Writes the lowercase hex of bytes at out, which must have room for 2 * bytes.count bytes.
    @inline(__always)
    static func write(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) {
        for (i, b) in bytes.enumerated() {
            out[2 * i] = digit(b >> 4)
            out[2 * i + 1] = digit(b & 0x0f)
        }
    }

    @inline(__always)
    private static func digit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 87 + v }
}
