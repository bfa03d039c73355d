/// The stages one operation call goes through, each small and on its own, so that the blocking driver
/// below and the driver of calls in flight run the same stages:
///
///     prepare -> (each attempt:) credentials -> sign -> send -> classify -> decide  -> render
///
/// prepare validates and serializes once; an attempt resolves credentials, signs, sends and
/// classifies what came back; the retry policy decides whether to try again and when; the response of
/// the last attempt is rendered as text or as a tree (Client.swift).

/// A call prepared once: validated, serialized and bound to its service's endpoint. Every attempt
/// signs and sends it again. A class: the stages pass it along and keep it (retry, the event loop)
/// with one reference count, where the struct was copied and destroyed field by field.
public final class PreparedCall {
    public let service: ServiceTarget
    public let op: Operation
    let request: SerializedRequest

    init(service: ServiceTarget, op: Operation, request: SerializedRequest) {
        self.service = service
        self.op = op
        self.request = request
    }

    public var model: ServiceModel { service.model }
    /// What follows the endpoint's URL: the path with the encoded query.
    var target: String { request.target }
    /// Where curl sends it (the transport joins the two parts itself; this is for messages).
    var url: String { Text.joined(service.endpoint.url, target) }
    /// The path SigV4 signs.
    var path: String { Text.joined(service.endpoint.basePath, request.path) }
}

/// What one attempt came to.
public enum AttemptOutcome {
    case success(HTTPResponse)
    /// The failure with `retryable` set, and the response when the service answered. Boxed (failures
    /// are rare): inline, a nil response leaves bytes unset that share their word with the enum's
    /// case bits, and valgrind's memcheck reports the compiler's read of them (C tests under valgrind).
    indirect case failure(IVSError, response: HTTPResponse?)
}

/// A finished call: the last attempt's response and how many attempts the call made.
public struct CompletedCall {
    public let response: HTTPResponse
    public let attempts: Int
}

extension Client {
    // MARK: Stages

    /// prepare: validation and serialization, everything before the first byte is sent. The input is
    /// borrowed; an absent idempotency token is added to it.
    public func prepare(_ model: ServiceModel, _ op: Operation, _ input: JSONPointer) -> Result<PreparedCall, IVSError> {
        let level: Validator.Level?
        switch config.validation {
        case .off: level = nil
        case .botocore: level = .botocore
        case .on: level = .on
        case .strict: level = .strict
        }
        if let level {
            let problems = Validator(model: model, level: level).validate(input, shape: op.input)
            if !problems.isEmpty { return .failure(.validation(problems)) }
        }
        guard let service = target(model) else {
            return .failure(.internal("no endpoint for \(model.name)"))
        }
        Log.log(.trace, clientLevel: config.logLevel,
                "\(model.name).\(op.name) input: \(Redactor.input(input, shape: op.input, model: model))")
        return RestJSONSerializer(model: model).serialize(op, input: input).map { request in
            PreparedCall(service: service, op: op, request: request)
        }
    }

    /// sign: the HTTP request of one attempt, signed with SigV4 now (nil credentials: unsigned).
    func sign(_ call: PreparedCall, _ credentials: Credentials?, time: Double = Clock.now()) -> HTTPRequest {
        let r = call.request
        guard let credentials else {
            return HTTPRequest(method: r.method, url: call.url, headers: r.headers + [("Host", call.service.endpoint.authority)], body: r.body)
        }
        let sig = signer.sign(SigV4Signer.Request(method: r.method, path: call.path, query: r.query, headers: r.headers,
                                                  host: call.service.endpoint.authority, body: r.body),
                              credentials: credentials, region: config.region, service: call.model.signingName,
                              time: time)
        var headers = r.headers
        headers.reserveCapacity(r.headers.count + 1 + sig.headers.count)
        headers.append(("Host", call.service.endpoint.authority))
        headers.append(contentsOf: sig.headers)
        Log.log(.trace, clientLevel: config.logLevel, "\(call.model.name).\(call.op.name) canonical request:\n"
                + Redactor.canonicalRequest(sig.canonicalRequest) + "\nheaders:\n" + Redactor.headers(headers))
        return HTTPRequest(method: r.method, url: call.url, headers: headers, body: r.body)
    }

    /// sign, written for the transport: the attempt's headers (the request's, Host, then the
    /// signature's) straight into curl's header list, the same bytes CurlHeaderList.make gives for
    /// sign's headers, with no array of headers, no Signature and no Authorization string made (the
    /// signature lives in the signer's scratch memory while the list is written). Trace logging
    /// takes sign itself, which logs the canonical request. Out of line, so that profiles show the
    /// stage by name (bench/callgrind_report.py).
    @inline(never)
    func signedHeaderList(_ call: PreparedCall, _ credentials: Credentials?,
                          time: Double = Clock.now()) -> Result<CurlHeaderList, TransportError> {
        if Log.isEnabled(.trace, clientLevel: config.logLevel) {
            return CurlHeaderList.make(sign(call, credentials, time: time).headers)
        }
        guard let credentials else { return headerList(call, signature: nil) }
        let r = call.request
        return signer.withSignature(method: r.method, path: call.path, query: r.query, headers: r.headers,
                                    host: call.service.endpoint.authority, body: r.body, credentials: credentials,
                                    region: config.region, service: call.model.signingName, time: time) { bytes, layout in
            headerList(call, signature: (bytes, layout, credentials))
        }
    }

    /// The list of signedHeaderList: the request's headers, Host, then (when signed) X-Amz-Date,
    /// X-Amz-Security-Token and Authorization from the signature's bytes.
    private func headerList(_ call: PreparedCall,
                            signature: (bytes: UnsafeBufferPointer<UInt8>, layout: SigV4Signer.SignatureLayout, credentials: Credentials)?)
        -> Result<CurlHeaderList, TransportError> {
        let headers = call.request.headers
        let host = call.service.endpoint.authority
        let date: StaticString = "X-Amz-Date", token: StaticString = "X-Amz-Security-Token"
        let authorization: StaticString = "Authorization"
        var count = 4 + host.utf8.count, lines = headers.count + 1 // Host
        for i in headers.indices { count += headers[i].0.utf8.count + headers[i].1.utf8.count }
        var authorizationCount = 0
        if let sig = signature {
            authorizationCount = sig.layout.authorizationCount(accessKeyId: sig.credentials.accessKeyId)
            count += date.utf8CodeUnitCount + sig.layout.dateCount + authorization.utf8CodeUnitCount + authorizationCount
            lines += 2
            if let t = sig.credentials.sessionToken {
                count += token.utf8CodeUnitCount + t.utf8.count
                lines += 1
            }
        }
        guard var b = CurlHeaderList.Builder(headers: lines, textBytes: count) else {
            return .failure(TransportError(kind: .other, message: "out of memory"))
        }
        func failed(_ e: TransportError) -> Result<CurlHeaderList, TransportError> {
            b.discard()
            return .failure(e)
        }
        for i in headers.indices { if let e = b.add(headers[i].0, headers[i].1) { return failed(e) } }
        if let e = b.add("Host", host) { return failed(e) }
        if let sig = signature {
            if let e = b.begin(date) { return failed(e) }
            if let p = sig.bytes.baseAddress, sig.layout.dateRange.upperBound <= sig.bytes.count {
                b.bytes(p + sig.layout.dateRange.lowerBound, sig.layout.dateCount)
            }
            if let e = b.end(date.description) { return failed(e) }
            if let t = sig.credentials.sessionToken, let e = b.add(token.description, t) { return failed(e) }
            if let e = b.begin(authorization) { return failed(e) }
            if let p = b.room(authorizationCount),
               sig.layout.writeAuthorization(from: sig.bytes, accessKeyId: sig.credentials.accessKeyId, to: p) != authorizationCount {
                return failed(TransportError(kind: .other, message: "the Authorization header could not be written"))
            }
            if let e = b.end(authorization.description) { return failed(e) }
        }
        return .success(b.finish())
    }

    /// classify: what the transport's result means for the call. A 2xx is success; anything else is
    /// the service's error or a transport failure, marked retryable or not. The result is consumed:
    /// the response moves into the outcome instead of being copied (three retains and releases).
    func classify(_ call: PreparedCall, _ result: consuming Result<HTTPResponse, TransportError>) -> AttemptOutcome {
        var failure: IVSError
        var response: HTTPResponse? = nil
        switch result {
        case .success(let r) where r.status >= 200 && r.status < 300:
            return .success(r)
        case .success(let r):
            response = r
            failure = ResponseParser(model: call.model).parseError(r)
        case .failure(let t):
            failure = Self.transportFailure(t, "\(call.request.method) \(call.service.endpoint.url)")
        }
        failure.retryable = RetryPolicy.isRetryable(failure)
        return .failure(failure, response: response)
    }

    /// A transport failure as the caller sees it: network trouble, a response over the bounds or with a
    /// head that is not HTTP (the service answered, but with what libivs does not accept: retried only
    /// for a status botocore retries), or a header that could not be sent.
    static func transportFailure(_ t: TransportError, _ what: String) -> IVSError {
        let code: String
        switch t.kind {
        case .tooLarge(let status):
            return IVSError(.service, code: ErrorCode.responseTooLarge, "\(what): \(t.message)",
                            httpStatus: status == 0 ? nil : status)
        case .invalidHeader:
            return IVSError(.invalidArgument, code: ErrorCode.invalidHeaderValue, "\(what): \(t.message)")
        case .invalidResponse(let status):
            return IVSError(.service, code: ErrorCode.invalidResponse, "\(what): \(t.message)",
                            httpStatus: status == 0 ? nil : status)
        case .connect: code = ErrorCode.endpointConnection
        case .dns: code = ErrorCode.endpointResolution
        case .tls: code = ErrorCode.ssl
        case .connectTimeout: code = ErrorCode.connectTimeout
        case .readTimeout: code = ErrorCode.readTimeout
        case .reset: code = ErrorCode.connectionClosed
        case .other: code = ErrorCode.httpClient
        }
        return IVSError(.network, code: code, "\(what): \(t.message)")
    }

    // MARK: The blocking driver

    /// Runs the attempts of a prepared call on this thread, sleeping between them.
    public func execute(_ call: PreparedCall) -> Result<CompletedCall, IVSError> {
        var state = RetryState()
        while true {
            var wait = retry.sendingDelay()
            while wait > 0 { RetryPolicy.sleep(seconds: wait); wait = retry.sendingDelay() }
            let creds: Credentials?
            do { creds = config.signRequests ? try credentials.resolve() : nil } catch {
                var e = error
                e.attempts = state.attempts
                return .failure(e)
            }
            state.attempts += 1
            let started = Clock.monotonic()
            let sent = signedHeaderList(call, creds).flatMap {
                transport.send(method: call.request.method, base: call.service.endpoint.url, target: call.target,
                               body: call.request.body, headers: $0)
            }
            switch classify(call, sent) {
            case .success(let response):
                retry.succeeded(state)
                logAttempt(call, state.attempts, response.status.description, started, "done")
                return .success(CompletedCall(response: response, attempts: state.attempts))
            case .failure(var failure, let response):
                failure.attempts = state.attempts
                failure.metadata = response.map { ResponseMetadata($0, attempts: state.attempts) }
                let decision = retry.decide(failure, response: response, &state)
                logAttempt(call, state.attempts, (response.map { "\($0.status) " } ?? "") + failure.code, started, decision.text)
                guard case .retry(let delay) = decision else { return .failure(failure) }
                RetryPolicy.sleep(seconds: delay)
            }
        }
    }

    /// One debug line per attempt: what was sent, what came back, how long it took, what happens next.
    func logAttempt(_ call: PreparedCall, _ attempt: Int, _ result: @autoclosure () -> String, _ started: Double,
                    _ next: @autoclosure () -> String) {
        Log.log(.debug, clientLevel: config.logLevel,
                "\(call.model.name).\(call.op.name) attempt \(attempt): \(call.request.method) \(call.url) -> \(result()) "
                + "in \(Int((Clock.monotonic() - started) * 1000)) ms; \(next())")
    }
}

extension RetryDecision {
    /// How the log names what follows an attempt.
    public var text: String {
        switch self {
        case .retry(let delay): return "retrying in \(Int(delay * 1000)) ms"
        case .stop(let reason): return reason
        }
    }
}
