/// Where AWS STS calls go and the region they are signed for: botocore's STS endpoint rule set
/// (endpoint-rule-set-1.json of sts 2011-06-15) written out, with the partitions table the services
/// use. Regional endpoints by default (`sts_regional_endpoints = regional`, botocore's default);
/// `legacy` sends the regions that once used the global endpoint to https://sts.amazonaws.com, signed
/// for us-east-1. A configured endpoint (AWS_ENDPOINT_URL_STS and the rest) is used as is.
/// Tests/config/test_sts_endpoints.py checks this against botocore for every partition.
struct STSEndpoint: Sendable, Equatable {
    let endpoint: Endpoint
    let signingRegion: String
    /// What chose it, for ivs_client_config and messages.
    let source: String

    /// The regions botocore's `legacy` setting sends to the global endpoint (LEGACY_GLOBAL_STS_REGIONS).
    static let legacyGlobalRegions: Set<String> = [
        "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
        "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1",
        "us-east-2", "us-west-1", "us-west-2",
    ]

    /// The rule set for these parameters: the URL and signing region, or the rule set's error.
    static func resolve(region: String, useFIPS: Bool, useDualStack: Bool, useGlobal: Bool,
                        configured: String?) -> Result<(url: String, signingRegion: String), XMLTree.Problem> {
        // botocore signs for the pseudo-region aws-global with us-east-1 (its endpoints.json credential
        // scope), whatever the rule set's URL.
        resolveURL(region: region, useFIPS: useFIPS, useDualStack: useDualStack, useGlobal: useGlobal, configured: configured)
            .map { ($0.url, region == "aws-global" ? "us-east-1" : $0.signingRegion) }
    }

    private static func resolveURL(region: String, useFIPS: Bool, useDualStack: Bool, useGlobal: Bool,
                                   configured: String?) -> Result<(url: String, signingRegion: String), XMLTree.Problem> {
        let p = EndpointPartitions.partition(for: region)
        if useGlobal, configured == nil, !useFIPS, !useDualStack {
            if legacyGlobalRegions.contains(region) { return .success(("https://sts.amazonaws.com", "us-east-1")) }
            return .success(("https://sts.\(region).\(p.dnsSuffix)", region))
        }
        if let url = configured {
            if useFIPS { return .failure(XMLTree.Problem("Invalid Configuration: FIPS and custom endpoint are not supported")) }
            if useDualStack { return .failure(XMLTree.Problem("Invalid Configuration: Dualstack and custom endpoint are not supported")) }
            return .success((url, region))
        }
        if useFIPS && useDualStack {
            guard p.supportsFIPS && p.supportsDualStack else {
                return .failure(XMLTree.Problem("FIPS and DualStack are enabled, but this partition does not support one or both"))
            }
            return .success(("https://sts-fips.\(region).\(p.dualStackDnsSuffix)", region))
        }
        if useFIPS {
            guard p.supportsFIPS else { return .failure(XMLTree.Problem("FIPS is enabled but this partition does not support FIPS")) }
            if p.name == "aws-us-gov" { return .success(("https://sts.\(region).amazonaws.com", region)) }
            return .success(("https://sts-fips.\(region).\(p.dnsSuffix)", region))
        }
        if useDualStack {
            guard p.supportsDualStack else { return .failure(XMLTree.Problem("DualStack is enabled but this partition does not support DualStack")) }
            return .success(("https://sts.\(region).\(p.dualStackDnsSuffix)", region))
        }
        if region == "aws-global" { return .success(("https://sts.amazonaws.com", "us-east-1")) }
        return .success(("https://sts.\(region).\(p.dnsSuffix)", region))
    }
}
