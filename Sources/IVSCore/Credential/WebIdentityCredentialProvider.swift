/// STS AssumeRoleWithWebIdentity (unsigned) with a token read from a file, as botocore's
/// AssumeRoleWithWebIdentityProvider: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and
/// AWS_ROLE_SESSION_NAME, else the profile's web_identity_token_file, role_arn and role_session_name
/// (the variables are not read for a profile named in the client config, nor for a source profile).
/// The token file is read on every fetch, so the token EKS rotates (IRSA) is always the current one;
/// its content is sent as is, as botocore sends it.
public struct WebIdentityCredentialProvider: CredentialProvider {
    public let name = "assume-role-with-web-identity"
    let profile: String
    let tokenFile: String
    let tokenFileSetting: String
    let roleArn: String
    let params: [(String, String)]
    let sts: STSClientSource

    init(profile: String, tokenFile: String, tokenFileSetting: String, roleArn: String, sessionName: String?,
         sts: STSClientSource) {
        self.profile = profile
        self.tokenFile = tokenFile
        self.tokenFileSetting = tokenFileSetting
        self.roleArn = roleArn
        var p: [(String, String)] = []
        if let s = sessionName { p.append(("RoleSessionName", s)) }
        p.append(("RoleArn", roleArn))
        if sessionName == nil { p.append(("RoleSessionName", AssumeRoleCredentialProvider.defaultSessionName())) }
        params = p
        self.sts = sts
    }

    var what: String { "assume-role-with-web-identity for profile \"\(Text.shown(profile))\" (role_arn \(Text.shown(roleArn)), \(tokenFileSetting) \(tokenFile))" }

    public func credentials() throws(IVSError) -> Credentials? {
        let token: String
        switch SmallFile.read(tokenFile) {
        case .bytes(let b): token = String(decoding: b, as: UTF8.self)
        case .missing: throw .credentials("\(what): the token file does not exist", code: "CredentialRetrievalError")
        case .failed(let why): throw .credentials("\(what): cannot read the token file: \(why)", code: "CredentialRetrievalError")
        }
        let all = params + [("WebIdentityToken", token)]
        if let problem = STSParameters.problem(all) {
            throw .credentials("\(what): \(problem)", code: "ParamValidationError")
        }
        switch try sts.client().assumeRoleWithWebIdentity(all) {
        case .success(let issued): return issued.credentials
        case .failure(let f): throw STSParameters.error(f, action: "AssumeRoleWithWebIdentity", what: what)
        }
    }
}
