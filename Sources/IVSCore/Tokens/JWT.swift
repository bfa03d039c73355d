/// Compact JWS (RFC 7515) with ES384, the one algorithm IVS tokens use: base64url without padding,
/// compact JSON header and claims, and the JOSE signature r || s (not DER).
public enum JWT {
    public static let algorithm = "ES384"

    // MARK: base64url (RFC 4648 section 5, no padding)

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let reverse: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    public static func base64URLEncode(_ bytes: UnsafeRawBufferPointer) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        switch bytes.count - i {
        case 1:
            let v = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
        case 2:
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
        default: break
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func base64URLEncode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { base64URLEncode($0) }
    }

    public static func base64URLEncode(_ s: String) -> String {
        var s = s
        return s.withUTF8 { base64URLEncode(UnsafeRawBufferPointer($0)) }
    }

    /// Strict decoding: only the base64url alphabet, no padding, and unused trailing bits zero (so
    /// every byte string has exactly one accepted encoding). nil for anything else.
    public static func base64URLDecode<S: Collection>(_ text: S) -> [UInt8]? where S.Element == UInt8 {
        let n = text.count
        if n % 4 == 1 { return nil }
        var out = [UInt8]()
        out.reserveCapacity(n * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in text {
            let v = reverse[Int(c)]
            if v == 0xFF { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                acc &= (1 << UInt32(bits)) - 1
            }
        }
        if acc != 0 { return nil }  // non-zero leftover bits: not a canonical encoding
        return out
    }

    // MARK: Signing

    /// header.claims.signature for the given header and claims objects (borrowed).
    public static func sign(header: JSONPointer, claims: JSONPointer, key: ECKey) -> Result<String, IVSError> {
        let input = base64URLEncode(JSON.dump(header)) + "." + base64URLEncode(JSON.dump(claims))
        var bytes = input
        let signed = bytes.withUTF8 { key.sign(UnsafeRawBufferPointer($0)) }
        switch signed {
        case .failure(let e): return .failure(e)
        case .success(let sig): return .success(input + "." + base64URLEncode(sig))
        }
    }

    /// The standard header {"alg": "ES384", "typ": "JWT"} plus kid when given (owned).
    static func header(kid: String? = nil) -> JSONPointer? {
        guard let h = JSON.object() else { return nil }
        h.set("alg", JSON.string(algorithm))
        h.set("typ", JSON.string("JWT"))
        if let kid { h.set("kid", JSON.string(kid)) }
        return h
    }
}
