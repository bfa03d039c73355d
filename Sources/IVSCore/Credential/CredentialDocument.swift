import COpenSSL

/// The JSON documents credential sources answer with (container and instance metadata,
/// credential_process, the SSO portal), read into Credentials. Messages name the source and the
/// missing or malformed key, never a value.
enum CredentialDocument {
    /// Parses a JSON object and hands it to `body`; nil when the bytes are not a JSON object.
    static func withObject<T>(_ bytes: [UInt8], _ body: (JSONPointer) throws(IVSError) -> T) throws(IVSError) -> T? {
        guard case .success(let o) = JSON.parse(bytes: bytes) else { return nil }
        defer { JSON.release(o) }
        guard o.kind == .object else { return nil }
        return try body(o)
    }

    /// Reads credentials from `o` with the given member names. `expirationMillis` reads the SSO
    /// portal's epoch-milliseconds expiration instead of an ISO 8601 string.
    static func credentials(_ o: JSONPointer, source: String, id: String = "AccessKeyId",
                            secret: String = "SecretAccessKey", token: String = "Token",
                            expiration: String = "Expiration", expirationMillis: Bool = false,
                            code: String = "CredentialRetrievalError") throws(IVSError) -> Credentials {
        guard let akid = o[id]?.stringValue, !akid.isEmpty else {
            throw .credentials("\(source): the response has no \(id)", code: code)
        }
        guard let sk = o[secret]?.stringValue, !sk.isEmpty else {
            throw .credentials("\(source): the response has no \(secret)", code: code)
        }
        let st = o[token]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        var exp: Double? = nil
        if let e = o[expiration], e.kind != .null {
            if expirationMillis, let ms = e.numberValue {
                exp = ms / 1000
            } else if let s = e.stringValue, let t = Clock.parseISO8601(s) {
                exp = t
            } else {
                throw .credentials("\(source): \(expiration) is not a valid timestamp", code: code)
            }
        }
        return Credentials(accessKeyId: akid, secretAccessKey: sk, sessionToken: st, expiration: exp)
    }

    static func sha1Hex(_ s: String) -> String {
        var s = s
        var out = [UInt8](repeating: 0, count: 20)
        s.withUTF8 { b in
            out.withUnsafeMutableBufferPointer { o in _ = SHA1(b.baseAddress, b.count, o.baseAddress) }
        }
        return Hex.encode(out)
    }
}
