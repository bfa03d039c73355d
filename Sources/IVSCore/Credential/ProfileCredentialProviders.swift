/// Builds the providers that read a profile, as botocore's ProfileProviderBuilder and
/// AssumeRoleProvider do: the profile's own sources (web identity, sso, shared-credentials-file,
/// login, custom-process, config-file), and assume-role with its source profile chain. Used for the
/// client's profile and again for each source_profile, so a source profile may get its credentials
/// any way a profile can. Problems in the settings become providers that report them when the chain
/// reaches them, so credentials found earlier in the chain still work.
struct ProfileCredentialProviders {
    let shared: SharedConfig
    let env: Environment
    let sts: STSClientSource
    let endpoints: CredentialServiceEndpoints
    let processTimeoutMs: Int
    /// The providers credential_source names (the same instances the main chain uses).
    let environment: CredentialProvider
    let container: CredentialProvider
    let instanceMetadata: CredentialProvider

    /// botocore's canonical names for credential_source (case-sensitive, as botocore checks them).
    static let credentialSources = ["Environment", "Ec2InstanceMetadata", "EcsContainer"]

    func where_(_ profile: String) -> String {
        shared.configProfiles[profile] != nil ? shared.configPath : shared.credentialsPath
    }

    /// The profile's own sources, in botocore's order. `disableEnv`: the web identity variables are
    /// not read (a profile named in the client config, or a source profile).
    func profileProviders(_ profile: String, disableEnv: Bool) -> [CredentialProvider] {
        let values = shared.profile(profile)
        var out: [CredentialProvider] = [webIdentity(profile, values, disableEnv: disableEnv)]
        do {
            if let sso = try SSOCredentialProvider.make(profile: profile, values: values, shared: shared, env: env,
                                                        endpoints: endpoints) {
                out.append(sso)
            } else { out.append(AbsentCredentialProvider(name: "sso")) }
        } catch { out.append(FailingCredentialProvider(name: "sso", error: error)) }
        out.append(ProfileKeysCredentialProvider(name: "shared-credentials-file", profile: profile,
                                                 values: shared.credentialProfiles[profile], path: shared.credentialsPath))
        out.append(LoginCredentialProvider.make(profile: profile, values: values, env: env, endpoints: endpoints))
        out.append(ProcessCredentialProvider(profile: profile, command: values["credential_process"], timeoutMs: processTimeoutMs))
        out.append(ProfileKeysCredentialProvider(name: "config-file", profile: profile,
                                                 values: shared.configProfiles[profile], path: shared.configPath))
        return out
    }

    func webIdentity(_ profile: String, _ values: [String: String], disableEnv: Bool) -> CredentialProvider {
        let name = "assume-role-with-web-identity"
        func pick(_ variable: String, _ key: String) -> (String, String)? {
            if !disableEnv, let v = env[variable] { return (v, variable) }
            return values[key].map { ($0, key) }
        }
        guard let (file, fileSetting) = pick("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file"), !file.isEmpty else {
            return AbsentCredentialProvider(name: name)
        }
        guard let (arn, _) = pick("AWS_ROLE_ARN", "role_arn"), !arn.isEmpty else {
            return FailingCredentialProvider(name: name, error: .credentials(
                "\(fileSetting) is set for profile \"\(Text.shown(profile))\", but no role ARN: set role_arn in the profile or AWS_ROLE_ARN",
                code: "InvalidConfigError"))
        }
        let session = pick("AWS_ROLE_SESSION_NAME", "role_session_name").map { $0.0 }
        return WebIdentityCredentialProvider(profile: profile, tokenFile: SharedConfig.expandHome(file, env: env),
                                             tokenFileSetting: fileSetting, roleArn: arn, sessionName: session, sts: sts)
    }

    static func hasStaticKeys(_ v: [String: String]) -> Bool {
        v["aws_access_key_id"] != nil || v["aws_secret_access_key"] != nil
    }

    static func assumesRole(_ v: [String: String]) -> Bool {
        v["role_arn"] != nil && v["web_identity_token_file"] == nil
    }

    /// The assume-role provider of a profile (absent when it has no role_arn, or has web identity).
    func assumeRole(_ profile: String, visited: [String]) -> CredentialProvider {
        let values = shared.profile(profile)
        guard Self.assumesRole(values) else { return AbsentCredentialProvider(name: "assume-role") }
        do { return try makeAssumeRole(profile, values, visited: visited) } catch {
            return FailingCredentialProvider(name: "assume-role", error: error)
        }
    }

    private func makeAssumeRole(_ profile: String, _ values: [String: String],
                                visited: [String]) throws(IVSError) -> CredentialProvider {
        let roleArn = values["role_arn"] ?? ""
        let about = "profile \"\(Text.shown(profile))\" (\(where_(profile)))"
        let source: CredentialChain
        let setting: String
        switch (values["source_profile"], values["credential_source"]) {
        case (_?, _?):
            throw .credentials("\(about) sets both source_profile and credential_source; set one of them",
                               code: "InvalidConfigError")
        case (nil, nil):
            throw .credentials("\(about) sets role_arn but neither source_profile nor credential_source",
                               code: "PartialCredentialsError")
        case (nil, let named?):
            let provider: CredentialProvider
            switch named {
            case "Environment": provider = environment
            case "Ec2InstanceMetadata": provider = instanceMetadata
            case "EcsContainer": provider = container
            default:
                throw .credentials("the credential_source \"\(Text.shown(named))\" of \(about) is not valid; use one of "
                                   + Self.credentialSources.joined(separator: ", "), code: "InvalidConfigError")
            }
            setting = "credential_source \(Text.shown(named))"
            source = CredentialChain(providers: [provider],
                                     noneMessage: "no credentials found in credential_source \(Text.shown(named)) referenced in "
                                        + "profile \"\(Text.shown(profile))\"", code: "CredentialRetrievalError")
        case (let sp?, nil):
            setting = "source_profile \"\(Text.shown(sp))\""
            guard shared.hasProfile(sp) else {
                throw .credentials("the source_profile \"\(Text.shown(sp))\" of \(about) does not exist in \(shared.configPath) or "
                                   + shared.credentialsPath, code: "InvalidConfigError")
            }
            let spValues = shared.profile(sp)
            // A profile may name itself to use its own static keys; any other repeat is a cycle.
            if visited.contains(sp) && (sp != profile || !Self.hasStaticKeys(spValues)) {
                throw .credentials("source_profile of \(about) makes a cycle: "
                                   + (visited + [sp]).map { "\"\(Text.shown($0))\"" }.joined(separator: " -> "),
                                   code: "InfiniteLoopConfigError")
            }
            let providers: [CredentialProvider]
            if Self.hasStaticKeys(spValues) || !Self.assumesRole(spValues) {
                providers = profileProviders(sp, disableEnv: true)
            } else {
                providers = [assumeRole(sp, visited: visited + [sp])]
            }
            source = CredentialChain(providers: providers,
                                     noneMessage: "the source profile \"\(Text.shown(sp))\" of \(about) has no credentials",
                                     code: "InvalidConfigError")
        }
        // botocore: a duration_seconds that is not an integer is ignored.
        let duration = values["duration_seconds"].flatMap { Int(Text.trimmed($0)) }
        func nonEmpty(_ k: String) -> String? { values[k].flatMap { $0.isEmpty ? nil : $0 } }
        return AssumeRoleCredentialProvider(profile: profile, roleArn: roleArn, sessionName: nonEmpty("role_session_name"),
                                            externalId: values["external_id"], durationSeconds: duration,
                                            mfaSerial: values["mfa_serial"], source: source, sourceSetting: setting, sts: sts)
    }
}
