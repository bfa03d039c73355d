/// The inputs of the services' endpoint rule sets (the same four for ivs, ivs-realtime and ivschat).
public struct EndpointParams: Sendable, Equatable {
    public var region: String?
    public var useFIPS: Bool
    public var useDualStack: Bool
    /// A configured endpoint URL (client config, environment or profile), which the rule set checks
    /// against FIPS and dual-stack before using it as is.
    public var endpoint: String?

    public init(region: String?, useFIPS: Bool = false, useDualStack: Bool = false, endpoint: String? = nil) {
        self.region = region
        self.useFIPS = useFIPS
        self.useDualStack = useDualStack
        self.endpoint = endpoint
    }
}

public enum EndpointRuleResult: Sendable, Equatable {
    case endpoint(String)
    case error(String)
}

/// One partition's outputs from botocore's partitions.json.
public struct EndpointPartition: Sendable, Equatable {
    public let name: String
    public let dnsSuffix: String
    public let dualStackDnsSuffix: String
    public let supportsFIPS: Bool
    public let supportsDualStack: Bool
    public let implicitGlobalRegion: String
}
