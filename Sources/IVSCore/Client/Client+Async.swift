#if canImport(Glibc)
import Glibc
#endif
import CIVSShims

/// Calls in flight: the second driver of the request pipeline. A call is prepared on the caller's
/// thread and handed to the client's event loop (started on the first such call), which sends it,
/// retries it on timers and delivers its one result through the client's dispatcher.
extension Client {
    /// What a caller asks for: the operation and its input (owned), or why the ask is malformed
    /// (delivered through done like any other failure).
    public typealias AsyncRequest = Result<(service: String, operation: String, input: JSONPointer), IVSError>

    /// Starts a call in flight; done runs exactly once with the text ivs_call (or ivs_paginate) would
    /// have returned for the same response, or the error. Returns the call's id (never 0).
    public func callAsync(_ request: AsyncRequest, paginate: Bool,
                          done: @escaping (Result<OutputText, IVSError>) -> Void) -> UInt64 {
        let id = nextRequestId()
        let found = request.flatMap { r in
            Self.operation(service: r.service, operation: r.operation).map { (model: $0.0, op: $0.1, input: r.input) }
        }
        switch found {
        case .failure(let e):
            if case .success(let r) = request { JSON.release(r.input) }
            _ = deliverEarly(id, .failure(e), done)
        case .success(let (model, op, input)):
            let joiner = paginate ? op.paginator.map {
                PageJoiner(operation: op.name, paginator: $0, maxPages: config.maxPages, maxBytes: config.maxPaginateBytes)
            } : nil
            submit(AsyncCall(id: id, model: model, op: op, input: input, prepared: prepare(model, op, input),
                             joiner: joiner, done: done))
        }
        return id
    }

    /// ivs_call_async from its input text: the request written by RequestReader without a jansson tree
    /// when it can be (the stage ivs_call uses, prepare(_:_:text:)), then the call goes to the loop as
    /// any other. nil when it cannot (an unknown service or operation included): the caller parses the
    /// text and calls callAsync(_:paginate:done:), which gives the result or the error as always.
    public func callAsync(service: UnsafePointer<CChar>, operation: UnsafePointer<CChar>, inputText: UnsafePointer<CChar>,
                          done: @escaping (Result<OutputText, IVSError>) -> Void) -> UInt64? {
        guard let (target, op) = find(service: service, operation: operation) else { return nil }
        let text = UnsafeBufferPointer(start: UnsafeRawPointer(inputText).assumingMemoryBound(to: UInt8.self), count: strlen(inputText))
        guard let prepared = prepare(target, op, text: text) else { return nil }
        let id = nextRequestId()
        let call = AsyncCall(id: id, model: target.model, op: op, input: nil, prepared: .success(prepared), joiner: nil, done: done)
        call.presigned = presign(prepared)
        submit(call)
        return id
    }

    /// The first attempt's headers signed here, on the caller's thread, which takes that work off
    /// the loop thread: when the credentials are at hand and need no refresh (else the loop gets
    /// or refreshes them, as always). nil when not (the loop signs), or when signing fails (the loop
    /// fails the same way). Trace logging signs on the loop, where the attempt is logged.
    private func presign(_ call: PreparedCall) -> CurlHeaderList? {
        guard !Log.isEnabled(.trace, clientLevel: config.logLevel) else { return nil }
        var creds: Credentials? = nil
        if config.signRequests {
            var wantsRefresh = false
            creds = credentials.peek { wantsRefresh = true }
            if creds == nil || wantsRefresh { return nil }
        }
        guard case .success(let list) = signedHeaderList(call, creds) else { return nil }
        return list
    }

    /// Hands a call to the loop; when there is no loop to be had, its callback says the client is
    /// being freed.
    private func submit(_ call: AsyncCall) {
        if let loop = eventLoop(), loop.submit({ $0.begin(call) }) { return }
        call.finish()
        _ = deliverEarly(call.id, .failure(IVSError(.cancelled, code: ErrorCode.cancelled, "the client is being freed")),
                         call.done)
    }

    /// Asks the loop to cancel a call: its callback then says IVS_E_CANCELLED, unless it already ran.
    public func cancelAsync(_ id: UInt64) {
        asyncState.withValue { $0.loop }?.submit { $0.cancel(id: id) }
    }

    /// Manual dispatch: the eventfd readable while callbacks wait (-1 in thread mode).
    public var dispatchFD: Int32 { dispatcher.mode == .manual ? dispatcher.fd : -1 }

    /// Manual dispatch: runs the waiting callbacks on this thread (see Dispatcher.dispatch).
    public func dispatchCallbacks(timeoutMs: Int32) -> Int {
        dispatcher.mode == .manual ? dispatcher.dispatch(timeoutMs: timeoutMs) : 0
    }

    /// Before the client goes: every call in flight is cancelled and its callback delivered (in
    /// manual mode, run here), and the loop's thread ends.
    public func shutdownAsync() {
        let loop: EventLoop? = asyncState.withValue { s in
            s.closed = true
            return s.loop
        }
        loop?.shutdown()
        if dispatcher.mode == .manual { while dispatcher.dispatch(timeoutMs: 0) > 0 {} }
    }

    // MARK: Helpers

    private func nextRequestId() -> UInt64 {
        asyncState.withValue { s in
            s.lastId &+= 1
            if s.lastId == 0 { s.lastId = 1 }
            return s.lastId
        }
    }

    /// A call that never reaches the loop still gets its callback the way the client delivers them:
    /// on the loop thread (thread mode) or queued (manual).
    private func deliverEarly(_ id: UInt64, _ result: Result<OutputText, IVSError>,
                              _ done: @escaping (Result<OutputText, IVSError>) -> Void) -> UInt64 {
        if dispatcher.mode == .thread, let loop = eventLoop(), loop.submit({ $0.dispatcher.deliver { done(result) } }) {
            return id
        }
        if dispatcher.mode == .manual {
            dispatcher.deliver { done(result) }
        } else {
            done(result) // no loop to be had (the client is being freed): the caller's thread
        }
        return id
    }

    /// The client's event loop, started on first use; nil once the client is shutting down or if
    /// curl or the system refused one.
    func eventLoop() -> EventLoop? {
        asyncState.withValue { s -> EventLoop? in
            if s.closed { return nil }
            if let l = s.loop { return l }
            // As many handles kept as connections may be open: a handle per call in flight, reused.
            let transport = CurlTransport(options: config.transport, share: share,
                                          maxPooled: max(64, config.maxConnections))
            guard let l = EventLoop(client: self, transport: transport, dispatcher: dispatcher,
                                    maxConnections: config.maxConnections), l.start() else { return nil }
            s.loop = l
            return l
        }
    }
}

/// What a client keeps for calls in flight.
struct AsyncState {
    var loop: EventLoop? = nil
    var closed = false
    var lastId: UInt64 = 0
}
