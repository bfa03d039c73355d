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
