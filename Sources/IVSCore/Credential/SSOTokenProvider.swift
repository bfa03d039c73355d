/// The access token of an [sso-session], as botocore's SSOTokenProvider keeps it: read from the
/// cache `aws sso login` wrote (~/.aws/sso/cache/<sha1 of the session name>.json); when it expires
/// within 15 minutes, refreshed through SSO OIDC CreateToken with the cached refresh token and client
/// registration, and the new token written back to the cache in botocore's format. A refresh the
/// service refuses is logged and the cached token used while it lasts; an expired token that could
/// not be refreshed is an error telling the user to log in again.
struct SSOTokenProvider: Sendable {
    static let refreshWindow: Double = 15 * 60

    let profile: String
    let sessionName: String
    let startUrl: String
    let region: String
    let cacheFile: String
    /// The SSO OIDC endpoint, or why it cannot be had (reported only when a refresh is needed).
    let oidc: Result<String, IVSError>
    let http: CredentialHTTP

    var loginHint: String {
        "To refresh the SSO session \"\(Text.shown(sessionName))\" of profile \"\(Text.shown(profile))\", run `aws sso login --profile \(Text.shown(profile))`."
    }

    /// The current access token (refreshed when due).
    func token() throws(IVSError) -> String {
        let bytes: [UInt8]
        switch SmallFile.read(cacheFile) {
        case .bytes(let b): bytes = b
        case .missing:
            throw .credentials("no cached SSO token for sso-session \"\(Text.shown(sessionName))\" at \(cacheFile). " + loginHint,
                               code: "SSOTokenLoadError")
        case .failed(let why):
            throw .credentials("cannot read the cached SSO token \(cacheFile): \(why)", code: "SSOTokenLoadError")
        }
        let read: (String, Double)?? = try CredentialDocument.withObject(bytes) { o throws(IVSError) -> (String, Double)? in
            guard let t = o["accessToken"]?.stringValue, let e = o["expiresAt"]?.stringValue else { return nil }
            guard let exp = Clock.parseISO8601(e) else {
                throw .credentials("the cached SSO token \(cacheFile) has an expiresAt that is not a valid time. " + loginHint,
                                   code: "SSOTokenLoadError")
            }
            if exp - CredentialClock.now() < Self.refreshWindow, let fresh = try refresh(o) { return fresh }
            return (t, exp)
        }
        guard let (token, expiry) = read ?? nil else {
            throw .credentials("the cached SSO token \(cacheFile) has no accessToken and expiresAt. " + loginHint,
                               code: "SSOTokenLoadError")
        }
        if expiry <= CredentialClock.now() {
            throw .credentials("the SSO token of sso-session \"\(Text.shown(sessionName))\" expired at \(Clock.text(expiry)) and could not "
                               + "be refreshed. " + loginHint, code: "UnauthorizedSSOTokenError")
        }
        guard HeaderValue.isValid(token), !token.isEmpty else {
            throw .credentials("the cached SSO token \(cacheFile) has an accessToken that cannot be sent in a header",
                               code: "SSOTokenLoadError")
        }
        return token
    }

    /// CreateToken with the refresh token; nil when the cache cannot be refreshed (what it lacks is
    /// logged) or the service refused. Writes the new token to the cache.
    private func refresh(_ cached: JSONPointer) throws(IVSError) -> (String, Double)? {
        var values: [String: String] = [:]
        for k in ["refreshToken", "clientId", "clientSecret", "registrationExpiresAt"] {
            guard let v = cached[k]?.stringValue else {
                Log.log(.info, "SSO token of sso-session \"\(Text.shown(sessionName))\" cannot be refreshed: the cache has no \(k)")
                return nil
            }
            values[k] = v
        }
        guard let reg = Clock.parseISO8601(values["registrationExpiresAt"] ?? ""),
              reg > CredentialClock.now() else {
            Log.log(.info, "SSO token of sso-session \"\(Text.shown(sessionName))\" cannot be refreshed: its client registration expired")
            return nil
        }
        let base: String
        switch oidc {
        case .success(let u): base = u
        case .failure(let e): throw e
        }
        guard let body = JSON.object() else { throw .internal("out of memory") }
        defer { JSON.release(body) }
        body.set("grantType", JSON.string("refresh_token"))
        body.set("clientId", JSON.string(values["clientId"] ?? ""))
        body.set("clientSecret", JSON.string(values["clientSecret"] ?? ""))
        body.set("refreshToken", JSON.string(values["refreshToken"] ?? ""))
        let url = base + "/token"
        let r: HTTPResponse
        switch http.send("POST", url, headers: [("Content-Type", "application/json")], body: Array(JSON.dump(body).utf8)) {
        case .failure(let e):
            throw .credentials("refreshing the SSO token of sso-session \"\(Text.shown(sessionName))\" at \(URLText.redacted(base)) "
                               + "failed: \(e.message)", code: "TokenRetrievalError")
        case .success(let resp): r = resp
        }
        guard r.status == 200 else {
            Log.log(.warn, "SSO token refresh attempt failed for sso-session \"\(Text.shown(sessionName))\": HTTP \(r.status)")
            return nil
        }
        let now = CredentialClock.now()
        let fresh: (String, Double, String?)? = try CredentialDocument.withObject(r.body) { o throws(IVSError) -> (String, Double, String?)? in
            guard let t = o["accessToken"]?.stringValue, !t.isEmpty,
                  let n = o["expiresIn"]?.intValue, n >= 0, n <= 366 * 86_400, now.isFinite, abs(now) < 1e12 else { return nil }
            return (t, now.rounded(.down) + Double(n), o["refreshToken"]?.stringValue)
        } ?? nil
        guard let (token, expiry, newRefresh) = fresh, let expiresAt = Clock.iso8601(expiry) else {
            throw .credentials("SSO OIDC CreateToken for sso-session \"\(Text.shown(sessionName))\" answered without accessToken and "
                               + "expiresIn", code: "TokenRetrievalError")
        }
        // botocore's new cache entry: these keys, in this order (a refresh token only when one came back).
        if let doc = JSON.object() {
            defer { JSON.release(doc) }
            doc.set("startUrl", JSON.string(startUrl))
            doc.set("region", JSON.string(region))
            doc.set("accessToken", JSON.string(token))
            doc.set("expiresAt", JSON.string(expiresAt))
            doc.set("clientId", JSON.string(values["clientId"] ?? ""))
            doc.set("clientSecret", JSON.string(values["clientSecret"] ?? ""))
            doc.set("registrationExpiresAt", cached["registrationExpiresAt"].map { JSON.retain($0) })
            if let nr = newRefresh { doc.set("refreshToken", JSON.string(nr)) }
            if let why = TokenCacheFile.write(cacheFile, doc) {
                Log.log(.warn, "the refreshed SSO token could not be written to \(cacheFile): \(why)")
            }
        }
        Log.log(.info, "SSO token refresh succeeded for sso-session \"\(Text.shown(sessionName))\"")
        return (token, expiry)
    }
}
