import COpenSSL

/// SHA-256 and HMAC-SHA256 from libcrypto's low-level SHA-256 (a context on the stack: no provider
/// lookup and no allocation per call, which matters on the SigV4 hot path).
public enum Digest {
    public static func sha256(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        var ctx = SHA256_CTX()
        SHA256_Init(&ctx)
        SHA256_Update(&ctx, data.baseAddress, data.count)
        return finish(&ctx)
    }

    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        data.withUnsafeBytes { sha256($0) }
    }

    public static func sha256Hex(_ s: String) -> String {
        var s = s
        return s.withUTF8 { Hex.encode(sha256(UnsafeRawBufferPointer($0))) }
    }

    @inline(__always)
    private static func finish(_ ctx: inout SHA256_CTX) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buf, n in
            SHA256_Final(buf.baseAddress, &ctx)
            n = 32
        }
    }

    /// HMAC-SHA256 (RFC 2104) over SHA-256 contexts.
    public static func hmacSHA256(key: [UInt8], _ data: UnsafeRawBufferPointer) -> [UInt8] {
        var k = key.count > 64 ? sha256(key) : key
        k += [UInt8](repeating: 0, count: 64 - k.count)
        var ipad = [UInt8](repeating: 0, count: 64), opad = [UInt8](repeating: 0, count: 64)
        for i in 0..<64 {
            ipad[i] = k[i] ^ 0x36
            opad[i] = k[i] ^ 0x5c
        }
        var inner = SHA256_CTX()
        SHA256_Init(&inner)
        SHA256_Update(&inner, ipad, 64)
        SHA256_Update(&inner, data.baseAddress, data.count)
        let innerDigest = finish(&inner)
        var outer = SHA256_CTX()
        SHA256_Init(&outer)
        SHA256_Update(&outer, opad, 64)
        SHA256_Update(&outer, innerDigest, 32)
        return finish(&outer)
    }

    public static func hmacSHA256(key: [UInt8], _ s: String) -> [UInt8] {
        var s = s
        return s.withUTF8 { hmacSHA256(key: key, UnsafeRawBufferPointer($0)) }
    }
}
