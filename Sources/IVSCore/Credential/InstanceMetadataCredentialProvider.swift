/// EC2 instance metadata (IMDSv2: a session token from PUT /latest/api/token, then the role's
/// credentials; IMDSv1 when the token call is refused with 403, 404 or 405, unless v1 is disabled).
/// Every request has a 1 s timeout by default and a connection failure ends the attempt, so a
/// machine that is not on EC2 pays at most one timeout and never hangs.
///
/// Static stability (botocore's, and the other SDKs'): credentials the service answers with that
/// expire within the refresh window plus 2 to 10 minutes of jitter (the metadata service keeps serving
/// the old ones when it cannot reach IAM) are treated as valid for that long from now; and when a
/// refresh finds the metadata service failing, the credentials it last gave are kept for as long, with
/// a warning, instead of failing every call (botocore raises in the mandatory window there).
public final class InstanceMetadataCredentialProvider: CredentialProvider, @unchecked Sendable {
    public let name = "iam-role"
    public struct Settings: Sendable, Equatable {
        public var disabled = false
        public var endpoint = "http://169.254.169.254"
        public var timeoutMs = 1000
        public var attempts = 1
        public var v1Disabled = false
        public init() {}
    }

    public let settings: Settings
    let http: CredentialHTTP
    /// The credentials the service last gave (guarded by lock), for static stability.
    private var last: Credentials?
    private let lock = Lock()
    /// botocore's ec2_credential_refresh_window.
    static let refreshWindow: Double = 15 * 60

    public init(settings: Settings) {
        self.settings = settings
        self.http = CredentialHTTP(timeoutMs: settings.timeoutMs, useProxy: false)
    }

    /// AWS_EC2_METADATA_* variables first, then the profile's ec2_metadata_* / metadata_service_* keys.
    public static func settings(env: Environment, profile: [String: String]) throws(IVSError) -> Settings {
        var s = Settings()
        s.disabled = env.nonEmpty("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true"
        let mode = env.nonEmpty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE") ?? profile["ec2_metadata_service_endpoint_mode"]
        if let m = mode {
            switch m.lowercased() {
            case "ipv4": break
            case "ipv6": s.endpoint = "http://[fd00:ec2::254]"
            default: throw .config("ec2 metadata service endpoint mode must be IPv4 or IPv6, got \"\(m)\"")
            }
        }
        if let e = env.nonEmpty("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? profile["ec2_metadata_service_endpoint"] {
            _ = try Endpoint.parse(e, key: "AWS_EC2_METADATA_SERVICE_ENDPOINT")
            s.endpoint = e
        }
        while s.endpoint.hasSuffix("/") { s.endpoint.removeLast() }
        if let t = env.nonEmpty("AWS_METADATA_SERVICE_TIMEOUT") ?? profile["metadata_service_timeout"] {
            guard let v = Double(t), v > 0, v <= 3600 else {
                throw .config("metadata service timeout must be a number of seconds, got \"\(t)\"")
            }
            s.timeoutMs = Int(v * 1000)
        }
        if let a = env.nonEmpty("AWS_METADATA_SERVICE_NUM_ATTEMPTS") ?? profile["metadata_service_num_attempts"] {
            guard let v = Int(a), v >= 1, v <= 10 else {
                throw .config("metadata service attempts must be an integer from 1 to 10, got \"\(a)\"")
            }
            s.attempts = v
        }
        s.v1Disabled = (env.nonEmpty("AWS_EC2_METADATA_V1_DISABLED") ?? profile["ec2_metadata_v1_disabled"])?.lowercased() == "true"
        return s
    }

    func get(_ method: String, _ path: String, _ headers: [(String, String)]) -> CredentialHTTP.Fetch {
        http.fetch(method, settings.endpoint + path, headers: headers, attempts: settings.attempts)
    }

    public func credentials() throws(IVSError) -> Credentials? {
        guard !settings.disabled else { return nil }
        let fetched = try fetch()
        return lock.withLock { () -> Credentials? in
            if let c = fetched {
                last = c
                return Self.extended(c, because: "the instance metadata service answered with credentials that expire at "
                                     + (c.expiration.map { Clock.text($0) } ?? "?"))
            }
            guard let old = last else { return nil }
            return Self.extended(old, force: true, because: "the instance metadata service did not answer with credentials")
        }
    }

    /// Credentials whose expiry is within the refresh window plus jitter (or any, when forced) valid
    /// for that long from now, with a warning.
    static func extended(_ c: Credentials, force: Bool = false, because why: String) -> Credentials {
        guard let exp = c.expiration else { return c }
        let interval = refreshWindow + Double(Int.random(in: 120...600))
        let now = CredentialClock.now()
        guard force || now >= exp - interval else { return c }
        Log.log(.warn, "\(why); using the instance credentials for \(Int(interval / 60)) more minutes before trying "
                + "again (static stability)")
        return Credentials(accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken,
                           expiration: now + interval)
    }

    /// What the metadata service answers now; nil when it has no credentials to give.
    func fetch() throws(IVSError) -> Credentials? {
        var headers: [(String, String)] = []
        switch get("PUT", "/latest/api/token", [("x-aws-ec2-metadata-token-ttl-seconds", "21600")]) {
        case .ok(let r):
            let token = String(decoding: r.body, as: UTF8.self)
            guard HeaderValue.isValid(token) else {
                throw .credentials("instance metadata at \(URLText.redacted(settings.endpoint)) answered the token request with "
                                   + "a value that has a control character", code: "CredentialRetrievalError")
            }
            headers = [("x-aws-ec2-metadata-token", token)]
        case .status(let s) where [403, 404, 405].contains(s) && !settings.v1Disabled: break // IMDSv1
        case .status(let s):
            Log.log(.debug, "instance metadata: token request answered \(s); no instance credentials")
            return nil
        case .unreachable(let why):
            Log.log(.debug, "instance metadata at \(settings.endpoint) unreachable (\(why)); no instance credentials")
            return nil
        }
        let base = "/latest/meta-data/iam/security-credentials/"
        guard case .ok(let roleResponse) = get("GET", base, headers) else { return nil }
        let role = String(decoding: roleResponse.body, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first
            .map { Text.trimmed($0) } ?? ""
        guard !role.isEmpty, !role.contains("/") else { return nil }
        switch get("GET", base + role, headers) {
        case .ok(let r):
            let creds = try CredentialDocument.withObject(r.body) { o throws(IVSError) in
                try CredentialDocument.credentials(o, source: "instance metadata role \(role)")
            }
            guard let creds else {
                throw .credentials("instance metadata role \(role) did not answer with a JSON object",
                                   code: "CredentialRetrievalError")
            }
            return creds
        default:
            return nil
        }
    }
}
