// Fuzz target "client-config": ivs_client_new's config_json.
//
// Input: the config JSON (up to a NUL, as a C string ends). A client is made from it as
// ivs_client_new makes one (the same marshalling, Marshal.swift), in an environment of nothing but
// HOME (an empty scratch directory) and shared config and credentials files that do not exist, so
// only the JSON decides. Making a client sends nothing.
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum ClientConfigTarget {
    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        let made: Result<Client, IVSError> = withCString(data) { text in
            withJSONObject(text, "config_json", nullIsEmpty: true) { j in
                Result { () throws(IVSError) -> Client in
                    try Client(config: ClientConfig(json: j), env: ScratchDirectory.emptyEnvironment)
                }
            }
        }
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
