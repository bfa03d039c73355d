/// A source of botocore's chain that the profile and environment do not configure: it has nothing to
/// offer, and keeps its place in the chain's list of names (ivs_client_config, messages).
struct AbsentCredentialProvider: CredentialProvider {
    let name: String

    func credentials() throws(IVSError) -> Credentials? { nil }
}
