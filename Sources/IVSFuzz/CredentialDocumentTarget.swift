// Fuzz target "credential-documents": the documents credential sources answer with, read as each
// provider reads them.
//
// Input: byte 0 picks the source (modulo 5), the rest is the document:
//   0  credential_process stdout ({"Version": 1, "AccessKeyId", ..., "Expiration"})
//   1  container credentials endpoint response
//   2  instance metadata role credentials
//   3  SSO portal GetRoleCredentials response ({"roleCredentials": {..., "expiration": ms}})
//   4  SSO token cache file (~/.aws/sso/cache/<sha1>.json), read from a file by the provider itself
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

    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(data)
        let source = input.byte() % 5
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
