/// `aws login` profiles (login_session), as botocore's LoginProvider reads them: the session's token
/// cache (AWS_LOGIN_CACHE_DIRECTORY, else ~/.aws/login/cache; the file is the SHA-256 of the session
/// name, .json) holds temporary credentials under accessToken with their expiresAt. They are used
/// while more than 5 minutes remain (botocore's refresh threshold); the cache is read again on every
/// refresh, so a refresh the AWS CLI made is picked up. Then, as botocore's LoginCredentialFetcher,
/// AWS Sign-In's CreateOAuth2Token (POST /v1/token, unsigned) with the cached client id and refresh
/// token and a DPoP proof signed with the cached dpopKey, and the new credentials and refresh token
/// written back into the cache (the other members kept, in their order).
public struct LoginCredentialProvider: CredentialProvider {
    public let name = "login"
    static let refreshThreshold: Double = 5 * 60
    static let requiredFields = ["accessToken", "refreshToken", "dpopKey", "clientId"]

    let profile: String
    let session: String
    let cacheFile: String
    /// The Sign-In endpoint, or why it cannot be had (reported only when a refresh is needed).
    let signin: Result<String, IVSError>
    let http: CredentialHTTP

    static func make(profile: String, values: [String: String], env: Environment,
                     endpoints: CredentialServiceEndpoints) -> CredentialProvider {
        guard let session = values["login_session"] else { return AbsentCredentialProvider(name: "login") }
        let dir = env["AWS_LOGIN_CACHE_DIRECTORY"].map { SharedConfig.expandHome($0, env: env) }
            ?? SharedConfig.expandHome("~/.aws/login/cache", env: env)
        let signin: Result<String, IVSError>
        do { signin = .success(try signinEndpoint(endpoints)) } catch { signin = .failure(error) }
        return LoginCredentialProvider(profile: profile, session: session,
                                       cacheFile: dir + "/" + Digest.sha256Hex(session) + ".json",
                                       signin: signin, http: CredentialHTTP(timeoutMs: 10_000, useProxy: true))
    }

    /// The signin rule set (its partitions' console hosts, then the standard variants).
    static func signinEndpoint(_ e: CredentialServiceEndpoints) throws(IVSError) -> String {
        if let c = try e.configuredEndpoint("signin") { return c.url }
        let region = e.region
        let p = EndpointPartitions.partition(for: region)
        if !e.useFIPS && !e.useDualStack {
            switch p.name {
            case "aws": return "https://\(region).signin.aws.amazon.com"
            case "aws-cn": return "https://\(region).signin.amazonaws.cn"
            case "aws-us-gov": return "https://\(region).signin.amazonaws-us-gov.com"
            default: return "https://signin.\(region).\(p.dnsSuffix)"
            }
        }
        if e.useFIPS && e.useDualStack {
            guard p.supportsFIPS && p.supportsDualStack else {
                throw .config("signin: FIPS and DualStack are enabled, but this partition does not support one or both")
            }
            return "https://signin-fips.\(region).\(p.dualStackDnsSuffix)"
        }
        if e.useFIPS {
            guard p.supportsFIPS else { throw .config("signin: FIPS is enabled but this partition does not support FIPS") }
            return "https://signin-fips.\(region).\(p.dnsSuffix)"
        }
        guard p.supportsDualStack else { throw .config("signin: DualStack is enabled but this partition does not support DualStack") }
        return "https://signin.\(region).\(p.dualStackDnsSuffix)"
    }

    var hint: String { "Run `aws login --profile \(Text.shown(profile))` to sign in again." }

    public func credentials() throws(IVSError) -> Credentials? {
        let bytes: [UInt8]
        switch SmallFile.read(cacheFile) {
        case .bytes(let b): bytes = b
        case .missing:
            throw .credentials("unable to load an existing login session for session \(Text.shown(session)) of profile \"\(Text.shown(profile))\" "
                               + "(no \(cacheFile)). " + hint, code: "LoginTokenLoadError")
        case .failed(let why):
            throw .credentials("cannot read the login token cache \(cacheFile): \(why)", code: "LoginTokenLoadError")
        }
        let source = "login session \(Text.shown(session)) of profile \"\(Text.shown(profile))\""
        let creds: Credentials? = try CredentialDocument.withObject(bytes) { o throws(IVSError) -> Credentials in
            let missing = Self.requiredFields.filter { o[$0] == nil }
            if !missing.isEmpty {
                throw .credentials("\(source): the token cache lacks \(missing.joined(separator: ", ")). " + hint,
                                   code: "LoginTokenLoadError")
            }
            guard let t = o["accessToken"], t.kind == .object else {
                throw .credentials("\(source): the token cache's accessToken is not an object. " + hint, code: "LoginTokenLoadError")
            }
            return try CredentialDocument.credentials(t, source: source, id: "accessKeyId", secret: "secretAccessKey",
                                                      token: "sessionToken", expiration: "expiresAt", code: "LoginTokenLoadError")
        }
        guard let creds else {
            throw .credentials("\(source): the token cache \(cacheFile) is not a JSON object. " + hint, code: "LoginTokenLoadError")
        }
        if let exp = creds.expiration, exp - CredentialClock.now() <= Self.refreshThreshold {
            return try refresh(bytes, source: source)
        }
        return creds
    }

    /// CreateOAuth2Token with the cached refresh token; the new credentials are written to the cache.
    private func refresh(_ cached: [UInt8], source: String) throws(IVSError) -> Credentials {
        guard case .success(let doc) = JSON.parse(bytes: cached) else { throw .internal("login cache") }
        defer { JSON.release(doc) }
        guard let clientId = doc["clientId"]?.stringValue, let refreshToken = doc["refreshToken"]?.stringValue,
              let pem = doc["dpopKey"]?.stringValue else {
            throw .credentials("\(source): the token cache's clientId, refreshToken and dpopKey must be strings. " + hint,
                               code: "LoginTokenLoadError")
        }
        guard let key = DPoPProof.key(pem: pem) else {
            throw .credentials("\(source): unable to load the private key (dpopKey) from the token cache: it must be an "
                               + "unencrypted P-256 key. " + hint, code: "LoginTokenLoadError")
        }
        let base: String
        switch signin {
        case .success(let u): base = u
        case .failure(let e): throw e
        }
        let url = base + "/v1/token"
        let now = Clock.now()
        guard let proof = key.proof(url: url, iat: now.isFinite && abs(now) < 1e12 ? Int(now) : 0) else {
            throw .credentials("\(source): cannot sign the DPoP proof", code: "LoginError")
        }
        guard let body = JSON.object() else { throw .internal("out of memory") }
        defer { JSON.release(body) }
        body.set("clientId", JSON.string(clientId))
        body.set("refreshToken", JSON.string(refreshToken))
        body.set("grantType", JSON.string("refresh_token"))
        let r: HTTPResponse
        switch http.send("POST", url, headers: [("Content-Type", "application/json"), ("DPoP", proof)],
                         body: Array(JSON.dump(body).utf8)) {
        case .failure(let e):
            throw .credentials("\(source): refreshing through AWS Sign-In at \(URLText.redacted(base)) failed: \(e.message)",
                               code: "LoginError")
        case .success(let resp): r = resp
        }
        guard r.status == 200 else {
            var reason = ""
            if case .success(let e) = JSON.parse(bytes: r.body) {
                reason = e["error"]?.stringValue ?? ""
                JSON.release(e)
            }
            switch reason {
            case "TOKEN_EXPIRED", "USER_CREDENTIALS_CHANGED":
                throw .credentials("\(source): the login session has expired (\(reason)). " + hint, code: "LoginRefreshRequired")
            case "INSUFFICIENT_PERMISSIONS":
                throw .credentials("\(source): the signed-in identity may not refresh this session (INSUFFICIENT_PERMISSIONS). "
                                   + hint, code: "LoginInsufficientPermissions")
            default:
                throw .credentials("\(source): AWS Sign-In refused the refresh (HTTP \(r.status)\(reason.isEmpty ? "" : ", " + Text.excerpt(reason, limit: 64))). "
                                   + hint, code: "LoginError")
            }
        }
        let nowForExpiry = CredentialClock.now()
        let fresh: Credentials?? = try CredentialDocument.withObject(r.body) { o throws(IVSError) -> Credentials? in
            guard let t = o["accessToken"], t.kind == .object, let n = o["expiresIn"]?.intValue, n >= 0, n <= 86_400,
                  let newRefresh = o["refreshToken"]?.stringValue, nowForExpiry.isFinite, abs(nowForExpiry) < 1e12 else {
                return nil
            }
            let expiry = nowForExpiry.rounded(.down) + Double(n)
            let c = try CredentialDocument.credentials(t, source: source, id: "accessKeyId", secret: "secretAccessKey",
                                                       token: "sessionToken", expiration: "-", code: "LoginError")
            // botocore's token.update: accessToken and refreshToken replaced where they stand.
            if let access = JSON.object() {
                access.set("accessKeyId", JSON.string(c.accessKeyId))
                access.set("secretAccessKey", JSON.string(c.secretAccessKey))
                access.set("sessionToken", JSON.string(c.sessionToken ?? ""))
                if let account = doc["accessToken"]?["accountId"] { access.set("accountId", JSON.retain(account)) }
                access.set("expiresAt", JSON.string(Clock.iso8601(expiry) ?? ""))
                doc.set("accessToken", access)
            }
            doc.set("refreshToken", JSON.string(newRefresh))
            if let why = TokenCacheFile.write(cacheFile, doc) {
                Log.log(.warn, "the refreshed login credentials could not be written to \(cacheFile): \(why)")
            }
            return Credentials(accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken,
                               expiration: expiry)
        }
        guard let creds = fresh ?? nil else {
            throw .credentials("\(source): unable to refresh the access token due to an invalid service response. " + hint,
                               code: "LoginTokenLoadError")
        }
        return creds
    }
}
