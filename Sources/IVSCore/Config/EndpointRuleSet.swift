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

/// The rule-set function aws.partition: the partition listing the region, else the first whose
/// regionRegex matches, else the first partition (aws), exactly as botocore's RuleSetStandardLibrary.
public enum EndpointPartitions {
    // Compiled once; region resolution runs at client creation only.
    nonisolated(unsafe) private static let regexes: [Regex<AnyRegexOutput>?] = table.map { try? Regex($0.regex) }

    public static func partition(for region: String?) -> EndpointPartition {
        guard let region else { return table[0].outputs }
        for p in table where p.regions.contains(region) { return p.outputs }
        for (i, p) in table.enumerated() {
            if let r = regexes[i], (try? r.wholeMatch(in: region)) != nil { return p.outputs }
        }
        return table[0].outputs
    }

    /// The service endpoint the rule set gives for these parameters.
    public static func resolve(service: String, _ params: EndpointParams) -> EndpointRuleResult {
        EndpointRules.evaluate(service: service, params) ?? .error("no endpoint rule set for \(service)")
    }
}
