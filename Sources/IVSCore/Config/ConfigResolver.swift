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
            throw .config("The config profile \"\(Text.shown(n))\" (from \(source)) could not be found in \(shared.configPath) "
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
            default: throw .config("\(source) must be standard, adaptive or off, got \"\(Text.shown(s))\"")
            }
        }
        var attempts = 3
        if let a = config.maxAttempts { attempts = a }
        else if let (s, source) = pick("AWS_MAX_ATTEMPTS", p, "max_attempts") {
            guard let a = Int(s), (1...100).contains(a) else {
                throw .config("\(source) must be an integer from 1 to 100, got \"\(Text.shown(s))\"")
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
                              credentialProviders: credentialProviders(shared: shared, profile: p, region: region,
                                                                       transport: t),
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
            return (v, "\(key) in profile \"\(Text.shown(name))\" (\(path))")
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
        default: throw .config("\(source) must be true or false, got \"\(Text.shown(s))\"")
        }
    }

    func caBundle(_ path: String, _ source: String) throws(IVSError) -> String {
        if let why = CABundle.problem(path) { throw .config("\(source) names \(Text.shown(path)), which \(why)") }
        return path
    }

    func resolveRegion(_ p: ProfileSettings) throws(IVSError) -> String {
        let candidates: [(String, String?)] = [("region", config.region), ("AWS_REGION", env.nonEmpty("AWS_REGION")),
                                               ("AWS_DEFAULT_REGION", env.nonEmpty("AWS_DEFAULT_REGION")),
                                               (p.value("region")?.1 ?? "", p.value("region")?.0)]
        for (source, value) in candidates {
            guard let r = value else { continue }
            guard ClientConfig.isValidRegion(r) else { throw .config("\(source) \"\(Text.shown(r))\" is not a valid region name") }
            return r
        }
        throw .config("No region is configured. Set \"region\" in the client config, the AWS_REGION environment "
                      + "variable, or region in your profile (\"\(Text.shown(p.name))\") in \(p.path).", code: "NoRegionError")
    }

    /// An endpoint URL configured for the service, highest first: the client config's endpointUrls
    /// and endpointUrl, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's services section,
    /// the profile's endpoint_url. All but the client config's are off when ignoreConfigured.
    func configuredEndpoint(for service: ServiceModel, profile p: ProfileSettings, shared: SharedConfig,
                            ignoreConfigured: Bool) throws(IVSError) -> (url: String, source: String)? {
        if let u = config.endpointUrls[service.name] {
            let key = "endpointUrls.\(service.name)"
            return (try Endpoint.parse(u, key: key).url, key)
        }
        if let u = config.endpointUrl { return (try Endpoint.parse(u, key: "endpointUrl").url, "endpointUrl") }
        if ignoreConfigured { return nil }
        return try configuredEndpoint(id: service.configKey, profile: p, shared: shared)
    }

    /// The environment's and the profile's endpoint for a service id (botocore's
    /// ConfiguredEndpointProvider): AWS_ENDPOINT_URL_<ID>, AWS_ENDPOINT_URL, the profile's services
    /// section, the profile's endpoint_url.
    func configuredEndpoint(id: String, profile p: ProfileSettings,
                            shared: SharedConfig) throws(IVSError) -> (url: String, source: String)? {
        var found: (String, String)?
        let variable = "AWS_ENDPOINT_URL_" + id.uppercased()
        if let u = env.nonEmpty(variable) { found = (u, variable) }
        else if let u = env.nonEmpty("AWS_ENDPOINT_URL") { found = (u, "AWS_ENDPOINT_URL") }
        else if let (sectionName, _) = p.value("services") {
            guard let section = shared.services[sectionName] else {
                throw .config("profile \"\(Text.shown(p.name))\" names services \"\(Text.shown(sectionName))\", but \(shared.configPath) "
                              + "has no [services \(Text.shown(sectionName))] section")
            }
            if let nested = section[id], let sub = SharedConfigFile.nested(nested), let u = sub["endpoint_url"] {
                found = (u, "endpoint_url of \(id) in [services \(Text.shown(sectionName))] (\(shared.configPath))")
            }
        }
        if found == nil, let (u, source) = p.value("endpoint_url") { found = (u, source) }
        guard let (url, source) = found else { return nil }
        return (try Endpoint.parse(url, key: source).url, source)
    }

    /// The credential chain, in botocore's order: config, environment, assume-role, then the profile's
    /// sources (assume-role-with-web-identity, sso, shared-credentials-file, login, custom-process,
    /// config-file), container-role, iam-role. Every name is always listed (ivs_client_config shows
    /// the chain); a source the settings do not configure has nothing to offer. Problems in a source's
    /// settings surface when the chain reaches that source, so that credentials given earlier in the
    /// chain still work.
    func credentialProviders(shared: SharedConfig, profile p: ProfileSettings, region: String,
                             transport: TransportOptions) -> [CredentialProvider] {
        var providers: [CredentialProvider] = []
        if let c = config.credentials { providers.append(StaticCredentialProvider(c)) }
        // botocore: a profile named in code (not AWS_PROFILE) takes precedence over the environment's keys.
        let environment = EnvironmentCredentialProvider(env: env)
        if config.profile == nil { providers.append(environment) }
        let container = ContainerCredentialProvider(env: env)
        let instanceMetadata: CredentialProvider
        do {
            let s = try InstanceMetadataCredentialProvider.settings(env: env, profile: p.values)
            instanceMetadata = InstanceMetadataCredentialProvider(settings: s)
        } catch { instanceMetadata = FailingCredentialProvider(name: "iam-role", error: error) }
        let endpoints = credentialServiceEndpoints(shared: shared, profile: p, region: region)
        let builder = ProfileCredentialProviders(shared: shared, env: env, sts: stsClient(p, endpoints, transport),
                                                 endpoints: endpoints,
                                                 processTimeoutMs: config.credentialProcessTimeoutMs
                                                    ?? ProcessCredentialProvider.defaultTimeoutMs,
                                                 environment: environment, container: container,
                                                 instanceMetadata: instanceMetadata)
        providers.append(builder.assumeRole(p.name, visited: [p.name]))
        providers += builder.profileProviders(p.name, disableEnv: config.profile != nil)
        providers.append(container)
        providers.append(instanceMetadata)
        return providers
    }

    /// Where the credential services' clients go: FIPS and dual-stack from the environment or the
    /// profile, configured endpoints per service id.
    func credentialServiceEndpoints(shared: SharedConfig, profile p: ProfileSettings,
                                    region: String) -> CredentialServiceEndpoints {
        var fips = false, dualstack = false, ignore = false
        var configured: [String: Result<(url: String, source: String)?, IVSError>] = [:]
        do {
            fips = try bool(nil, "AWS_USE_FIPS_ENDPOINT", p, "use_fips_endpoint") ?? false
            dualstack = try bool(nil, "AWS_USE_DUALSTACK_ENDPOINT", p, "use_dualstack_endpoint") ?? false
            ignore = try bool(nil, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", p, "ignore_configured_endpoint_urls") ?? false
        } catch {
            for id in ["sts", "sso", "sso_oidc", "signin"] { configured[id] = .failure(error) }
        }
        for id in ["sts", "sso", "sso_oidc", "signin"] where configured[id] == nil {
            if ignore { configured[id] = .success(nil); continue }
            do { configured[id] = .success(try configuredEndpoint(id: id, profile: p, shared: shared)) }
            catch { configured[id] = .failure(error) }
        }
        return CredentialServiceEndpoints(region: region, useFIPS: fips, useDualStack: dualstack, configured: configured)
    }

    /// The STS client the role providers share, made on first use: regional endpoints unless
    /// sts_regional_endpoints (AWS_STS_REGIONAL_ENDPOINTS) is legacy; retries from AWS_RETRY_MODE /
    /// retry_mode and AWS_MAX_ATTEMPTS / max_attempts, as botocore's STS client reads them.
    func stsClient(_ p: ProfileSettings, _ endpoints: CredentialServiceEndpoints,
                   _ transport: TransportOptions) -> STSClientSource {
        let logLevel = config.logLevel
        return STSClientSource { () throws(IVSError) -> STSClient in
            var useGlobal = false
            if let (v, source) = self.pick("AWS_STS_REGIONAL_ENDPOINTS", p, "sts_regional_endpoints") {
                switch v {
                case "regional": break
                case "legacy": useGlobal = true
                default: throw .credentials("\(source) must be regional or legacy, got \"\(Text.shown(v))\"", code: "InvalidConfigError")
                }
            }
            let configured = try endpoints.configuredEndpoint("sts")
            let region = endpoints.region
            let resolved: (url: String, signingRegion: String)
            switch STSEndpoint.resolve(region: region, useFIPS: configured == nil && endpoints.useFIPS,
                                       useDualStack: configured == nil && endpoints.useDualStack,
                                       useGlobal: useGlobal && STSEndpoint.legacyGlobalRegions.contains(region),
                                       configured: configured?.url) {
            case .success(let r): resolved = r
            case .failure(let why): throw .credentials("sts: \(why.reason) (region \(region))", code: "EndpointResolutionError")
            }
            let source = configured?.source ?? "the sts endpoint rule set"
            let endpoint = STSEndpoint(endpoint: try Endpoint.parse(resolved.url, key: source),
                                       signingRegion: resolved.signingRegion, source: source)
            var mode = RetryMode.standard
            if let (m, source) = self.pick("AWS_RETRY_MODE", p, "retry_mode") {
                switch m.lowercased() {
                case "adaptive": mode = .adaptive
                case "standard", "legacy": mode = .standard
                case "off": mode = .off
                default: throw .config("\(source) must be standard, adaptive or off, got \"\(Text.shown(m))\"")
                }
            }
            var attempts = 3
            if let (a, source) = self.pick("AWS_MAX_ATTEMPTS", p, "max_attempts") {
                guard let n = Int(a), (1...100).contains(n) else {
                    throw .config("\(source) must be an integer from 1 to 100, got \"\(Text.shown(a))\"")
                }
                attempts = n
            }
            return STSClient(endpoint: endpoint, transport: transport, retryMode: mode, maxAttempts: attempts,
                             logLevel: logLevel)
        }
    }
}
