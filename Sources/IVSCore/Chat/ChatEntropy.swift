import COpenSSL

/// Random bytes for masking keys (RFC 6455 wants them unpredictable) and RequestIds from OpenSSL's
/// DRBG (seeded from the system's CSPRNG): no system call per value, where the standard library's
/// generator makes one per eight bytes (sixteen for a UUID), which showed as the largest cost of
/// ivs_chat_send.
enum ChatEntropy {
    static func fill(_ out: UnsafeMutableRawBufferPointer) {
        guard let base = out.baseAddress, out.count > 0 else { return }
        if RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(out.count)) != 1 {
            var g = SystemRandomNumberGenerator() // the DRBG failed (it does not once seeded): the stdlib's
            for i in 0..<out.count { out[i] = UInt8.random(in: 0...255, using: &g) }
        }
    }

    static func maskKey() -> UInt32 {
        var k: UInt32 = 0
        withUnsafeMutableBytes(of: &k) { fill($0) }
        return k
    }

    /// A random (version 4) UUID in lowercase canonical form.
    static func uuid() -> String {
        var b = [UInt8](repeating: 0, count: 16)
        b.withUnsafeMutableBytes { fill($0) }
        b[6] = (b[6] & 0x0f) | 0x40
        b[8] = (b[8] & 0x3f) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, v) in b.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(45) }
            out.append(digits[Int(v >> 4)])
            out.append(digits[Int(v & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
