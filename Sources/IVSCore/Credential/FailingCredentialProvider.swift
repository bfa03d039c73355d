/// A source whose settings are wrong: reports that when the chain reaches it.
struct FailingCredentialProvider: CredentialProvider {
    let name: String
    let error: IVSError

    func credentials() throws(IVSError) -> Credentials? { throw error }
}
