/// IAM Identity Center (SSO) profiles: sso_account_id and sso_role_name with either an sso_session
/// (its [sso-session] section giving sso_start_url and sso_region) or the legacy sso_start_url and
/// sso_region in the profile; the portal's GetRoleCredentials with the cached access token. With an
/// sso_session the token is refreshed through SSO OIDC when it nears expiry (SSOTokenProvider); a
/// legacy profile's token is used as `aws sso login` cached it, and an expired one is an error telling
/// the user to log in again (botocore's behaviour for both). The portal's endpoint is the sso rule
/// set's, or AWS_ENDPOINT_URL_SSO and the other configured-endpoint settings.
public struct SSOCredentialProvider: CredentialProvider {
    public let name = "sso"
    let profile: String
    let accountId: String
    let roleName: String
    let cacheFile: String
    let portal: String
    let http: CredentialHTTP
    /// The sso-session's token, refreshed when due; nil for a legacy profile (a default, so the
    /// memberwise initializer the fuzz target uses keeps its form).
    var sessionToken: SSOTokenProvider? = nil

    static let configKeys = ["sso_start_url", "sso_region", "sso_role_name", "sso_account_id"]

    /// The provider for an SSO profile; nil when the profile does not use SSO.
    static func make(profile: String, values: [String: String], shared: SharedConfig, env: Environment,
                     endpoints: CredentialServiceEndpoints) throws(IVSError) -> SSOCredentialProvider? {
        // botocore: the role name or the account id says the profile uses SSO.
        guard values["sso_role_name"] != nil || values["sso_account_id"] != nil else { return nil }
        var resolved = values
        var required = configKeys
        if let sessionName = values["sso_session"] {
            guard let session = shared.ssoSessions[sessionName] else {
                throw .config("profile \"\(Text.shown(profile))\" names sso_session \"\(Text.shown(sessionName))\", but \(shared.configPath) "
                              + "has no [sso-session \(Text.shown(sessionName))] section")
            }
            for (k, v) in session {
                if let mine = values[k], mine != v {
                    throw .config("profile \"\(Text.shown(profile))\" and [sso-session \(Text.shown(sessionName))] disagree on \(k)")
                }
                resolved[k] = v
            }
            required.append("sso_session")
        }
        let missing = required.filter { resolved[$0] == nil }
        if !missing.isEmpty {
            throw .config("profile \"\(Text.shown(profile))\" is configured to use SSO but is missing required configuration: "
                          + missing.joined(separator: ", "))
        }
        let region = resolved["sso_region"] ?? ""
        guard ClientConfig.isValidRegion(region) else { throw .config("sso_region \"\(Text.shown(region))\" is not a valid region name") }
        let startUrl = resolved["sso_start_url"] ?? ""
        let portal = try endpoints.standard(id: "sso", host: "portal.sso", fipsHost: "portal.sso-fips", region: region).url
        let dir = SharedConfig.expandHome("~/.aws/sso/cache", env: env)
        let http = CredentialHTTP(timeoutMs: 10_000, useProxy: true)
        var tokenProvider: SSOTokenProvider? = nil
        var cacheKey = startUrl
        if let sessionName = values["sso_session"] {
            cacheKey = sessionName
            let oidc: Result<String, IVSError>
            do { oidc = .success(try endpoints.standard(id: "sso_oidc", host: "oidc", fipsHost: "oidc-fips", region: region).url) }
            catch { oidc = .failure(error) }
            tokenProvider = SSOTokenProvider(profile: profile, sessionName: sessionName, startUrl: startUrl, region: region,
                                             cacheFile: dir + "/" + CredentialDocument.sha1Hex(sessionName) + ".json",
                                             oidc: oidc, http: http)
        }
        return SSOCredentialProvider(profile: profile, accountId: resolved["sso_account_id"] ?? "",
                                     roleName: resolved["sso_role_name"] ?? "",
                                     cacheFile: dir + "/" + CredentialDocument.sha1Hex(cacheKey) + ".json",
                                     portal: portal, http: http, sessionToken: tokenProvider)
    }

    var loginHint: String {
        "The SSO session of profile \"\(Text.shown(profile))\" has expired or is otherwise invalid. To refresh it, run "
            + "`aws sso login --profile \(Text.shown(profile))`."
    }

    /// A legacy profile's token: as cached, refused when expired.
    func cachedToken() throws(IVSError) -> String {
        guard case .bytes(let b) = SmallFile.read(cacheFile) else {
            throw .credentials("no cached SSO token at \(cacheFile). " + loginHint, code: "UnauthorizedSSOTokenError")
        }
        let token: String?? = try CredentialDocument.withObject(b) { o throws(IVSError) -> String? in
            guard let t = o["accessToken"]?.stringValue, !t.isEmpty, HeaderValue.isValid(t),
                  let e = o["expiresAt"]?.stringValue, let exp = Clock.parseISO8601(e) else { return nil }
            if exp <= CredentialClock.now() {
                throw .credentials("the cached SSO token expired at \(Clock.text(exp)). " + loginHint,
                                   code: "UnauthorizedSSOTokenError")
            }
            return t
        }
        guard let t = token ?? nil else {
            throw .credentials("the cached SSO token \(cacheFile) has no accessToken and expiresAt. " + loginHint,
                               code: "UnauthorizedSSOTokenError")
        }
        return t
    }

    public func credentials() throws(IVSError) -> Credentials? {
        let token: String
        if let session = sessionToken { token = try session.token() } else { token = try cachedToken() }
        let url = portal + "/federation/credentials?role_name=" + URIEncoding.encode(roleName, keepSlash: false)
            + "&account_id=" + URIEncoding.encode(accountId, keepSlash: false)
        switch http.send("GET", url, headers: [("x-amz-sso_bearer_token", token), ("Accept", "application/json")]) {
        case .failure(let e):
            throw .credentials("SSO GetRoleCredentials at \(portal) failed: \(e.message)", code: "CredentialRetrievalError")
        case .success(let r) where r.status == 401 || r.status == 403:
            throw .credentials("SSO GetRoleCredentials was refused (HTTP \(r.status)). " + loginHint,
                               code: "UnauthorizedSSOTokenError")
        case .success(let r) where r.status != 200:
            throw .credentials("SSO GetRoleCredentials at \(portal) answered HTTP \(r.status)", code: "CredentialRetrievalError")
        case .success(let r):
            let source = "SSO GetRoleCredentials for account \(accountId), role \(roleName)"
            let creds = try CredentialDocument.withObject(r.body) { o throws(IVSError) -> Credentials in
                guard let rc = o["roleCredentials"], rc.kind == .object else {
                    throw .credentials("\(source): the response has no roleCredentials", code: "CredentialRetrievalError")
                }
                return try CredentialDocument.credentials(rc, source: source, id: "accessKeyId", secret: "secretAccessKey",
                                                          token: "sessionToken", expiration: "expiration",
                                                          expirationMillis: true)
            }
            guard let creds else {
                throw .credentials("\(source): the response is not a JSON object", code: "CredentialRetrievalError")
            }
            return creds
        }
    }
}
