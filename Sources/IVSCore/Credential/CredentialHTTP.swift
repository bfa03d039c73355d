/// HTTP for credential endpoints (instance metadata, container, SSO portal and OIDC): its own connections
/// and short timeouts, separate from the client's.
final class CredentialHTTP: @unchecked Sendable {
    let transport: CurlTransport

    init(timeoutMs: Int, useProxy: Bool) {
        var o = TransportOptions()
        o.connectTimeoutMs = timeoutMs
        o.requestTimeoutMs = timeoutMs
        // Link-local metadata endpoints are never reached through a proxy.
        if !useProxy { o.proxy = "" }
        o.userAgent = "libivs/\(LibraryInfo.version)"
        o.maxResponseBytes = 1 << 20 // a credential document is well under 10 KB
        transport = CurlTransport(options: o)
    }

    func send(_ method: String, _ url: String, headers: [(String, String)] = [],
              body: [UInt8] = []) -> Result<HTTPResponse, TransportError> {
        transport.send(HTTPRequest(method: method, url: url, headers: headers, body: body))
    }

    /// What a credential endpoint answered, over its attempts.
    enum Fetch {
        case ok(HTTPResponse)
        /// The last status other than 200.
        case status(Int)
        /// No answer: the last transport failure.
        case unreachable(String)
    }

    /// Asks up to `attempts` times: a transport failure or a 5xx is tried again, a 200 or another
    /// status ends it (the container and instance-metadata providers' rule, as botocore's fetchers).
    func fetch(_ method: String, _ url: String, headers: [(String, String)] = [], attempts: Int) -> Fetch {
        var last = Fetch.unreachable("no attempt")
        for _ in 0..<max(1, attempts) {
            switch send(method, url, headers: headers) {
            case .failure(let e): last = .unreachable(e.message)
            case .success(let r) where r.status == 200: return .ok(r)
            case .success(let r):
                last = .status(r.status)
                if r.status < 500 { return last }
            }
        }
        return last
    }
}
