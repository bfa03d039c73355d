#if canImport(Glibc)
import Glibc
#endif

/// The shared config and credentials files as botocore reads them: `[profile x]` (and `[default]`)
/// sections in the config file, `[x]` sections in the credentials file, `[sso-session x]` and
/// `[services x]` sections in the config file.
public struct SharedConfig: Sendable {
    public let configPath: String
    public let credentialsPath: String
    public let configProfiles: [String: [String: String]]
    public let credentialProfiles: [String: [String: String]]
    public let ssoSessions: [String: [String: String]]
    public let services: [String: [String: String]]

    public static let empty = SharedConfig(configPath: "", credentialsPath: "", configProfiles: [:],
                                           credentialProfiles: [:], ssoSessions: [:], services: [:])

    public init(configPath: String, credentialsPath: String, configProfiles: [String: [String: String]],
                credentialProfiles: [String: [String: String]], ssoSessions: [String: [String: String]],
                services: [String: [String: String]]) {
        self.configPath = configPath
        self.credentialsPath = credentialsPath
        self.configProfiles = configProfiles
        self.credentialProfiles = credentialProfiles
        self.ssoSessions = ssoSessions
        self.services = services
    }

    /// AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials.
    public static func load(env: Environment) throws(IVSError) -> SharedConfig {
        let configPath = expandHome(env.nonEmpty("AWS_CONFIG_FILE") ?? "~/.aws/config", env: env)
        let credentialsPath = expandHome(env.nonEmpty("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials", env: env)
        var profiles: [String: [String: String]] = [:]
        var sso: [String: [String: String]] = [:]
        var services: [String: [String: String]] = [:]
        if let file = try SharedConfigFile.load(path: configPath) {
            // Sorted so that `[profile default]` deterministically wins over `[default]`.
            for (name, values) in file.sections.sorted(by: { $0.key < $1.key }) {
                if name == "default" { profiles["default"] = profiles["default"] ?? values; continue }
                guard let w = SharedConfigFile.words(name), w.count == 2 else { continue }
                switch w[0] {
                case "profile": profiles[w[1]] = values
                case "sso-session": sso[w[1]] = values
                case "services": services[w[1]] = values
                default: continue
                }
            }
        }
        let creds = try SharedConfigFile.load(path: credentialsPath)?.sections ?? [:]
        return SharedConfig(configPath: configPath, credentialsPath: credentialsPath, configProfiles: profiles,
                            credentialProfiles: creds, ssoSessions: sso, services: services)
    }

    /// Whether either file defines the profile.
    public func hasProfile(_ name: String) -> Bool {
        configProfiles[name] != nil || credentialProfiles[name] != nil
    }

    /// The profile's settings: the config file's, with the credentials file's on top (botocore's full_config).
    public func profile(_ name: String) -> [String: String] {
        var p = configProfiles[name] ?? [:]
        for (k, v) in credentialProfiles[name] ?? [:] { p[k] = v }
        return p
    }

    static func expandHome(_ path: String, env: Environment) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        var home = env.nonEmpty("HOME")
        if home == nil, let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { home = String(cString: dir) }
        guard let h = home else { return path }
        return h + path.dropFirst()
    }
}
