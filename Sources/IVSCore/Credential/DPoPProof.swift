import COpenSSL

/// A DPoP proof (RFC 9449) as botocore builds it for AWS Sign-In's CreateOAuth2Token: an ES256 JWT
/// whose header carries the public key (`{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","x","y",
/// "crv":"P-256"}}`) and whose claims are `{"htm":"POST","htu":URL,"iat":seconds,"jti":uuid}`, signed
/// with the P-256 key `aws login` cached (dpopKey, PEM).
final class DPoPProof {
    private let pkey: OpaquePointer

    private init(_ pkey: OpaquePointer) { self.pkey = pkey }
    deinit { EVP_PKEY_free(pkey) }

    private static let noPassword: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in 0 }

    /// The key from PEM ("EC PRIVATE KEY" or "PRIVATE KEY"); nil unless it is an unencrypted P-256 key.
    static func key(pem: String) -> DPoPProof? {
        defer { ERR_clear_error() }
        var bytes = Array(pem.utf8)
        guard let length = Int32(exactly: bytes.count), length > 0 else { return nil }
        let pkey: OpaquePointer? = bytes.withUnsafeMutableBytes { b in
            guard let bio = BIO_new_mem_buf(b.baseAddress, length) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, noPassword, nil)
        }
        guard let pkey else { return nil }
        var name = [CChar](repeating: 0, count: 80)
        var len = 0
        guard EVP_PKEY_is_a(pkey, "EC") == 1, EVP_PKEY_get_group_name(pkey, &name, name.count, &len) == 1,
              String(cString: name) == "prime256v1" else {
            EVP_PKEY_free(pkey)
            return nil
        }
        return DPoPProof(pkey)
    }

    /// A public coordinate ("qx", "qy") as 32 big-endian bytes.
    private func coordinate(_ param: String) -> [UInt8]? {
        var bn: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pkey, param, &bn) == 1, let bn else { return nil }
        defer { BN_free(bn) }
        var out = [UInt8](repeating: 0, count: 32)
        let n = out.withUnsafeMutableBufferPointer { BN_bn2binpad(bn, $0.baseAddress, 32) }
        return n == 32 ? out : nil
    }

    /// The proof for a POST to url at time iat.
    func proof(url: String, iat: Int) -> String? {
        defer { ERR_clear_error() }
        guard let x = coordinate("qx"), let y = coordinate("qy") else { return nil }
        // Compact JSON in botocore's key order (json.dumps with separators (',', ':')).
        func string(_ s: String) -> String {
            guard let j = JSON.string(s) else { return "\"\"" }
            defer { JSON.release(j) }
            return JSON.dump(j)
        }
        let header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"x\":\"\(JWT.base64URLEncode(x))\","
            + "\"y\":\"\(JWT.base64URLEncode(y))\",\"crv\":\"P-256\"}}"
        let claims = "{\"htm\":\"POST\",\"htu\":\(string(url)),\"iat\":\(iat),\"jti\":\"\(RandomID.uuid())\"}"
        let input = JWT.base64URLEncode(header) + "." + JWT.base64URLEncode(claims)
        guard let signature = sign(Array(input.utf8)) else { return nil }
        return input + "." + JWT.base64URLEncode(signature)
    }

    /// ES256: SHA-256 and ECDSA, the signature as r || s (32 bytes each).
    private func sign(_ message: [UInt8]) -> [UInt8]? {
        guard let ctx = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(ctx) }
        var der = [UInt8](repeating: 0, count: 128)
        var derLen = der.count
        let signed = message.withUnsafeBufferPointer { m in
            der.withUnsafeMutableBufferPointer { d in
                EVP_DigestSignInit_ex(ctx, nil, "SHA256", nil, nil, pkey, nil) == 1
                    && EVP_DigestSign(ctx, d.baseAddress, &derLen, m.baseAddress, m.count) == 1
            }
        }
        guard signed else { return nil }
        let sig: OpaquePointer? = der.withUnsafeBufferPointer { d in
            var p: UnsafePointer<UInt8>? = d.baseAddress
            return d2i_ECDSA_SIG(nil, &p, derLen)
        }
        guard let sig else { return nil }
        defer { ECDSA_SIG_free(sig) }
        var r: OpaquePointer? = nil, s: OpaquePointer? = nil
        ECDSA_SIG_get0(sig, &r, &s)
        var raw = [UInt8](repeating: 0, count: 64)
        let ok = raw.withUnsafeMutableBufferPointer { out -> Bool in
            guard let base = out.baseAddress else { return false }
            return BN_bn2binpad(r, base, 32) == 32 && BN_bn2binpad(s, base + 32, 32) == 32
        }
        return ok ? raw : nil
    }
}
