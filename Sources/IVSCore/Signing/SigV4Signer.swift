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
        let date = String(amzDate.utf8.prefix(8))!
        var headers: [(String, String)] = [("host", r.host), ("x-amz-date", amzDate)]
        headers.reserveCapacity(r.headers.count + 3)
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        for (k, v) in r.headers { headers.append((k.lowercased(), v)) }
        headers.sort { $0.0 < $1.0 }
        var signedHeaders = ""
        signedHeaders.reserveCapacity(64)
        var cr = ""
        cr.reserveCapacity(512 + r.path.utf8.count)
        cr += r.method
        cr += "\n"
        cr += URIEncoding.encode(r.path.isEmpty ? "/" : r.path, keepSlash: true)
        cr += "\n"
        if !r.query.isEmpty { cr += Self.canonicalQuery(r.query) }
        cr += "\n"
        for (i, (k, v)) in headers.enumerated() {
            cr += k
            cr += ":"
            cr += Self.trimHeaderValue(v)
            cr += "\n"
            if i > 0 { signedHeaders += ";" }
            signedHeaders += k
        }
        cr += "\n"
        cr += signedHeaders
        cr += "\n"
        cr += Hex.encode(Digest.sha256(r.body))
        var scope = date
        scope += "/"
        scope += region
        scope += "/"
        scope += service
        scope += "/aws4_request"
        var sts = "AWS4-HMAC-SHA256\n"
        sts.reserveCapacity(160)
        sts += amzDate
        sts += "\n"
        sts += scope
        sts += "\n"
        sts += Digest.sha256Hex(cr)
        let key = signingKey(secret: credentials.secretAccessKey, date: date, region: region, service: service)
        let signature = Hex.encode(Digest.hmacSHA256(key: key, sts))
        var out: [(String, String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken { out.append(("X-Amz-Security-Token", token)) }
        var auth = "AWS4-HMAC-SHA256 Credential="
        auth.reserveCapacity(200)
        auth += credentials.accessKeyId
        auth += "/"
        auth += scope
        auth += ", SignedHeaders="
        auth += signedHeaders
        auth += ", Signature="
        auth += signature
        out.append(("Authorization", auth))
        return Signature(headers: out, canonicalRequest: cr, stringToSign: sts, signature: signature)
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
