/// `aws login` profiles (login_session), as botocore's LoginProvider reads them: the session's token
/// cache (AWS_LOGIN_CACHE_DIRECTORY, else ~/.aws/login/cache; the file is the SHA-256 of the session
/// name, .json) holds temporary credentials under accessToken with their expiresAt. They are used
/// while more than 5 minutes remain (botocore's refresh threshold); the cache is read again on every
/// refresh, so a refresh the AWS CLI made is picked up.
///
/// Not done: botocore then calls AWS Sign-In's CreateOAuth2Token with the refresh token and a DPoP
/// proof (an ES256 JWT signed with the cache's dpopKey) and writes the new credentials back; libivs
/// reports instead that the session needs `aws login` again (docs/configuration.md).
public struct LoginCredentialProvider: CredentialProvider {
    public let name = "login"
    static let refreshThreshold: Double = 5 * 60
    static let requiredFields = ["accessToken", "refreshToken", "dpopKey", "clientId"]

    let profile: String
    let session: String
    let cacheFile: String

    static func make(profile: String, values: [String: String], env: Environment,
                     endpoints: CredentialServiceEndpoints) -> CredentialProvider {
        guard let session = values["login_session"] else { return AbsentCredentialProvider(name: "login") }
        let dir = env["AWS_LOGIN_CACHE_DIRECTORY"].map { SharedConfig.expandHome($0, env: env) }
            ?? SharedConfig.expandHome("~/.aws/login/cache", env: env)
        return LoginCredentialProvider(profile: profile, session: session,
                                       cacheFile: dir + "/" + Digest.sha256Hex(session) + ".json")
    }

    var hint: String { "Run `aws login --profile \(profile)` to sign in again." }

    public func credentials() throws(IVSError) -> Credentials? {
        let bytes: [UInt8]
        switch SmallFile.read(cacheFile) {
        case .bytes(let b): bytes = b
        case .missing:
            throw .credentials("unable to load an existing login session for session \(session) of profile \"\(profile)\" "
                               + "(no \(cacheFile)). " + hint, code: "LoginTokenLoadError")
        case .failed(let why):
            throw .credentials("cannot read the login token cache \(cacheFile): \(why)", code: "LoginTokenLoadError")
        }
        let source = "login session \(session) of profile \"\(profile)\""
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
            throw .credentials("\(source): the cached credentials expire at \(Clock.text(exp)); refreshing them through AWS "
                               + "Sign-In (CreateOAuth2Token with a DPoP proof) is not implemented in libivs. " + hint,
                               code: "LoginRefreshRequired")
        }
        return creds
    }
}
