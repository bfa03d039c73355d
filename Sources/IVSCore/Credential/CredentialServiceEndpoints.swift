/// Endpoints of the services credential providers call (sts, sso, sso-oidc, signin), resolved as
/// botocore resolves them for the clients it creates for credentials: a configured endpoint
/// (AWS_ENDPOINT_URL_<ID>, AWS_ENDPOINT_URL, the profile's services section, the profile's
/// endpoint_url) used as is, else the service's rule set with FIPS and dual-stack from the
/// environment or the profile (the client config's useFipsEndpoint and useDualstackEndpoint are for
/// the IVS services, as a boto3 client's Config is for its own service).
struct CredentialServiceEndpoints: Sendable {
    let region: String
    let useFIPS: Bool
    let useDualStack: Bool
    /// By service id ("sts", "sso", "sso_oidc", "signin"): the configured endpoint, none, or why the
    /// configured one is wrong (reported when a provider needs it).
    let configured: [String: Result<(url: String, source: String)?, IVSError>]

    func configuredEndpoint(_ id: String) throws(IVSError) -> (url: String, source: String)? {
        switch configured[id] {
        case .success(let v)?: return v
        case .failure(let e)?: throw e
        case nil: return nil
        }
    }

    /// The rule set most AWS services share (sso's portal, sso-oidc): host.region.dnsSuffix, the
    /// -fips and dual-stack variants, and aws-us-gov's FIPS hosts on amazonaws.com.
    func standard(id: String, host: String, fipsHost: String, region: String) throws(IVSError) -> (url: String, source: String) {
        if let c = try configuredEndpoint(id) { return c }
        let p = EndpointPartitions.partition(for: region)
        let source = "the \(id) endpoint rule set (region \(region))"
        if useFIPS && useDualStack {
            guard p.supportsFIPS && p.supportsDualStack else {
                throw .config("\(id): FIPS and DualStack are enabled, but this partition does not support one or both")
            }
            return ("https://\(fipsHost).\(region).\(p.dualStackDnsSuffix)", source)
        }
        if useFIPS {
            guard p.supportsFIPS else { throw .config("\(id): FIPS is enabled but this partition does not support FIPS") }
            if p.name == "aws-us-gov" { return ("https://\(host).\(region).amazonaws.com", source) }
            return ("https://\(fipsHost).\(region).\(p.dnsSuffix)", source)
        }
        if useDualStack {
            guard p.supportsDualStack else {
                throw .config("\(id): DualStack is enabled but this partition does not support DualStack")
            }
            return ("https://\(host).\(region).\(p.dualStackDnsSuffix)", source)
        }
        return ("https://\(host).\(region).\(p.dnsSuffix)", source)
    }
}
