/// AWS credentials. The secret and token never appear in descriptions, logs or errors.
public struct Credentials: Sendable, CustomStringConvertible {
    public let accessKeyId: String
    public let secretAccessKey: String
    public let sessionToken: String?
    /// Epoch seconds after which temporary credentials are no longer valid; nil for long-term keys.
    public let expiration: Double?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Double? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    public var description: String { "Credentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>)" }

    /// The first field that cannot go into a request header (accessKeyId travels in Authorization,
    /// sessionToken in X-Amz-Security-Token), if any: credentials from outside are checked before use.
    public var unsendableField: String? {
        if !HeaderValue.isValid(accessKeyId) { return "accessKeyId" }
        if let t = sessionToken, !HeaderValue.isValid(t) { return "sessionToken" }
        return nil
    }
}

/// A source of credentials: the client config, the environment, the shared files, a process,
/// container or instance metadata. Returns nil when the source has nothing to offer (the chain moves
/// on) and throws when it is configured but broken (the chain stops, as botocore does).
public protocol CredentialProvider: Sendable {
    var name: String { get }
    func credentials() throws(IVSError) -> Credentials?
}
