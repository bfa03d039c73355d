#if canImport(Glibc)
import Glibc
#endif

/// Resolves every setting the way the AWS SDKs do: the client config first, then environment
/// variables, then the shared config file's profile (docs/configuration.md has the full table).
public struct ConfigResolver {
    let config: ClientConfig
    let env: Environment

    public init(config: ClientConfig, env: Environment = .process) {
        self.config = config
        self.env = env
    }

    public func resolve() throws(IVSError) -> ResolvedConfig {
        let shared = try SharedConfig.load(env: env)
        // botocore: an explicit profile, else AWS_DEFAULT_PROFILE, else AWS_PROFILE, else "default".
        let named = config.profile ?? env.nonEmpty("AWS_DEFAULT_PROFILE") ?? env.nonEmpty("AWS_PROFILE")
        let profileName = named ?? "default"
        if let n = named, !shared.hasProfile(n) {
            let source = config.profile != nil ? "the client config's profile" :
                env.nonEmpty("AWS_DEFAULT_PROFILE") != nil ? "AWS_DEFAULT_PROFILE" : "AWS_PROFILE"
            throw .config("The config profile \"\(n)\" (from \(source)) could not be found in \(shared.configPath) "
                          + "or \(shared.credentialsPath)", code: "ProfileNotFound")
        }
        let profile = shared.profile(profileName)
        let p = ProfileSettings(name: profileName, values: profile, path: shared.configPath)

        let region = try resolveRegion(p)
        let fips = try bool(config.useFipsEndpoint, "AWS_USE_FIPS_ENDPOINT", p, "use_fips_endpoint") ?? false
        let dualstack = try bool(config.useDualstackEndpoint, "AWS_USE_DUALSTACK_ENDPOINT", p, "use_dualstack_endpoint") ?? false
        let ignoreConfigured = try bool(nil, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", p, "ignore_configured_endpoint_urls") ?? false
        var endpoints: [String: Endpoint] = [:]
        var endpointSources: [String: String] = [:]
        for m in ServiceModel.all {
            let configured = try configuredEndpoint(for: m, profile: p, shared: shared, ignoreConfigured: ignoreConfigured)
            // botocore: a configured endpoint is used as is; FIPS and dual-stack apply to AWS endpoints only.
            let params = EndpointParams(region: region, useFIPS: configured == nil && fips,
                                        useDualStack: configured == nil && dualstack, endpoint: configured?.url)
            switch EndpointPartitions.resolve(service: m.name, params) {
            case .endpoint(let url):
                let source = configured?.source ?? "the \(m.name) endpoint rule set"
                endpoints[m.name] = try Endpoint.parse(url, key: source)
                endpointSources[m.name] = source
            case .error(let why):
                let fromRegion = configured == nil ? " (region \(region), FIPS \(fips), dual-stack \(dualstack))" : ""
                throw .config("\(m.name): \(why)\(fromRegion)", code: "EndpointResolutionError")
            }
        }

        var mode = RetryMode.standard
        if let m = config.retryMode { mode = m }
        else if let (s, source) = pick("AWS_RETRY_MODE", p, "retry_mode") {
            switch s.lowercased() {
            case "standard": mode = .standard
            case "adaptive": mode = .adaptive
            case "off": mode = .off
            case "legacy":
                Log.log(.warn, "\(source) is legacy; libivs implements standard, adaptive and off, and uses standard")
            default: throw .config("\(source) must be standard, adaptive or off, got \"\(s)\"")
            }
        }
        var attempts = 3
        if let a = config.maxAttempts { attempts = a }
        else if let (s, source) = pick("AWS_MAX_ATTEMPTS", p, "max_attempts") {
            guard let a = Int(s), (1...100).contains(a) else {
                throw .config("\(source) must be an integer from 1 to 100, got \"\(s)\"")
            }
            attempts = a
        }

        var t = TransportOptions()
        if let v = config.connectTimeoutMs { t.connectTimeoutMs = v }
        if let v = config.requestTimeoutMs { t.requestTimeoutMs = v }
        if let v = config.verifyTls { t.verifyTLS = v }
        if let ca = config.caBundle {
            t.caBundle = try caBundle(ca, "caBundle")
        } else if let (ca, source) = pick("AWS_CA_BUNDLE", p, "ca_bundle") {
            t.caBundle = try caBundle(SharedConfig.expandHome(ca, env: env), source)
        }
        // No proxy key: libcurl reads HTTPS_PROXY / https_proxy / http_proxy / ALL_PROXY and NO_PROXY
        // itself; they are checked here as the key is, so a bad one fails now rather than every call.
        t.proxy = config.proxy
        if config.proxy == nil {
            for name in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
                guard let v = env.nonEmpty(name) else { continue }
                do { try ClientConfig.checkProxy(v) } catch { throw .config(name + ": " + error.message) }
            }
        }
        t.userAgent = "libivs/\(LibraryInfo.version)" + (config.userAgentSuffix.map { " " + $0 } ?? "")
        t.maxResponseBytes = config.maxResponseBytes ?? TransportOptions.defaultMaxResponseBytes

        return ResolvedConfig(region: region, endpoints: endpoints, endpointSources: endpointSources, useFIPS: fips,
                              useDualStack: dualstack, retryMode: mode, maxAttempts: attempts,
                              transport: t, validation: config.validation, logLevel: config.logLevel,
                              credentialProviders: credentialProviders(shared: shared, profile: p),
                              profile: profileName,
                              maxPages: config.maxPages ?? ResolvedConfig.defaultMaxPages,
                              maxPaginateBytes: config.maxPaginateBytes ?? ResolvedConfig.defaultMaxPaginateBytes,
                              signRequests: config.signRequests, dispatch: config.dispatch,
                              maxConnections: config.maxConnections ?? ResolvedConfig.defaultMaxConnections)
    }

    /// A profile's settings with where they came from, for messages.
    struct ProfileSettings {
        let name: String
        let values: [String: String]
        let path: String

        func value(_ key: String) -> (String, String)? {
            guard let v = values[key], !v.isEmpty else { return nil }
            return (v, "\(key) in profile \"\(name)\" (\(path))")
        }
    }

    /// The environment variable if set, else the profile's key; with a description of the source.
    func pick(_ variable: String, _ p: ProfileSettings, _ key: String) -> (String, String)? {
        if let v = env.nonEmpty(variable) { return (v, variable) }
        return p.value(key)
    }

    func bool(_ explicit: Bool?, _ variable: String, _ p: ProfileSettings, _ key: String) throws(IVSError) -> Bool? {
        if let b = explicit { return b }
        guard let (s, source) = pick(variable, p, key) else { return nil }
        switch s.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .config("\(source) must be true or false, got \"\(s)\"")
        }
    }

    func caBundle(_ path: String, _ source: String) throws(IVSError) -> String {
        if let why = CABundle.problem(path) { throw .config("\(source) names \(path), which \(why)") }
        return path
    }

    func resolveRegion(_ p: ProfileSettings) throws(IVSError) -> String {
        let candidates: [(String, String?)] = [("region", config.region), ("AWS_REGION", env.nonEmpty("AWS_REGION")),
                                               ("AWS_DEFAULT_REGION", env.nonEmpty("AWS_DEFAULT_REGION")),
                                               (p.value("region")?.1 ?? "", p.value("region")?.0)]
        for (source, value) in candidates {
            guard let r = value else { continue }
            guard ClientConfig.isValidRegion(r) else { throw .config("\(source) \"\(r)\" is not a valid region name") }
            return r
        }
        throw .config("No region is configured. Set \"region\" in the client config, the AWS_REGION environment "
                      + "variable, or region in your profile (\"\(p.name)\") in \(p.path).", code: "NoRegionError")
    }

    /// An endpoint URL configured for the service, highest first: the client config's endpointUrls
    /// and endpointUrl, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's services section,
    /// the profile's endpoint_url. All but the client config's are off when ignoreConfigured.
    func configuredEndpoint(for service: ServiceModel, profile p: ProfileSettings, shared: SharedConfig,
                            ignoreConfigured: Bool) throws(IVSError) -> (url: String, source: String)? {
        var found: (String, String)?
        if let u = config.endpointUrls[service.name] { found = (u, "endpointUrls.\(service.name)") }
        else if let u = config.endpointUrl { found = (u, "endpointUrl") }
        else if !ignoreConfigured {
            let id = service.configKey
            let variable = "AWS_ENDPOINT_URL_" + id.uppercased()
            if let u = env.nonEmpty(variable) { found = (u, variable) }
            else if let u = env.nonEmpty("AWS_ENDPOINT_URL") { found = (u, "AWS_ENDPOINT_URL") }
            else if let (sectionName, _) = p.value("services") {
                guard let section = shared.services[sectionName] else {
                    throw .config("profile \"\(p.name)\" names services \"\(sectionName)\", but \(shared.configPath) "
                                  + "has no [services \(sectionName)] section")
                }
                if let nested = section[id], let sub = SharedConfigFile.nested(nested), let u = sub["endpoint_url"] {
                    found = (u, "endpoint_url of \(id) in [services \(sectionName)] (\(shared.configPath))")
                }
            }
            if found == nil, let (u, source) = p.value("endpoint_url") { found = (u, source) }
        }
        guard let (url, source) = found else { return nil }
        return (try Endpoint.parse(url, key: source).url, source)
    }

    /// The credential chain, in botocore's order. Problems in a source's settings surface when the
    /// chain reaches that source, so that credentials given earlier in the chain still work.
    func credentialProviders(shared: SharedConfig, profile p: ProfileSettings) -> [CredentialProvider] {
        var providers: [CredentialProvider] = []
        if let c = config.credentials { providers.append(StaticCredentialProvider(c)) }
        // botocore: a profile named in code (not AWS_PROFILE) takes precedence over the environment's keys.
        if config.profile == nil { providers.append(EnvironmentCredentialProvider(env: env)) }
        if let (name, reason) = UnsupportedCredentialProvider.stsReason(profile: p.name, values: p.values, env: env) {
            providers.append(UnsupportedCredentialProvider(name: name, reason: reason))
        }
        do {
            if let sso = try SSOCredentialProvider.make(profile: p.name, values: p.values, shared: shared, env: env) {
                providers.append(sso)
            }
        } catch { providers.append(FailingCredentialProvider(name: "sso", error: error)) }
        providers.append(ProfileKeysCredentialProvider(name: "shared-credentials-file", profile: p.name,
                                                       values: shared.credentialProfiles[p.name], path: shared.credentialsPath))
        providers.append(ProcessCredentialProvider(profile: p.name, command: p.values["credential_process"],
                                                   timeoutMs: config.credentialProcessTimeoutMs ?? ProcessCredentialProvider.defaultTimeoutMs))
        providers.append(ProfileKeysCredentialProvider(name: "config-file", profile: p.name,
                                                       values: shared.configProfiles[p.name], path: shared.configPath))
        providers.append(ContainerCredentialProvider(env: env))
        do {
            let s = try InstanceMetadataCredentialProvider.settings(env: env, profile: p.values)
            providers.append(InstanceMetadataCredentialProvider(settings: s))
        } catch { providers.append(FailingCredentialProvider(name: "iam-role", error: error)) }
        return providers
    }
}
