/// AWS STS, for the two calls credential providers need: AssumeRole (signed with the source
/// credentials, signing name `sts`) and AssumeRoleWithWebIdentity (unsigned). The query protocol as
/// botocore sends it: a form-encoded POST of Action, Version and the parameters in the order given,
/// an XML answer read with expat. Retries follow the retry policy any call follows (standard or
/// adaptive mode, attempts from AWS_MAX_ATTEMPTS / max_attempts), plus IDPCommunicationError, which
/// botocore retries for STS.
final class STSClient: @unchecked Sendable {
    static let apiVersion = "2011-06-15"
    static let maxResponseBytes = 1 << 20

    let endpoint: STSEndpoint
    let transport: CurlTransport
    let retry: RetryPolicy
    let signer = SigV4Signer()
    let logLevel: Int32

    init(endpoint: STSEndpoint, transport options: TransportOptions, retryMode: RetryMode, maxAttempts: Int, logLevel: Int32) {
        self.endpoint = endpoint
        var o = options
        o.maxResponseBytes = Self.maxResponseBytes
        transport = CurlTransport(options: o)
        retry = RetryPolicy(mode: retryMode, maxAttempts: maxAttempts)
        self.logLevel = logLevel
    }

    /// What an AssumeRole* call returned.
    struct Issued {
        let credentials: Credentials
        let assumedRoleArn: String?
    }

    /// A failed call: the service's error code (or the transport's) and its message, for the caller
    /// to word with the profile and setting it came from.
    struct Failure: Error {
        let code: String
        let message: String
        let httpStatus: Int?
        let attempts: Int
    }

    /// Form encoding as Python's urlencode (quote_plus): A-Z a-z 0-9 _ . - ~ as is, space as +.
    static func formEncode(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        for c in s.utf8 {
            switch c {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x5F, 0x2E, 0x2D, 0x7E: out.append(c)
            case 0x20: out.append(0x2B)
            default:
                out.append(0x25)
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func formBody(action: String, _ params: [(String, String)]) -> [UInt8] {
        let all = [("Action", action), ("Version", apiVersion)] + params
        return Array(all.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&").utf8)
    }

    func assumeRole(_ params: [(String, String)], with source: Credentials) -> Result<Issued, Failure> {
        call("AssumeRole", params, credentials: source)
    }

    func assumeRoleWithWebIdentity(_ params: [(String, String)]) -> Result<Issued, Failure> {
        call("AssumeRoleWithWebIdentity", params, credentials: nil)
    }

    /// One call with its retries; nil credentials send it unsigned.
    func call(_ action: String, _ params: [(String, String)], credentials: Credentials?) -> Result<Issued, Failure> {
        let body = Self.formBody(action: action, params)
        let e = endpoint.endpoint
        let path = e.basePath.isEmpty ? "/" : e.basePath + "/"
        let url = e.url + "/"
        let contentType = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
        var state = RetryState()
        while true {
            var wait = retry.sendingDelay()
            while wait > 0 { RetryPolicy.sleep(seconds: wait); wait = retry.sendingDelay() }
            var headers = contentType + [("Host", e.authority)]
            if let credentials {
                let sig = signer.sign(SigV4Signer.Request(method: "POST", path: path, query: [], headers: contentType,
                                                          host: e.authority, body: body),
                                      credentials: credentials, region: endpoint.signingRegion, service: "sts",
                                      time: Clock.now())
                headers += sig.headers
            }
            state.attempts += 1
            let started = Clock.monotonic()
            var failure: IVSError
            var response: HTTPResponse? = nil
            switch transport.send(HTTPRequest(method: "POST", url: url, headers: headers, body: body)) {
            case .success(let r) where r.status == 200:
                switch Self.parseResult(r.body, action: action) {
                case .success(let issued):
                    retry.succeeded(state)
                    log(action, state.attempts, "200", started, "done")
                    return .success(issued)
                case .failure(let why):
                    log(action, state.attempts, "200 InvalidResponse", started, "not retryable")
                    return .failure(Failure(code: "InvalidResponse", message: why.reason, httpStatus: 200, attempts: state.attempts))
                }
            case .success(let r):
                response = r
                failure = Self.parseError(r)
            case .failure(let t):
                failure = Client.transportFailure(t, "POST \(e.url)")
            }
            failure.retryable = RetryPolicy.isRetryable(failure) || failure.code == "IDPCommunicationError"
            let decision = retry.decide(failure, response: response, &state)
            log(action, state.attempts, (response.map { "\($0.status) " } ?? "") + failure.code, started, decision.text)
            guard case .retry(let delay) = decision else {
                return .failure(Failure(code: failure.code, message: failure.message, httpStatus: failure.httpStatus,
                                        attempts: state.attempts))
            }
            RetryPolicy.sleep(seconds: delay)
        }
    }

    private func log(_ action: String, _ attempt: Int, _ result: String, _ started: Double, _ next: String) {
        let signing = action == "AssumeRoleWithWebIdentity" ? "unsigned" : "signed for \(endpoint.signingRegion)"
        Log.log(.debug, clientLevel: logLevel,
                "sts.\(action) attempt \(attempt): POST \(endpoint.endpoint.url)/ (\(signing)) -> \(result) in "
                + "\(Int((Clock.monotonic() - started) * 1000)) ms; \(next)")
    }

    /// The credentials of an AssumeRole* answer: <{Action}Response><{Action}Result><Credentials>.
    static func parseResult(_ body: [UInt8], action: String) -> Result<Issued, XMLTree.Problem> {
        let tree: XMLTree
        switch XMLTree.parse(body) {
        case .success(let t): tree = t
        case .failure(let why): return .failure(XMLTree.Problem("the response is \(why.reason)"))
        }
        guard let result = tree.root.child(action + "Result"), let c = result.child("Credentials") else {
            return .failure(XMLTree.Problem("the response has no \(action)Result with Credentials"))
        }
        func value(_ name: String) -> String? {
            guard let t = c.child(name)?.text, !t.isEmpty else { return nil }
            return t
        }
        guard let id = value("AccessKeyId") else { return .failure(XMLTree.Problem("the response has no AccessKeyId")) }
        guard let secret = value("SecretAccessKey") else { return .failure(XMLTree.Problem("the response has no SecretAccessKey")) }
        guard let token = value("SessionToken") else { return .failure(XMLTree.Problem("the response has no SessionToken")) }
        guard let e = value("Expiration"), let exp = Clock.parseISO8601(Text.trimmed(e)) else {
            return .failure(XMLTree.Problem("the response has no valid Expiration"))
        }
        return .success(Issued(credentials: Credentials(accessKeyId: Text.trimmed(id), secretAccessKey: secret,
                                                        sessionToken: token, expiration: exp),
                               assumedRoleArn: result.path("AssumedRoleUser", "Arn")?.text))
    }

    /// An STS error answer: <ErrorResponse><Error><Code>, <Message></Error><RequestId>. Anything else
    /// is classified by its status alone.
    static func parseError(_ r: HTTPResponse) -> IVSError {
        var code = "HTTP\(r.status)"
        var message = "HTTP \(r.status)"
        var requestId = r.header("x-amzn-requestid")
        if case .success(let tree) = XMLTree.parse(r.body), let err = tree.root.child("Error") {
            // Emptiness after trimming: a code or id of whitespace alone is none.
            if let c = err.child("Code").map({ Text.trimmed($0.text) }), !c.isEmpty { code = Text.excerpt(c, limit: 128) }
            if let m = err.child("Message")?.text { message = Text.excerpt(Text.trimmed(m), limit: 500) }
            if let id = tree.root.child("RequestId").map({ Text.trimmed($0.text) }), !id.isEmpty { requestId = id }
        }
        return IVSError(.service, code: code, message, httpStatus: r.status, requestId: requestId)
    }
}
