/// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, with AWS_SECURITY_TOKEN or AWS_SESSION_TOKEN (the first
/// set, as botocore reads them) and AWS_CREDENTIAL_EXPIRATION (then they are refreshed by reading the
/// environment again, which only a process that changes its own environment would see change).
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
            var expiration: Double? = nil
            if let e = env.nonEmpty("AWS_CREDENTIAL_EXPIRATION") {
                guard let t = Clock.parseISO8601(e) else {
                    throw .credentials("AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time", code: "CredentialRetrievalError")
                }
                expiration = t
            }
            return Credentials(accessKeyId: id, secretAccessKey: secret,
                               sessionToken: env.nonEmpty("AWS_SECURITY_TOKEN") ?? env.nonEmpty("AWS_SESSION_TOKEN"),
                               expiration: expiration)
        default:
            throw .credentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together",
                               code: "PartialCredentialsError")
        }
    }
}
