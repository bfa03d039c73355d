#if canImport(Glibc)
import Glibc
#endif

/// One client for all three services: resolved configuration, credentials, a signer with its key
/// cache and a pool of kept-alive connections. Thread-safe; calls run concurrently.
public final class Client: @unchecked Sendable {
    public let config: ResolvedConfig
    let transport: CurlTransport
    let signer = SigV4Signer()
    public let credentials: CredentialChain
    public let retry: RetryPolicy

    public init(config: ClientConfig, env: Environment = .process) throws(IVSError) {
        let resolved = try ConfigResolver(config: config, env: env).resolve()
        self.config = resolved
        self.transport = CurlTransport(options: resolved.transport)
        self.credentials = CredentialChain(providers: resolved.credentialProviders)
        self.retry = RetryPolicy(mode: resolved.retryMode, maxAttempts: resolved.maxAttempts)
    }

    /// Parses config JSON (NULL or "{}" for defaults) and creates a client.
    public convenience init(configJSON: UnsafePointer<CChar>?, env: Environment = .process) throws(IVSError) {
        var config = ClientConfig()
        if let text = configJSON {
            let root = try JSON.parseObject(text, argument: "config_json", code: "InvalidArgument").get()
            defer { JSON.release(root) }
            config = try ClientConfig(json: root)
        }
        try self.init(config: config, env: env)
    }

    static func lookup(service: String, operation: String) -> Result<(ServiceModel, Operation), IVSError> {
        guard let model = ServiceModel.named(service) else {
            return .failure(.invalidArgument("unknown service \"\(Self.excerpt(service))\"; services: ivs, ivs-realtime, ivschat",
                                             code: "UnknownService"))
        }
        guard let op = model.operation(named: operation) else {
            return .failure(.invalidArgument("unknown operation \"\(Self.excerpt(operation))\" for service \(service)",
                                             code: "UnknownOperation"))
        }
        return .success((model, op))
    }

    /// A caller's name as a message shows it: at most 100 characters.
    static func excerpt(_ s: String) -> String {
        s.unicodeScalars.count <= 100 ? s : String(String.UnicodeScalarView(s.unicodeScalars.prefix(100))) + "..."
    }

    /// Parses input JSON text (nil = {}) into an owned object.
    static func parseInput(_ text: UnsafePointer<CChar>?) -> Result<JSONPointer, IVSError> {
        guard let text else {
            guard let o = JSON.object() else { return .failure(.internal("out of memory")) }
            return .success(o)
        }
        return JSON.parseObject(text, argument: "input_json")
    }

    /// The operation named by service and operation, with its input parsed (owned by the caller).
    static func request(service: String, operation: String, input text: UnsafePointer<CChar>?)
        -> Result<(ServiceModel, Operation, JSONPointer), IVSError> {
        lookup(service: service, operation: operation).flatMap { found in
            parseInput(text).map { (found.0, found.1, $0) }
        }
    }

    /// Calls one operation with input JSON text; returns the owned output object.
    public func call(service: String, operation: String, input text: UnsafePointer<CChar>?) -> Result<JSONPointer, IVSError> {
        Self.request(service: service, operation: operation, input: text).flatMap { model, op, input in
            defer { JSON.release(input) }
            return call(model, op, input: input)
        }
    }

    /// Calls one operation with a parsed input object (borrowed; an idempotency token may be added to
    /// it); returns the output as an owned jansson tree.
    public func call(_ model: ServiceModel, _ op: Operation, input: JSONPointer) -> Result<JSONPointer, IVSError> {
        callMeasured(model, op, input: input).map { $0.output }
    }

    /// call(_:_:input:) with the size of the response body, for ivs_paginate's byte bound.
    func callMeasured(_ model: ServiceModel, _ op: Operation, input: JSONPointer) -> Result<(output: JSONPointer, bodyBytes: Int), IVSError> {
        switch prepare(model, op, input).flatMap({ send(model, op, $0.0, endpoint: $0.1) }) {
        case .failure(let e): return .failure(e)
        case .success(let (r, attempts)):
            switch ResponseParser(model: model).parseOutput(op, r) {
            case .failure(var e):
                e.attempts = attempts
                return .failure(e)
            case .success(let out):
                var text: [UInt8] = []
                Self.appendMetadataObject(&text, r, attempts: attempts)
                if case .success(let meta) = JSON.parse(bytes: text) {
                    out.set("ResponseMetadata", meta)
                }
                return .success((out, r.body.count))
            }
        }
    }

    /// Calls one operation with input JSON text and returns the output as malloc'd JSON text: the path
    /// of ivs_call, which never builds an output tree it would only dump again.
    public func callText(service: String, operation: String, input text: UnsafePointer<CChar>?) -> Result<UnsafeMutablePointer<CChar>, IVSError> {
        let (model, op, input): (ServiceModel, Operation, JSONPointer)
        switch Self.request(service: service, operation: operation, input: text) {
        case .success(let r): (model, op, input) = r
        case .failure(let e): return .failure(e)
        }
        defer { JSON.release(input) }
        switch prepare(model, op, input).flatMap({ send(model, op, $0.0, endpoint: $0.1) }) {
        case .failure(let e): return .failure(e)
        case .success(let (r, attempts)):
            return ResponseParser(model: model).outputText(op, r, metadata: Self.metadataMember(r, attempts: attempts)).mapError { e in
                var e = e
                e.attempts = attempts
                return e
            }
        }
    }

    /// Validation and serialization: everything before the first byte is sent.
    func prepare(_ model: ServiceModel, _ op: Operation, _ input: JSONPointer) -> Result<(SerializedRequest, Endpoint), IVSError> {
        if config.validation != .off {
            let problems = Validator(model: model, strict: config.validation == .strict).validate(input, shape: op.input)
            if !problems.isEmpty { return .failure(.validation(problems)) }
        }
        guard let endpoint = config.endpoints[model.name] else { return .failure(.internal("no endpoint for \(model.name)")) }
        Log.log(.trace, clientLevel: config.logLevel,
                "\(model.name).\(op.name) input: \(Redactor.input(input, shape: op.input, model: model))")
        return RestJSONSerializer(model: model).serialize(op, input: input).map { ($0, endpoint) }
    }

    /// `"ResponseMetadata":{...}` as JSON text: the member ivs_call splices into the output.
    static func metadataMember(_ r: HTTPResponse, attempts: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(180 + r.headerBytes.count + 8 * r.headerSpans.count)
        JSONText.appendRaw(&out, "\"ResponseMetadata\":")
        appendMetadataObject(&out, r, attempts: attempts)
        return out
    }

    /// {"RequestId", "HTTPStatusCode", "HTTPHeaders", "RetryAttempts"} as JSON text, as boto3 reports
    /// it, written from the header bytes the transport kept.
    static func appendMetadataObject(_ out: inout [UInt8], _ r: HTTPResponse, attempts: Int) {
        JSONText.appendRaw(&out, "{\"RequestId\":")
        JSONText.appendString(&out, ResponseParser.requestId(r) ?? "")
        JSONText.appendRaw(&out, ",\"HTTPStatusCode\":")
        JSONText.appendInt(&out, r.status)
        JSONText.appendRaw(&out, ",\"HTTPHeaders\":{")
        var first = true
        r.forEachHeader { k, v in
            if !first { out.append(44) }
            first = false
            JSONText.appendString(&out, k)
            out.append(58)
            JSONText.appendString(&out, v)
        }
        JSONText.appendRaw(&out, "},\"RetryAttempts\":")
        JSONText.appendInt(&out, attempts - 1)
        out.append(125)
    }

    /// The attempt loop: sign, send, classify, and retry per the retry policy.
    func send(_ model: ServiceModel, _ op: Operation, _ request: SerializedRequest, endpoint: Endpoint) -> Result<(HTTPResponse, Int), IVSError> {
        let creds: Credentials
        do { creds = try credentials.resolve() } catch { return .failure(error) }
        let url = endpoint.url + request.target
        let path = endpoint.basePath + request.path
        var attempt = 0
        var retryCost: Int? = nil
        let level = config.logLevel
        while true {
            attempt += 1
            retry.rateLimiter?.acquire()
            let sig = signer.sign(SigV4Signer.Request(method: request.method, path: path, query: request.query,
                                                      headers: request.headers, host: endpoint.authority, body: request.body),
                                  credentials: creds, region: config.region, service: model.signingName, time: Clock.now())
            var headers = request.headers
            headers.append(("Host", endpoint.authority))
            headers.append(contentsOf: sig.headers)
            Log.log(.trace, clientLevel: level, "\(model.name).\(op.name) attempt \(attempt) canonical request:\n"
                    + Redactor.canonicalRequest(sig.canonicalRequest) + "\nheaders:\n" + Redactor.headers(headers))
            let started = Clock.monotonic()
            let result = transport.send(HTTPRequest(method: request.method, url: url, headers: headers, body: request.body))
            let ms = Int((Clock.monotonic() - started) * 1000)
            var failure: IVSError
            var response: HTTPResponse? = nil
            switch result {
            case .success(let r) where r.status >= 200 && r.status < 300:
                retry.release(retryCost: retryCost)
                retry.rateLimiter?.update(throttled: false)
                Log.log(.debug, clientLevel: level, "\(model.name).\(op.name) attempt \(attempt): \(request.method) \(url) -> \(r.status) in \(ms) ms")
                return .success((r, attempt))
            case .success(let r):
                response = r
                failure = ResponseParser(model: model).parseError(r)
                retry.rateLimiter?.update(throttled: RetryPolicy.isThrottling(failure))
            case .failure(let t):
                retry.rateLimiter?.update(throttled: false)
                failure = Self.transportFailure(t, "\(request.method) \(endpoint.url)")
            }
            failure.attempts = attempt
            failure.retryable = RetryPolicy.isRetryable(failure)
            var decision = "not retryable"
            if failure.retryable {
                if attempt >= retry.maxAttempts {
                    decision = "no attempts left (max \(retry.maxAttempts))"
                } else if let cost = retry.acquire(isTimeout: failure.code == "Timeout") {
                    retryCost = cost // botocore gives back the last acquisition's cost on success
                    let delay = RetryPolicy.delay(attempt: attempt, response: response, random: Double.random(in: 0..<1))
                    Log.log(.debug, clientLevel: level, "\(model.name).\(op.name) attempt \(attempt): \(request.method) \(url) -> "
                            + "\(response.map { String($0.status) } ?? failure.code) \(failure.code) in \(ms) ms; retrying in \(Int(delay * 1000)) ms")
                    RetryPolicy.sleep(seconds: delay)
                    continue
                } else {
                    decision = "retry quota exhausted"
                }
            }
            Log.log(.debug, clientLevel: level, "\(model.name).\(op.name) attempt \(attempt): \(request.method) \(url) -> "
                    + "\(response.map { String($0.status) } ?? failure.code) \(failure.code) in \(ms) ms; \(decision)")
            return .failure(failure)
        }
    }

    /// A transport failure as the caller sees it: network trouble, a response over the bounds (the
    /// service answered, but with more than libivs accepts), or a header that could not be sent.
    static func transportFailure(_ t: TransportError, _ what: String) -> IVSError {
        switch t.kind {
        case .tooLarge(let status):
            return IVSError(.service, code: "ResponseTooLarge", "\(what): \(t.message)", httpStatus: status == 0 ? nil : status)
        case .invalidHeader:
            return IVSError(.invalidArgument, code: "InvalidHeaderValue", "\(what): \(t.message)")
        case .connect: return IVSError(.network, code: "EndpointConnectionError", "\(what): \(t.message)")
        case .dns: return IVSError(.network, code: "EndpointResolutionError", "\(what): \(t.message)")
        case .tls: return IVSError(.network, code: "SSLError", "\(what): \(t.message)")
        case .timeout: return IVSError(.network, code: "Timeout", "\(what): \(t.message)")
        case .reset: return IVSError(.network, code: "ConnectionClosedError", "\(what): \(t.message)")
        case .other: return IVSError(.network, code: "HTTPClientError", "\(what): \(t.message)")
        }
    }
}
