#if canImport(Glibc)
import Glibc
#endif

/// Verifies ES384 tokens (playback and participant tokens, or any compact JWS signed with a P-384
/// key): structure, algorithm, signature and expiry, in that order. For servers that hand tokens
/// out and for tests; IVS does its own checks.
public enum TokenVerifier {
    /// Far above any IVS token (a participant token with 1 KB of attributes is about 2.5 KB).
    public static let maxTokenBytes = 65_536

    static func problem(_ text: String, path: String = "token") -> IVSError {
        .validation([(path: path, problem: text)])
    }

    /// ivs_token_verify: {"header": {...}, "claims": {...}} (owned) for a valid, unexpired token.
    public static func verify(token: String, publicKeyPEM: UnsafeRawBufferPointer,
                              now: Double = Clock.now()) -> Result<JSONPointer, IVSError> {
        switch ECKey.publicKey(pem: publicKeyPEM, path: "publicKey") {
        case .failure(let e): return .failure(e)
        case .success(let key): return verify(token: token, key: key, now: now)
        }
    }

    public static func verify(token: String, key: ECKey, now: Double = Clock.now()) -> Result<JSONPointer, IVSError> {
        let bytes = Array(token.utf8)
        guard !bytes.isEmpty else { return .failure(problem("is empty")) }
        guard bytes.count <= maxTokenBytes else { return .failure(problem("is too large (\(bytes.count) bytes)")) }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            return .failure(problem("is not a compact JWS (expected header.payload.signature, found \(parts.count) parts)"))
        }
        guard let headerBytes = JWT.base64URLDecode(parts[0]), let header = object(headerBytes) else {
            return .failure(problem("header is not base64url-encoded JSON object"))
        }
        defer { JSON.release(header) }
        guard let claimsBytes = JWT.base64URLDecode(parts[1]), let claims = object(claimsBytes) else {
            return .failure(problem("payload is not a base64url-encoded JSON object"))
        }
        var claimsOwned = true
        defer { if claimsOwned { JSON.release(claims) } }

        guard let alg = header["alg"]?.stringValue else { return .failure(problem("header has no alg")) }
        guard alg == JWT.algorithm else { return .failure(problem("alg is \(quoted(alg)); only ES384 is accepted")) }
        if header["crit"] != nil { return .failure(problem("header has crit extensions, which are not supported")) }

        guard let signature = JWT.base64URLDecode(parts[2]) else { return .failure(problem("signature is not base64url")) }
        guard signature.count == 2 * ECKey.coordinateBytes else {
            return .failure(problem("signature is \(signature.count) bytes; ES384 (JOSE r||s) has 96"))
        }
        let signingInput = bytes[..<(parts[0].count + 1 + parts[1].count)]
        let valid = signingInput.withUnsafeBytes { key.verify($0, signature: signature) }
        guard valid else { return .failure(problem("signature does not match the public key")) }

        guard let expValue = claims["exp"] else { return .failure(problem("has no exp claim")) }
        guard let exp = expValue.numberValue else { return .failure(problem("exp is not a number")) }
        guard now < exp else { return .failure(problem("expired at \(time(exp))")) }
        if let nbfValue = claims["nbf"] {
            guard let nbf = nbfValue.numberValue else { return .failure(problem("nbf is not a number")) }
            guard now >= nbf else { return .failure(problem("is not valid before \(time(nbf))")) }
        }

        guard let out = JSON.object() else { return .failure(.internal("out of memory")) }
        out.set("header", JSON.retain(header))
        out.set("claims", claims)
        claimsOwned = false
        return .success(out)
    }

    /// A claim time for a message, whole seconds.
    private static func time(_ t: Double) -> String { Clock.text(t.rounded(.down)) }

    private static func object(_ bytes: [UInt8]) -> JSONPointer? {
        guard case .success(let v) = JSON.parse(bytes: bytes) else { return nil }
        guard v.kind == .object else { JSON.release(v); return nil }
        return v
    }

    /// A short, printable rendering of an untrusted header value for an error message.
    private static func quoted(_ s: String) -> String {
        let clean = String(s.unicodeScalars.prefix(20).map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
        return "\"" + clean + (s.unicodeScalars.count > 20 ? "...\"" : "\"")
    }
}
