// Fuzz target "credential-documents": the documents credential sources answer with, read as each
// provider reads them.
//
// Input: byte 0 picks the source (below 0xF0: modulo 5; from 0xF0: 5 + its low bit), the rest is the
// document:
//   0  credential_process stdout ({"Version": 1, "AccessKeyId", ..., "Expiration"})
//   1  container credentials endpoint response
//   2  instance metadata role credentials
//   3  SSO portal GetRoleCredentials response ({"roleCredentials": {..., "expiration": ms}})
//   4  SSO token cache file (~/.aws/sso/cache/<sha1>.json), read from a file by the provider itself
//   5  the `aws login` token cache (LoginCredentialProvider.credentials, from a file; a refresh goes as
//      far as the DPoP key in the cache, then meets an endpoint that cannot be had, so nothing is sent)
//   6  an [sso-session]'s token cache (SSOTokenProvider.token, from a file; likewise up to the refresh)
// Sources 0 and 3 repeat the few lines of their provider that sit between the process or HTTP call
// and CredentialDocument (no entry point takes the bytes alone); 1 and 2 are CredentialDocument as
// the providers call it; 4 is SSOCredentialProvider.cachedToken on a file.
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum CredentialDocumentTarget {
    static let sso = SSOCredentialProvider(profile: "fuzz", accountId: "123456789012", roleName: "fuzz-role",
                                           cacheFile: ScratchDirectory.path + "/sso-cache.json",
                                           portal: "https://portal.sso.us-west-2.amazonaws.com",
                                           http: CredentialHTTP(timeoutMs: 1000, useProxy: false))

    /// The endpoint a refresh would need, which the target never has: a refresh stops there.
    static let noEndpoint: Result<String, IVSError> = .failure(.credentials("no endpoint in the fuzz target",
                                                                            code: "TokenRetrievalError"))
    static let login = LoginCredentialProvider(profile: "fuzz", session: "arn:aws:iam::123456789012:user/fuzz",
                                               cacheFile: ScratchDirectory.path + "/login-cache.json", signin: noEndpoint,
                                               http: CredentialHTTP(timeoutMs: 1000, useProxy: false))
    static let ssoSession = SSOTokenProvider(profile: "fuzz", sessionName: "fuzz-session",
                                             startUrl: "https://corp.awsapps.com/start", region: "us-east-1",
                                             cacheFile: ScratchDirectory.path + "/sso-session-cache.json", oidc: noEndpoint,
                                             http: CredentialHTTP(timeoutMs: 1000, useProxy: false))

    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(data)
        let selector = input.byte()
        // Inputs kept from before sources 5 and 6 still pick what they picked.
        let source = selector < 0xF0 ? selector % 5 : 5 + (selector & 1)
        let document = Array(input.rest)
        do throws(IVSError) {
            switch source {
            case 0: check(try processOutput(document))
            case 1:
                check(try CredentialDocument.withObject(document) { o throws(IVSError) in
                    try CredentialDocument.credentials(o, source: "container credentials endpoint http://169.254.170.2/creds")
                })
            case 2:
                check(try CredentialDocument.withObject(document) { o throws(IVSError) in
                    try CredentialDocument.credentials(o, source: "instance metadata role fuzz-role")
                })
            case 3: check(try ssoPortal(document))
            case 5:
                _ = document.withUnsafeBufferPointer { ScratchDirectory.write("login-cache.json", $0) }
                check(try login.credentials())
            case 6:
                _ = document.withUnsafeBufferPointer { ScratchDirectory.write("sso-session-cache.json", $0) }
                let token = try ssoSession.token()
                invariant(!token.isEmpty && HeaderValue.isValid(token), "the cached SSO session token cannot be sent")
            default:
                _ = document.withUnsafeBufferPointer { ScratchDirectory.write("sso-cache.json", $0) }
                let token = try sso.cachedToken()
                invariant(!token.isEmpty && HeaderValue.isValid(token), "the cached SSO token cannot be sent")
            }
        } catch {
            invariant(error.kind == .credentials, "a credential document error is \(error.kind) \(error.code)")
            checkErrorJSON(error, "credential document")
        }
        // What a failing credential_process's message quotes of its stderr.
        _ = Text.excerpt(Text.trimmed(String(decoding: document, as: UTF8.self)), limit: 500)
    }

    /// ProcessCredentialProvider.credentials after the process ran with status 0.
    static func processOutput(_ stdout: [UInt8]) throws(IVSError) -> Credentials? {
        let source = "credential_process of profile \"fuzz\""
        return try CredentialDocument.withObject(stdout) { o throws(IVSError) -> Credentials in
            guard let v = o["Version"]?.intValue else {
                throw .credentials("\(source): the output has no integer Version", code: "CredentialRetrievalError")
            }
            guard v == 1 else {
                throw .credentials("\(source): unsupported Version \(v); supported versions: 1", code: "CredentialRetrievalError")
            }
            return try CredentialDocument.credentials(o, source: source, token: "SessionToken")
        }
    }

    /// SSOCredentialProvider.credentials after the portal answered 200.
    static func ssoPortal(_ body: [UInt8]) throws(IVSError) -> Credentials? {
        let source = "SSO GetRoleCredentials for account 123456789012, role fuzz-role"
        return try CredentialDocument.withObject(body) { o throws(IVSError) -> Credentials in
            guard let rc = o["roleCredentials"], rc.kind == .object else {
                throw .credentials("\(source): the response has no roleCredentials", code: "CredentialRetrievalError")
            }
            return try CredentialDocument.credentials(rc, source: source, id: "accessKeyId", secret: "secretAccessKey",
                                                      token: "sessionToken", expiration: "expiration",
                                                      expirationMillis: true)
        }
    }

    /// What CredentialChain does with fresh credentials: the header check and the expiry.
    static func check(_ c: Credentials?) {
        guard let c else { return }
        invariant(!c.accessKeyId.isEmpty && !c.secretAccessKey.isEmpty, "credentials without a key were accepted")
        _ = c.unsendableField
        _ = c.description
        if let exp = c.expiration {
            _ = Clock.text(exp)
            _ = exp <= Clock.now()
        }
    }
}
