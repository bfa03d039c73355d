// What happens to a request after prepare and before the first byte goes out (Client.execute):
// SigV4 signing and the header lines curl is given. Shared by the targets whose input reaches a
// request (the input JSON, a page token from a response).
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum RequestCheck {
    static let credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                         sessionToken: "session-token-example")

    /// prepare (validation off), then sign and build curl's header list; nothing is sent.
    static func prepareAndSign(_ model: ServiceModel, _ op: IVSCore.Operation, _ input: JSONPointer) {
        let client = FuzzClient.shared
        let call: PreparedCall
        switch client.prepare(model, op, input) {
        case .success(let c): call = c
        case .failure(let e): return checkErrorJSON(e, "prepare")
        }
        if !call.request.body.isEmpty {
            // restJson1 bodies are JSON objects.
            if case .success(let v) = JSON.parse(bytes: call.request.body) { JSON.release(v) }
            else { invariant(false, "\(model.name) request body is not JSON: \(String(decoding: call.request.body.prefix(300), as: UTF8.self))") }
        }
        let request = client.sign(call, credentials)
        invariant(request.headers.contains { $0.0 == "Authorization" }, "a signed request has no Authorization header")
        // The transport refuses (InvalidHeaderValue) what it cannot send; either way, no crash.
        switch CurlHeaderList.make(request.headers) {
        case .success(let list): list.release()
        case .failure(let t):
            checkErrorJSON(Client.transportFailure(t, "\(request.method) \(call.service.endpoint.url)"), "request headers")
        }
    }
}
