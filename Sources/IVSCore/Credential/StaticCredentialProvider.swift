/// Credentials given in the client configuration.
public struct StaticCredentialProvider: CredentialProvider {
    public let name = "config"
    let value: Credentials

    public init(_ value: Credentials) { self.value = value }

    public func credentials() throws(IVSError) -> Credentials? { value }
}
