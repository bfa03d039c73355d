/// A service as one client calls it: its model and the endpoint the client's configuration resolved
/// for it. Made once per client and service, so that a prepared call holds one reference where it
/// copied the endpoint's four strings.
public final class ServiceTarget: Sendable {
    public let model: ServiceModel
    public let endpoint: Endpoint

    public init(model: ServiceModel, endpoint: Endpoint) {
        self.model = model
        self.endpoint = endpoint
    }
}
