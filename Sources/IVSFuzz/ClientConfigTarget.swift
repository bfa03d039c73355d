// Fuzz target "client-config": ivs_client_new's config_json.
//
// Input: the config JSON (up to a NUL, as a C string ends). A client is made from it as
// ivs_client_new makes one, in an environment of nothing but HOME (an empty scratch directory) and
// shared config and credentials files that do not exist, so only the JSON decides. Making a client
// sends nothing.
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum ClientConfigTarget {
    static let env = Environment(overrides: ["HOME": ScratchDirectory.path,
                                             "AWS_CONFIG_FILE": ScratchDirectory.path + "/no-config",
                                             "AWS_SHARED_CREDENTIALS_FILE": ScratchDirectory.path + "/no-credentials"])

    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        let made = withCString(data) { text in Result { () throws(IVSError) in try Client(configJSON: text, env: env) } }
        switch made {
        case .success(let client):
            let c = client.config
            invariant(c.endpoints.count == ServiceModel.all.count, "a client lacks endpoints")
            invariant(HeaderValue.isValid(c.transport.userAgent), "the User-Agent has a control character")
            invariant(c.maxPages >= 1 && c.maxPaginateBytes >= 1024 && c.transport.maxResponseBytes >= 1024,
                      "a client's bounds are out of range")
        case .failure(let error):
            invariant(error.kind == .config || error.kind == .invalidArgument, "config_json failed as \(error.kind) \(error.code)")
            checkErrorJSON(error, "config_json")
        }
    }
}
