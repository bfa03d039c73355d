/// One client for all three services: resolved configuration, credentials, a signer with its key
/// cache, the retry policy and a pool of kept-alive connections. Thread-safe; calls run concurrently.
/// Input is a parsed JSON object (borrowed); output is JSON text (ivs_call's form) or a tree.
public final class Client: @unchecked Sendable {
    public let config: ResolvedConfig
    /// The DNS cache and TLS sessions every connection of this client shares.
    let share = CurlShare()
    let transport: CurlTransport
    let signer = SigV4Signer()
    public let credentials: CredentialChain
    public let retry: RetryPolicy
    /// Calls in flight: the event loop (started on first use) and where their callbacks run.
    let asyncState = Locked(AsyncState())
    let dispatcher: Dispatcher
    /// The services this client has an endpoint for, made once, and their names for the C ABI.
    private let targets: [ServiceTarget]
    private let targetNames: NameTable

    public init(config: ClientConfig = ClientConfig(), env: Environment = .process) throws(IVSError) {
        let resolved = try ConfigResolver(config: config, env: env).resolve()
        self.config = resolved
        self.transport = CurlTransport(options: resolved.transport, share: share)
        self.credentials = CredentialChain(providers: resolved.credentialProviders, logLevel: resolved.logLevel)
        self.retry = RetryPolicy(mode: resolved.retryMode, maxAttempts: resolved.maxAttempts)
        self.dispatcher = Dispatcher(mode: resolved.dispatch)
        self.targets = ServiceModel.all.compactMap { m in resolved.endpoints[m.name].map { ServiceTarget(model: m, endpoint: $0) } }
        self.targetNames = NameTable(targets.enumerated().map { (name: $1.model.name, value: $0) })
    }

    /// The model and operation a caller names: a service name and an API or snake_case operation name.
    public static func operation(service: String, operation: String) -> Result<(ServiceModel, Operation), IVSError> {
        guard let model = ServiceModel.named(service) else {
            return .failure(.invalidArgument("unknown service \"\(Text.excerpt(service))\"; services: \(ServiceModel.names)",
                                             code: ErrorCode.unknownService))
        }
        guard let op = model.operation(named: operation) else {
            return .failure(.invalidArgument("unknown operation \"\(Text.excerpt(operation))\" for service \(service)",
                                             code: ErrorCode.unknownOperation))
        }
        return .success((model, op))
    }

    /// The lookup of the paths from text, by the C ABI's names as bytes, with the service as this
    /// client calls it; nil for an unknown name (those paths leave it to the path that reports it).
    func find(service: UnsafePointer<CChar>, operation: UnsafePointer<CChar>) -> (ServiceTarget, Operation)? {
        guard let i = targetNames.find(service), i < targets.count, let op = targets[i].model.operation(cString: operation) else {
            return nil
        }
        return (targets[i], op)
    }

    /// The service of model as this client calls it: the one made at init for a model libivs serves,
    /// else (a test's or fuzz target's model) one made now from the endpoint resolved for its name.
    func target(_ model: ServiceModel) -> ServiceTarget? {
        for t in targets where t.model === model { return t }
        return config.endpoints[model.name].map { ServiceTarget(model: model, endpoint: $0) }
    }

    // MARK: Calls

    /// ivs_call: the output as JSON text, the service's own bytes passed through where they already
    /// are the output (no tree is built only to be dumped again).
    public func callText(service: String, operation: String, input: JSONPointer) -> Result<OutputText, IVSError> {
        Self.operation(service: service, operation: operation).flatMap { model, op in
            prepare(model, op, input).flatMap { call in execute(call).flatMap { renderText(call, $0) } }
        }
    }

    /// The output as a tree (owned).
    public func call(service: String, operation: String, input: JSONPointer) -> Result<JSONPointer, IVSError> {
        Self.operation(service: service, operation: operation).flatMap { model, op in call(model, op, input: input) }
    }

    /// The output of a resolved operation as a tree (owned); the input is borrowed.
    public func call(_ model: ServiceModel, _ op: Operation, input: JSONPointer) -> Result<JSONPointer, IVSError> {
        prepare(model, op, input).flatMap { call in execute(call).flatMap { renderTree(call, $0) } }
    }

    // MARK: render

    /// The output text with ResponseMetadata spliced in; a failure to read the response carries the
    /// call's attempts.
    public func renderText(_ call: PreparedCall, _ done: CompletedCall) -> Result<OutputText, IVSError> {
        Self.renderText(call, done)
    }

    /// renderText needs nothing of the client: calls in flight render on the thread that delivers.
    static func renderText(_ call: PreparedCall, _ done: CompletedCall) -> Result<OutputText, IVSError> {
        ResponseParser(model: call.model)
            .outputText(call.op, done.response, metadata: ResponseMetadata(done.response, attempts: done.attempts))
            .mapError { $0.after(attempts: done.attempts) }
    }

    /// The output tree with ResponseMetadata (owned).
    public func renderTree(_ call: PreparedCall, _ done: CompletedCall) -> Result<JSONPointer, IVSError> {
        switch ResponseParser(model: call.model).parseOutput(call.op, done.response) {
        case .failure(let e): return .failure(e.after(attempts: done.attempts))
        case .success(let out):
            out.set("ResponseMetadata", ResponseMetadata(done.response, attempts: done.attempts).tree())
            return .success(out)
        }
    }
}

extension IVSError {
    /// The error with the attempts its call made.
    func after(attempts: Int) -> IVSError {
        var e = self
        e.attempts = attempts
        return e
    }
}
