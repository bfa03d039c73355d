/// Resolves every setting the way the AWS SDKs do: the client config first, then environment
/// variables, then the shared config file's profile. The result is fixed for the client's life.
public struct ResolvedConfig: Sendable {
    public let region: String
    public let endpoints: [String: Endpoint]   // by service name
    public let retryMode: RetryMode
    public let maxAttempts: Int
    public let transport: TransportOptions
    public let validation: ClientConfig.ValidationMode
    public let logLevel: Int32
    public let credentialProviders: [CredentialProvider]
}

public struct ConfigResolver {
    let config: ClientConfig
    let env: Environment

    public init(config: ClientConfig, env: Environment = .process) {
        self.config = config
        self.env = env
    }

    public func resolve() throws(IVSError) -> ResolvedConfig {
        let region = try resolveRegion()
        var endpoints: [String: Endpoint] = [:]
        for m in ServiceModel.all { endpoints[m.name] = try endpoint(for: m, region: region) }
        var mode = RetryMode.standard
        if let m = config.retryMode { mode = m }
        else if let s = env.nonEmpty("AWS_RETRY_MODE") {
            guard let m = RetryMode(rawValue: s) else {
                throw .config("AWS_RETRY_MODE must be standard, adaptive or off, got \"\(s)\"")
            }
            mode = m
        }
        var attempts = 3
        if let a = config.maxAttempts { attempts = a }
        else if let s = env.nonEmpty("AWS_MAX_ATTEMPTS") {
            guard let a = Int(s), a >= 1 else { throw .config("AWS_MAX_ATTEMPTS must be a positive integer, got \"\(s)\"") }
            attempts = a
        }
        var t = TransportOptions()
        if let v = config.connectTimeoutMs { t.connectTimeoutMs = v }
        if let v = config.requestTimeoutMs { t.requestTimeoutMs = v }
        if let v = config.verifyTls { t.verifyTLS = v }
        t.caBundle = config.caBundle ?? env.nonEmpty("AWS_CA_BUNDLE")
        t.proxy = config.proxy
        t.userAgent = "libivs/\(LibraryInfo.version)" + (config.userAgentSuffix.map { " " + $0 } ?? "")
        var providers: [CredentialProvider] = []
        if let c = config.credentials { providers.append(StaticCredentialProvider(c)) }
        providers.append(EnvironmentCredentialProvider(env: env))
        return ResolvedConfig(region: region, endpoints: endpoints, retryMode: mode, maxAttempts: attempts,
                              transport: t, validation: config.validation, logLevel: config.logLevel,
                              credentialProviders: providers)
    }

    func resolveRegion() throws(IVSError) -> String {
        let candidates: [(String, String?)] = [("region", config.region), ("AWS_REGION", env.nonEmpty("AWS_REGION")),
                                               ("AWS_DEFAULT_REGION", env.nonEmpty("AWS_DEFAULT_REGION"))]
        for (source, value) in candidates {
            guard let r = value else { continue }
            guard ClientConfig.isValidRegion(r) else { throw .config("\(source) \"\(r)\" is not a valid region name") }
            return r
        }
        throw .config("No region is configured. Set \"region\" in the client config, the AWS_REGION environment "
                      + "variable, or region in your profile in ~/.aws/config.", code: "NoRegionError")
    }

    func endpoint(for m: ServiceModel, region: String) throws(IVSError) -> Endpoint {
        if let u = config.endpointUrls[m.name] { return try Endpoint.parse(u, key: "endpointUrls.\(m.name)") }
        if let u = config.endpointUrl { return try Endpoint.parse(u, key: "endpointUrl") }
        return try Endpoint.parse("https://\(m.endpointPrefix).\(region).amazonaws.com", key: "region")
    }
}

public enum LibraryInfo {
    public static let version = "0.1.0"
    public static let abiVersion = 1
}
