import CCurl
import CIVSShims
#if canImport(Glibc)
import Glibc
#endif

/// The client's I/O thread: one curl multi handle drives every call in flight (and, through
/// watchers and timers, anything else that needs the loop), so a thousand calls need no thousand
/// threads. Other threads only hand it work (submit) and wake it; everything else here is touched by
/// the loop thread alone. Started on a client's first call in flight; stopped by shutdown().
final class EventLoop: @unchecked Sendable {
    private unowned let client: Client
    private let transport: CurlTransport
    let dispatcher: Dispatcher
    private let multi: UnsafeMutableRawPointer

    // Shared with other threads, under the lock.
    private let lock = Lock()
    private var inbox: [(EventLoop) -> Void] = []
    private var stopping = false
    private var thread: pthread_t? = nil

    // The loop thread's own.
    private var calls: [UInt64: AsyncCall] = [:]
    private var transfers: [UnsafeMutableRawPointer: AsyncCall] = [:]
    private var timers: [(deadline: Double, action: () -> Void)] = []
    private var watchers: [Int32: (events: Int16, handler: (Int16) -> Void)] = [:]
    private var parked: [AsyncCall] = [] // waiting for credentials
    // Calls libivs makes for itself (a chat's CreateChatToken): their results come back here, on the
    // loop thread, whatever the dispatch mode. Their ids have the top bit set, so no caller's id
    // (ivs_cancel) ever names one.
    private var internalCalls: Set<UInt64> = []
    private var lastInternalId: UInt64 = 1 << 63
    // What rides on the loop besides calls (chat connections), told when the loop stops.
    private var stopHandlers: [ObjectIdentifier: () -> Void] = [:]
    private var resolving = false
    private let mailbox: CredentialMailbox

    init?(client: Client, transport: CurlTransport, dispatcher: Dispatcher, maxConnections: Int) {
        guard let m = curl_multi_init() else { return nil }
        self.client = client
        self.transport = transport
        self.dispatcher = dispatcher
        self.multi = m
        self.mailbox = CredentialMailbox()
        _ = civs_multi_setopt_long(m, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnections)
        _ = civs_multi_setopt_long(m, CURLMOPT_MAXCONNECTS, maxConnections)
        mailbox.loop = self
    }

    deinit { curl_multi_cleanup(multi) }

    /// Starts the thread; false if the system refused one.
    func start() -> Bool {
        var tid = pthread_t()
        let arg = Unmanaged.passRetained(self).toOpaque()
        guard pthread_create(&tid, nil, { arg in
            guard let arg else { return nil }
            Unmanaged<EventLoop>.fromOpaque(arg).takeRetainedValue().run()
            return nil
        }, arg) == 0 else {
            Unmanaged<EventLoop>.fromOpaque(arg).release()
            return false
        }
        lock.withLock { thread = tid }
        return true
    }

    // MARK: From any thread

    /// Runs work on the loop thread, soon. false once the loop is stopping (the work does not run).
    /// Only the work that finds the inbox empty wakes the loop: work already waiting there was
    /// submitted with a wake-up the loop has not acted on yet (it empties the inbox when it wakes),
    /// so a burst of calls costs the loop one wake-up, not one system call each.
    @discardableResult
    func submit(_ work: @escaping (EventLoop) -> Void) -> Bool {
        let (accepted, wake): (Bool, Bool) = lock.withLock {
            guard !stopping else { return (false, false) }
            inbox.append(work)
            return (true, inbox.count == 1)
        }
        if wake { curl_multi_wakeup(multi) }
        return accepted
    }

    /// Cancels every call, lets their callbacks be delivered, and waits for the thread to end.
    /// Not from the loop thread (a callback must not free its client).
    func shutdown() {
        let t: pthread_t? = lock.withLock {
            stopping = true
            return thread
        }
        curl_multi_wakeup(multi)
        if let t { pthread_join(t, nil) }
        mailbox.close()
    }

    /// Whether the caller is the loop's own thread (a callback in thread dispatch mode).
    var isLoopThread: Bool {
        lock.withLock { thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    // MARK: The loop thread

    private func run() {
        var extra: [curl_waitfd] = []
        while true {
            let (work, stop) = lock.withLock { () -> ([(EventLoop) -> Void], Bool) in
                let w = inbox
                inbox.removeAll(keepingCapacity: true)
                return (w, stopping)
            }
            for w in work { w(self) }
            if stop { break }
            fireTimers()
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            finishTransfers()

            extra.removeAll(keepingCapacity: true)
            for (fd, w) in watchers { extra.append(curl_waitfd(fd: fd, events: w.events, revents: 0)) }
            var wait = 1000.0
            if let next = timers.first?.deadline { wait = min(wait, max(0, (next - Clock.monotonic()) * 1000)) }
            _ = extra.withUnsafeMutableBufferPointer { fds in
                curl_multi_poll(multi, fds.baseAddress, UInt32(fds.count), Int32(wait.rounded(.up)), nil)
            }
            for w in extra where w.revents != 0 { watchers[w.fd]?.handler(w.revents) }
        }
        // Stopping: everything still in flight ends as cancelled, with its callback.
        for w in lock.withLock({ () -> [(EventLoop) -> Void] in let w = inbox; inbox.removeAll(); return w }) { w(self) }
        let riders = stopHandlers
        stopHandlers.removeAll()
        for (_, stop) in riders { stop() }
        for call in Array(calls.values) { cancel(call) }
        timers.removeAll()
        watchers.removeAll()
    }

    // MARK: Calls

    /// A prepared call (or its early failure) enters the loop.
    func begin(_ call: AsyncCall) {
        if let failure = call.earlyFailure { return complete(call, .failure(failure)) }
        calls[call.id] = call
        attempt(call)
    }

    /// The next attempt: wait for the adaptive limiter if it asks, then credentials, then send.
    private func attempt(_ call: AsyncCall) {
        guard calls[call.id] != nil else { return }
        let wait = client.retry.sendingDelay()
        if wait > 0 {
            call.presigned?.release() // signed for now, sent later: signed again then
            call.presigned = nil
            return after(wait) { [weak self] in self?.attempt(call) }
        }
        if let headers = call.presigned {
            call.presigned = nil
            return send(call, .success(headers))
        }
        guard client.config.signRequests else { return send(call, nil) }
        if let creds = client.credentials.peek(refreshInBackground: { self.resolveCredentials() }) {
            return send(call, creds)
        }
        parked.append(call)
        resolveCredentials()
    }

    /// Resolves credentials on a thread of its own (a credential process or the instance metadata
    /// service may block); the parked calls go on when it reports back.
    private func resolveCredentials() {
        guard !resolving else { return }
        resolving = true
        let mailbox = self.mailbox
        let chain = client.credentials
        Thread.detach {
            mailbox.post(Result { () throws(IVSError) -> Credentials in try chain.resolve() })
        }
    }

    /// The resolver's answer, on the loop thread.
    fileprivate func credentialsResolved(_ result: Result<Credentials, IVSError>) {
        resolving = false
        let waiting = parked
        parked.removeAll()
        for call in waiting where calls[call.id] != nil {
            switch result {
            case .success(let creds): send(call, creds)
            case .failure(let e): complete(call, .failure(e.after(attempts: call.retry.attempts)))
            }
        }
    }

    private func send(_ call: AsyncCall, _ creds: Credentials?) {
        guard let prepared = call.prepared else { return }
        send(call, client.signedHeaderList(prepared, creds))
    }

    /// An attempt with its signed headers (or why they could not be written).
    private func send(_ call: AsyncCall, _ headers: Result<CurlHeaderList, TransportError>) {
        guard let prepared = call.prepared else {
            if case .success(let list) = headers { list.release() }
            return
        }
        call.retry.attempts += 1
        call.attemptStarted = Clock.monotonic()
        let started = headers.flatMap {
            transport.start(method: prepared.request.method, base: prepared.service.endpoint.url, target: prepared.target,
                            body: prepared.request.body, reading: nil, headers: $0)
        }
        switch started {
        case .failure(let t):
            settle(call, .failure(t))
        case .success(let transfer):
            guard curl_multi_add_handle(multi, transfer.curl) == CURLM_OK else {
                return settle(call, transport.finish(transfer, CURLE_FAILED_INIT))
            }
            call.transfer = transfer
            transfers[transfer.curl] = call
        }
    }

    /// Transfers curl has finished.
    private func finishTransfers() {
        var easy: UnsafeMutableRawPointer? = nil
        var code = CURLE_OK
        while civs_multi_next_done(multi, &easy, &code) != 0 {
            guard let e = easy, let call = transfers.removeValue(forKey: e), let t = call.transfer else { continue }
            curl_multi_remove_handle(multi, e)
            call.transfer = nil
            settle(call, transport.finish(t, code))
        }
    }

    /// classify and decide: the call's next step after an attempt.
    private func settle(_ call: AsyncCall, _ result: Result<HTTPResponse, TransportError>) {
        guard let prepared = call.prepared else { return }
        switch client.classify(prepared, result) {
        case .success(let response):
            client.retry.succeeded(call.retry)
            client.logAttempt(prepared, call.retry.attempts, response.status.description, call.attemptStarted, "done")
            let done = CompletedCall(response: response, attempts: call.retry.attempts)
            if call.joiner != nil { return nextPage(call, prepared, done) }
            complete(call, rendering: prepared, done)
        case .failure(var failure, let response):
            failure.attempts = call.retry.attempts
            failure.metadata = response.map { ResponseMetadata($0, attempts: call.retry.attempts) }
            let decision = client.retry.decide(failure, response: response, &call.retry)
            client.logAttempt(prepared, call.retry.attempts, (response.map { "\($0.status) " } ?? "") + failure.code,
                              call.attemptStarted, decision.text)
            guard case .retry(let delay) = decision else { return complete(call, .failure(failure)) }
            after(delay) { [weak self] in self?.attempt(call) }
        }
    }

    /// ivs_paginate_async: the page joins the others; the next page starts, or the joined output is
    /// the call's result.
    private func nextPage(_ call: AsyncCall, _ prepared: PreparedCall, _ done: CompletedCall) {
        let page = client.renderTree(prepared, done).flatMap { page -> Result<String?, IVSError> in
            call.joiner?.add(page, bodyBytes: done.response.body.count) ?? .success(nil)
        }
        switch page {
        case .failure(let e):
            complete(call, .failure(e))
        case .success(let token?):
            // A paginated call always has its input tree (callAsync keeps it).
            guard let input = call.input, let paginator = call.op.paginator, let token = JSON.string(token) else {
                return complete(call, .failure(.internal("out of memory")))
            }
            input.set(paginator.inputToken, token)
            call.retry = RetryState()
            switch client.prepare(call.model, call.op, input) {
            case .failure(let e): complete(call, .failure(e))
            case .success(let next):
                call.prepared = next
                attempt(call)
            }
        case .success(nil):
            let text = call.joiner?.finish().flatMap { joined -> OutputText? in
                defer { JSON.release(joined) }
                return OutputText.dump(joined)
            }
            complete(call, text.map { .success($0) } ?? .failure(.internal("out of memory")))
        }
    }

    /// Cancels a call wherever it stands; its callback says IVS_E_CANCELLED.
    func cancel(id: UInt64) {
        guard let call = calls[id] else { return }
        cancel(call)
    }

    private func cancel(_ call: AsyncCall) {
        if let t = call.transfer {
            curl_multi_remove_handle(multi, t.curl)
            transfers[t.curl] = nil
            call.transfer = nil
            _ = transport.finish(t, CURLE_ABORTED_BY_CALLBACK)
        }
        parked.removeAll { $0 === call }
        complete(call, .failure(IVSError(.cancelled, code: ErrorCode.cancelled, "the call was cancelled",
                                         attempts: call.retry.attempts)))
    }

    /// The call's one result: its callback is delivered and the call forgotten (a timer still armed
    /// for it finds it gone and does nothing).
    private func complete(_ call: AsyncCall, _ result: Result<OutputText, IVSError>) {
        calls[call.id] = nil
        call.finish()
        let done = call.done
        if internalCalls.remove(call.id) != nil { return done(result) }
        dispatcher.deliver { done(result) }
    }

    /// A successful call's one result, rendered where its callback runs: in manual dispatch on the
    /// caller's thread (ivs_client_dispatch), which takes the reading of the body and the writing of
    /// the output off the loop thread; otherwise here. The text is the same either way.
    private func complete(_ call: AsyncCall, rendering prepared: PreparedCall, _ response: CompletedCall) {
        calls[call.id] = nil
        call.finish()
        let done = call.done
        if internalCalls.remove(call.id) != nil { return done(Client.renderText(prepared, response)) }
        dispatcher.deliver { done(Client.renderText(prepared, response)) }
    }

    /// A call libivs makes for itself: done runs on the loop thread in any dispatch mode (it is not
    /// the caller's callback). input is owned by the call. On the loop thread only.
    func callInternal(service: String, operation: String, input: JSONPointer,
                      done: @escaping (Result<OutputText, IVSError>) -> Void) {
        lastInternalId &+= 1
        let id = lastInternalId | 1 << 63
        switch Client.operation(service: service, operation: operation) {
        case .failure(let e):
            JSON.release(input)
            done(.failure(e))
        case .success(let (model, op)):
            internalCalls.insert(id)
            begin(AsyncCall(id: id, model: model, op: op, input: input, prepared: client.prepare(model, op, input),
                            joiner: nil, done: done))
        }
    }

    // MARK: Timers and watchers (for calls and anything else the loop carries)

    /// Runs action on the loop thread after seconds.
    func after(_ seconds: Double, _ action: @escaping () -> Void) {
        let deadline = Clock.monotonic() + max(0, seconds)
        let i = timers.firstIndex { $0.deadline > deadline } ?? timers.count
        timers.insert((deadline, action), at: i)
    }

    private func fireTimers() {
        let now = Clock.monotonic()
        while let first = timers.first, first.deadline <= now {
            timers.removeFirst()
            first.action()
        }
    }

    /// Calls handler with the revents whenever fd has any of events; nil handler stops watching.
    func watch(_ fd: Int32, events: Int16, _ handler: ((Int16) -> Void)?) {
        if let handler { watchers[fd] = (events, handler) } else { watchers[fd] = nil }
    }

    /// Has stop run (on the loop thread) when the loop stops (ivs_client_free) while owner rides on
    /// it; nil forgets it. On the loop thread only.
    func onStop(_ owner: AnyObject, _ stop: (() -> Void)?) {
        stopHandlers[ObjectIdentifier(owner)] = stop
    }
}

/// Where a credential resolver thread reports back: to the loop while it runs, to nobody after it
/// stopped (so a resolver stuck in a slow credential process never holds up ivs_client_free).
final class CredentialMailbox: @unchecked Sendable {
    private let lock = Lock()
    fileprivate weak var loop: EventLoop?

    func post(_ result: Result<Credentials, IVSError>) {
        let target = lock.withLock { loop }
        target?.submit { $0.credentialsResolved(result) }
    }

    func close() { lock.withLock { loop = nil } }
}

/// A detached thread for blocking work off the loop.
enum Thread {
    static func detach(_ body: @escaping () -> Void) {
        var tid = pthread_t()
        let arg = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        let rc = pthread_create(&tid, &attr, { arg in
            guard let arg else { return nil }
            Unmanaged<ThreadBody>.fromOpaque(arg).takeRetainedValue().body()
            return nil
        }, arg)
        pthread_attr_destroy(&attr)
        if rc != 0 {
            Unmanaged<ThreadBody>.fromOpaque(arg).takeRetainedValue().body() // no thread to be had: run it here
        }
    }
}

private final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
