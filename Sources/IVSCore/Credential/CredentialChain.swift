/// Credentials given in the client configuration.
public struct StaticCredentialProvider: CredentialProvider {
    public let name = "config"
    let value: Credentials

    public init(_ value: Credentials) { self.value = value }

    public func credentials() throws(IVSError) -> Credentials? { value }
}

/// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
public struct EnvironmentCredentialProvider: CredentialProvider {
    public let name = "environment"
    let env: Environment

    public init(env: Environment) { self.env = env }

    public func credentials() throws(IVSError) -> Credentials? {
        let id = env.nonEmpty("AWS_ACCESS_KEY_ID")
        let secret = env.nonEmpty("AWS_SECRET_ACCESS_KEY")
        switch (id, secret) {
        case (nil, nil): return nil
        case let (id?, secret?):
            return Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: env.nonEmpty("AWS_SESSION_TOKEN"))
        default:
            throw .credentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together",
                               code: "PartialCredentialsError")
        }
    }
}

/// Tries its providers in order; the first that yields credentials wins and is remembered. Temporary
/// credentials are refreshed ahead of expiry, by one caller while the others wait for its result.
public final class CredentialChain: @unchecked Sendable {
    /// Refresh this many seconds before expiry (botocore's advisory window is 15 minutes).
    static let refreshAhead: Double = 15 * 60

    private let providers: [CredentialProvider]
    private let lock = Lock()
    private var cached: Credentials?
    private var source: CredentialProvider?

    public init(providers: [CredentialProvider]) { self.providers = providers }

    public var providerNames: [String] { providers.map(\.name) }

    public func resolve() throws(IVSError) -> Credentials {
        lock.lock()
        defer { lock.unlock() }
        if let c = cached, !Self.needsRefresh(c) { return c }
        if let c = cached, let src = source {
            // Refresh from the source that served before; fall back to the still-valid old value on failure.
            do {
                if let fresh = try src.credentials() {
                    cached = fresh
                    return fresh
                }
            } catch {
                if let exp = c.expiration, exp > Clock.now() { return c }
                throw error
            }
        }
        for p in providers {
            if let c = try p.credentials() {
                cached = c
                source = p
                return c
            }
        }
        throw .credentials("Unable to locate credentials. Tried: " + providerNames.joined(separator: ", ")
                           + ". Set credentials in the client config, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                           + " or a profile in ~/.aws/credentials.")
    }

    static func needsRefresh(_ c: Credentials) -> Bool {
        guard let exp = c.expiration else { return false }
        return exp - Clock.now() < refreshAhead
    }
}
