/// The configuration a client resolved (ConfigResolver): fixed for the client's life.
public struct ResolvedConfig: Sendable {
    public let region: String
    public let endpoints: [String: Endpoint]   // by service name
    /// Where each service's endpoint came from: a configuration key, variable or profile setting,
    /// or the service's endpoint rule set.
    public let endpointSources: [String: String]
    public let useFIPS: Bool
    public let useDualStack: Bool
    public let retryMode: RetryMode
    public let maxAttempts: Int
    public let transport: TransportOptions
    public let validation: ClientConfig.ValidationMode
    public let logLevel: Int32
    public let credentialProviders: [CredentialProvider]
    /// The profile whose settings applied ("default" unless one was named).
    public let profile: String
    /// ivs_paginate's bounds: pages, and response-body bytes over all pages.
    public let maxPages: Int
    public let maxPaginateBytes: Int
    /// false: requests are sent unsigned (signatureVersion "unsigned").
    public let signRequests: Bool
    public let dispatch: ClientConfig.DispatchMode
    /// The event loop's bound on connections to one host.
    public let maxConnections: Int
    public static let defaultMaxConnections = 64

    public static let defaultMaxPages = 10_000
    public static let defaultMaxPaginateBytes = 256 << 20
}
