// What happens to a serialized request before it is sent (Client.send): SigV4 signing and the
// header lines curl is given. Shared by the targets whose input reaches a request (the input JSON,
// a page token from a response).
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum RequestCheck {
    static let signer = SigV4Signer()
    static let credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                         sessionToken: "session-token-example")
    /// 2026-11-21T09:30:00Z: a fixed time, so that an input always signs the same.
    static let time = 1_795_253_400.0

    static func sign(_ model: ServiceModel, _ request: SerializedRequest) {
        if !request.body.isEmpty {
            // restJson1 bodies are JSON objects (or a payload the serializer wrote as JSON).
            if case .success(let v) = JSON.parse(bytes: request.body) { JSON.release(v) }
            else { invariant(false, "\(model.name) request body is not JSON: \(String(decoding: request.body.prefix(300), as: UTF8.self))") }
        }
        let host = model.endpointPrefix + ".us-west-2.amazonaws.com"
        let sig = signer.sign(SigV4Signer.Request(method: request.method, path: request.path, query: request.query,
                                                  headers: request.headers, host: host, body: request.body),
                              credentials: credentials, region: "us-west-2", service: model.signingName, time: time)
        invariant(sig.headers.contains { $0.0 == "Authorization" }, "a signed request has no Authorization header")
        _ = request.target
        var headers = request.headers
        headers.append(("Host", host))
        headers.append(contentsOf: sig.headers)
        // The transport refuses (InvalidHeaderValue) what it cannot send; either way, no crash.
        switch CurlHeaderList.make(headers) {
        case .success(let list): list.release()
        case .failure(let t):
            checkErrorJSON(Client.transportFailure(t, "\(request.method) https://\(host)"), "request headers")
        }
    }
}
