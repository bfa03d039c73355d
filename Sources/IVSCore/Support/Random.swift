/// Random identifiers: UUIDs for idempotency tokens, uniform doubles for retry jitter.
public enum RandomID {
    /// A random (version 4) UUID in lowercase canonical form.
    public static func uuid() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = Hex.encode(bytes)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-"
            + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}

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
