/// Static keys from a profile: aws_access_key_id / aws_secret_access_key / aws_session_token, read
/// from the credentials file ("shared-credentials-file") or the config file ("config-file").
public struct ProfileKeysCredentialProvider: CredentialProvider {
    public let name: String
    let values: [String: String]?
    let profile: String
    let path: String

    public init(name: String, profile: String, values: [String: String]?, path: String) {
        self.name = name
        self.profile = profile
        self.values = values
        self.path = path
    }

    public func credentials() throws(IVSError) -> Credentials? {
        guard let v = values else { return nil }
        let id = v["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = v["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
        switch (id, secret) {
        case (nil, nil): return nil
        case let (id?, secret?):
            return Credentials(accessKeyId: id, secretAccessKey: secret,
                               sessionToken: v["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 })
        default:
            throw .credentials("profile \"\(Text.shown(profile))\" in \(path) has only one of aws_access_key_id and "
                               + "aws_secret_access_key; set both", code: "PartialCredentialsError")
        }
    }
}
