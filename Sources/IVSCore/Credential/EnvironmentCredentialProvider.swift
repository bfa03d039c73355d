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
