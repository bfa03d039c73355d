import COpenSSL

/// SHA-256 and HMAC-SHA256 from libcrypto's low-level SHA-256 (a context on the stack: no provider
/// lookup and no allocation per call, which matters on the SigV4 hot path).
public enum Digest {
    public static func sha256(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buf, n in
            sha256(data, into: UnsafeMutableRawPointer(buf.baseAddress))
            n = 32
        }
    }

    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        data.withUnsafeBytes { sha256($0) }
    }

    public static func sha256Hex(_ s: String) -> String {
        var s = s
        return s.withUTF8 { Hex.encode(sha256(UnsafeRawBufferPointer($0))) }
    }

    /// SHA-256 of data into out, which must have room for 32 bytes.
    @inline(__always)
    static func sha256(_ data: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer?) {
        var ctx = SHA256_CTX()
        SHA256_Init(&ctx)
        SHA256_Update(&ctx, data.baseAddress, data.count)
        SHA256_Final(out?.assumingMemoryBound(to: UInt8.self), &ctx)
    }

    /// HMAC-SHA256 (RFC 2104) over SHA-256 contexts.
    public static func hmacSHA256(key: [UInt8], _ data: UnsafeRawBufferPointer) -> [UInt8] {
        let k = key.withUnsafeBytes { HMACKey(key: $0) }
        return [UInt8](unsafeUninitializedCapacity: 32) { buf, n in
            k.authenticate(data, into: UnsafeMutableRawPointer(buf.baseAddress))
            n = 32
        }
    }

    public static func hmacSHA256(key: [UInt8], _ s: String) -> [UInt8] {
        var s = s
        return s.withUTF8 { hmacSHA256(key: key, UnsafeRawBufferPointer($0)) }
    }

    /// An HMAC-SHA256 key prepared once: the SHA-256 states after absorbing key^ipad and key^opad.
    /// Authenticating a message copies the two states (plain structs), so a signer that keeps one per
    /// key pays for neither the pads nor their two compressions again, and allocates nothing.
    struct HMACKey {
        private var inner = SHA256_CTX()
        private var outer = SHA256_CTX()

        init(key: UnsafeRawBufferPointer) {
            // The key padded with zeros to the 64-byte block (hashed first if longer), on the stack.
            var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &block) { b in
                if key.count > 64 {
                    Digest.sha256(key, into: b.baseAddress)
                } else if let src = key.baseAddress, key.count > 0 {
                    b.baseAddress?.copyMemory(from: src, byteCount: key.count)
                }
                for i in 0..<64 { b[i] ^= 0x36 }
                SHA256_Init(&inner)
                SHA256_Update(&inner, b.baseAddress, 64)
                for i in 0..<64 { b[i] ^= 0x36 ^ 0x5c }
                SHA256_Init(&outer)
                SHA256_Update(&outer, b.baseAddress, 64)
            }
        }

        /// HMAC-SHA256(key, data) into out, which must have room for 32 bytes.
        @inline(__always)
        func authenticate(_ data: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer?) {
            var innerDigest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            var i = inner, o = outer
            SHA256_Update(&i, data.baseAddress, data.count)
            withUnsafeMutableBytes(of: &innerDigest) { d in
                SHA256_Final(d.baseAddress?.assumingMemoryBound(to: UInt8.self), &i)
                SHA256_Update(&o, d.baseAddress, 32)
            }
            SHA256_Final(out?.assumingMemoryBound(to: UInt8.self), &o)
        }
    }
}
