/// A profile with role_arn (and no web_identity_token_file): STS AssumeRole signed with the source
/// credentials, which come from source_profile (static keys, another role, or any profile source;
/// chains of any length) or credential_source (Environment, Ec2InstanceMetadata, EcsContainer), as
/// botocore's AssumeRoleProvider. The source has a chain of its own, so its temporary credentials are
/// cached and refreshed on their own schedule. The parameters go in botocore's order: RoleSessionName
/// (when set), ExternalId, DurationSeconds, RoleArn, then botocore's default session name
/// (botocore-session-<epoch seconds>, fixed for the provider's life) when none is set. mfa_serial
/// needs a code typed by a person, which a library cannot ask for: it is an error naming the setting.
public struct AssumeRoleCredentialProvider: CredentialProvider {
    public let name = "assume-role"
    let profile: String
    let roleArn: String
    let params: [(String, String)]
    let mfaSerial: String?
    let source: CredentialChain
    /// "source_profile \"base\"" or "credential_source Environment", for messages.
    let sourceSetting: String
    let sts: STSClientSource

    init(profile: String, roleArn: String, sessionName: String?, externalId: String?,
         durationSeconds: Int?, mfaSerial: String?, source: CredentialChain, sourceSetting: String, sts: STSClientSource) {
        self.profile = profile
        self.roleArn = roleArn
        var p: [(String, String)] = []
        if let s = sessionName { p.append(("RoleSessionName", s)) }
        if let e = externalId { p.append(("ExternalId", e)) }
        if let d = durationSeconds { p.append(("DurationSeconds", String(d))) }
        p.append(("RoleArn", roleArn))
        if sessionName == nil { p.append(("RoleSessionName", Self.defaultSessionName())) }
        params = p
        self.mfaSerial = mfaSerial
        self.source = source
        self.sourceSetting = sourceSetting
        self.sts = sts
    }

    /// botocore's RoleSessionName when none is configured.
    static func defaultSessionName() -> String {
        let now = Clock.now()
        return "botocore-session-\(now.isFinite && abs(now) < 1e15 ? Int(now) : 0)"
    }

    var what: String { "assume-role for profile \"\(Text.shown(profile))\" (role_arn \(Text.shown(roleArn)), \(sourceSetting))" }

    public func credentials() throws(IVSError) -> Credentials? {
        if mfaSerial != nil {
            throw .credentials("\(what): mfa_serial is set, and the MFA code it needs cannot be typed into a library; "
                               + "use a profile without mfa_serial, or credential_process with a helper that asks for "
                               + "the code", code: "RefreshWithMFAUnsupportedError")
        }
        if let problem = STSParameters.problem(params) {
            throw .credentials("\(what): \(problem)", code: "ParamValidationError")
        }
        let from: Credentials
        do { from = try source.resolve() } catch {
            var e = error
            e.message = "\(what): cannot get the source credentials: " + error.message
            throw e
        }
        switch try sts.client().assumeRole(params, with: from) {
        case .success(let issued): return issued.credentials
        case .failure(let f): throw STSParameters.error(f, action: "AssumeRole", what: what)
        }
    }
}

/// What both STS providers check before sending and say after a failure.
enum STSParameters {
    /// botocore checks these minimums (from the STS model) before sending; so does libivs.
    static let minimumLengths = ["RoleArn": 20, "RoleSessionName": 2, "ExternalId": 2, "WebIdentityToken": 4]
    static let settingOf = ["RoleArn": "role_arn", "RoleSessionName": "role_session_name", "ExternalId": "external_id",
                            "WebIdentityToken": "the web identity token", "DurationSeconds": "duration_seconds"]

    static func problem(_ params: [(String, String)]) -> String? {
        for (k, v) in params {
            if let min = minimumLengths[k], v.count < min {
                let shown = k == "WebIdentityToken" ? "" : " \"\(Text.shown(Text.excerpt(v, limit: 100)))\""
                return "\(settingOf[k] ?? k)\(shown) is shorter than \(min) characters, the least STS accepts for \(k)"
            }
            if k == "DurationSeconds", let d = Int(v), d < 900 {
                return "duration_seconds \(d) is less than 900, the least STS accepts"
            }
        }
        return nil
    }

    /// An STS failure as a credentials error naming the provider and its settings; the code is the
    /// service's (AccessDenied, ExpiredTokenException, Throttling, ...) or the transport's.
    static func error(_ f: STSClient.Failure, action: String, what: String) -> IVSError {
        var e = IVSError.credentials("\(what): STS \(action) failed after \(f.attempts) attempt(s): \(f.code): \(f.message)",
                                     code: f.code)
        e.httpStatus = f.httpStatus
        e.attempts = f.attempts
        return e
    }
}
