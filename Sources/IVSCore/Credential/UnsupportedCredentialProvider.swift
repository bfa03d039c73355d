/// Profiles (and environments) that need AWS STS, which libivs does not call yet: it fails clearly
/// rather than silently using other credentials.
public struct UnsupportedCredentialProvider: CredentialProvider {
    public let name: String
    let reason: String?

    public init(name: String, reason: String?) {
        self.name = name
        self.reason = reason
    }

    public func credentials() throws(IVSError) -> Credentials? {
        guard let reason else { return nil }
        throw .credentials(reason + " libivs does not support credentials that need AWS STS yet; use static keys, "
                           + "credential_process, SSO, container or instance credentials.",
                           code: "UnsupportedCredentialSource")
    }

    /// What the profile (or the environment, for web identity) asks for that needs STS, if anything.
    static func stsReason(profile: String, values: [String: String], env: Environment) -> (String, String)? {
        if values["role_arn"] != nil {
            let via = values["source_profile"] != nil ? "source_profile" :
                values["credential_source"] != nil ? "credential_source" :
                values["web_identity_token_file"] != nil ? "web_identity_token_file" : "role_arn"
            return ("assume-role", "profile \"\(profile)\" assumes a role (role_arn with \(via)).")
        }
        if values["web_identity_token_file"] != nil {
            return ("assume-role-with-web-identity", "profile \"\(profile)\" sets web_identity_token_file.")
        }
        if env.nonEmpty("AWS_WEB_IDENTITY_TOKEN_FILE") != nil, env.nonEmpty("AWS_ROLE_ARN") != nil {
            return ("assume-role-with-web-identity", "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are set.")
        }
        return nil
    }
}
