import COpenSSL

/// SHA-256 and HMAC-SHA256 from libcrypto (one-shot calls; no per-call context allocation).
public enum Digest {
    public static func sha256(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer { o in
            _ = SHA256(data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, o.baseAddress)
        }
        return out
    }

    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        data.withUnsafeBytes { sha256($0) }
    }

    public static func sha256Hex(_ s: String) -> String {
        var s = s
        return s.withUTF8 { Hex.encode(sha256(UnsafeRawBufferPointer($0))) }
    }

    public static func hmacSHA256(key: [UInt8], _ data: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 32
        key.withUnsafeBufferPointer { k in
            out.withUnsafeMutableBufferPointer { o in
                _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count),
                         data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, o.baseAddress, &len)
            }
        }
        return out
    }

    public static func hmacSHA256(key: [UInt8], _ s: String) -> [UInt8] {
        var s = s
        return s.withUTF8 { hmacSHA256(key: key, UnsafeRawBufferPointer($0)) }
    }
}

