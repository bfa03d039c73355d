/// AWS Signature Version 4 for the IVS services (non-S3 rules: the path is encoded once more in the
/// canonical request; no x-amz-content-sha256 header). Signing keys are cached per secret, day,
/// region and service, so a call costs two SHA-256 and one HMAC beyond the canonical strings.
public final class SigV4Signer: @unchecked Sendable {
    public struct Request {
        public var method: String
        /// The path as sent on the wire (labels already percent-encoded).
        public var path: String
        /// Query parameters, unencoded.
        public var query: [(String, String)]
        /// Headers to sign besides host and x-amz-date (e.g. content-type), names in any case.
        public var headers: [(String, String)]
        public var host: String
        public var body: [UInt8]

        public init(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                    host: String, body: [UInt8]) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.host = host
            self.body = body
        }
    }

    public struct Signature {
        /// Headers to add to the request: X-Amz-Date, X-Amz-Security-Token (if any), Authorization.
        public let headers: [(String, String)]
        public let canonicalRequest: String
        public let stringToSign: String
        public let signature: String
    }

    private struct KeyID: Hashable {
        let secret: String
        let date: String
        let region: String
        let service: String
    }

    private let cache = Locked<[KeyID: [UInt8]]>([:])

    public init() {}

    /// The canonical query string: parameters sorted by encoded key, then encoded value.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        let enc = query.map { (URIEncoding.encode($0.0), URIEncoding.encode($0.1)) }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return enc.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    public func sign(_ r: Request, credentials: Credentials, region: String, service: String,
                     time: Double) -> Signature {
        let amzDate = Clock.amzDate(Int(time))
        let date = String(amzDate.prefix(8))
        var headers: [(String, String)] = [("host", r.host), ("x-amz-date", amzDate)]
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        for (k, v) in r.headers { headers.append((k.lowercased(), v)) }
        headers.sort { $0.0 < $1.0 }
        var canonicalHeaders = ""
        for (k, v) in headers { canonicalHeaders += k + ":" + Self.trimHeaderValue(v) + "\n" }
        let signedHeaders = headers.map { $0.0 }.joined(separator: ";")
        let canonicalPath = URIEncoding.encode(r.path.isEmpty ? "/" : r.path, keepSlash: true)
        let payloadHash = Hex.encode(Digest.sha256(r.body))
        let canonicalRequest = r.method + "\n" + canonicalPath + "\n" + Self.canonicalQuery(r.query) + "\n"
            + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadHash
        let scope = date + "/" + region + "/" + service + "/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + Digest.sha256Hex(canonicalRequest)
        let key = signingKey(secret: credentials.secretAccessKey, date: date, region: region, service: service)
        let signature = Hex.encode(Digest.hmacSHA256(key: key, stringToSign))
        var out: [(String, String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken { out.append(("X-Amz-Security-Token", token)) }
        out.append(("Authorization", "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), "
                    + "SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        return Signature(headers: out, canonicalRequest: canonicalRequest, stringToSign: stringToSign,
                         signature: signature)
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), cached.
    func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        let id = KeyID(secret: secret, date: date, region: region, service: service)
        if let k = cache.withValue({ $0[id] }) { return k }
        var k = Digest.hmacSHA256(key: Array(("AWS4" + secret).utf8), date)
        k = Digest.hmacSHA256(key: k, region)
        k = Digest.hmacSHA256(key: k, service)
        k = Digest.hmacSHA256(key: k, "aws4_request")
        cache.withValue { c in
            if c.count > 64 { c.removeAll() } // days roll over and credentials rotate: keep it small
            c[id] = k
        }
        return k
    }

    /// Trims and collapses runs of spaces, as the canonical header rules require.
    static func trimHeaderValue(_ v: String) -> String {
        guard v.utf8.contains(where: { $0 == 32 || $0 == 9 }) else { return v }
        return v.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}
