#if canImport(Glibc)
import Glibc
#endif

/// One chat's connection to its room, on the client's event loop (every method here runs on the loop
/// thread): a token for each connect, the WebSocket, the service's events to the caller, keep-alive
/// pings, and reconnecting with backoff after a drop. Its lifecycle is told as events of its own:
///
///     {"Type": "CONNECTION", "State": "connecting", "Attempt": n}
///     {"Type": "CONNECTION", "State": "tokenNeeded"}          (waiting for ivs_chat_set_token)
///     {"Type": "CONNECTION", "State": "connected", "Attempt": n, "SessionExpirationTime"?}
///     {"Type": "CONNECTION", "State": "disconnected", "Reason", "Message", "Code"?, "HttpStatus"?,
///      "Reconnecting", "UnsentRequestIds"?, "Error"?}
///
/// Reasons: clientClosed, serverClosed, sessionExpired, tokenExpired, tokenError, refused, network,
/// protocolError. The last event of every chat is a disconnected one with "Reconnecting": false.
final class ChatConnection {
    private let loop: EventLoop
    private let client: Client
    let options: ChatOptions
    let shared: ChatShared
    private let dispatcher: Dispatcher
    private let sink: (UnsafePointer<CChar>) -> Void

    private enum State { case idle, connecting, awaitingToken, open, closing, reconnectWait, finished }
    private var state = State.idle
    /// Bumped by each connect attempt: timers and connecting threads of an earlier one find it changed.
    private var gen = 0
    private var attempts = 0
    /// Failed attempts in a row (a connection that stayed up for stableSeconds clears it).
    private var failures = 0
    private var socket: WebSocketConnection?
    private var abort: ChatAbortFlag?
    private var initialToken: ChatToken?
    private var usedToken: String?
    private var sessionExpiration: Double?
    private var connectedAt = 0.0
    private var lastReceived = 0.0
    private var pingSentAt: Double?
    private var pingCount: UInt32 = 0
    /// Reading stopped because the caller has not run maxPendingEvents events (manual dispatch).
    private var paused = false
    /// The connection holds itself from start() to its last event: the loop only holds it weakly, and
    /// ivs_chat_close from a callback on the loop thread releases its ChatSession before the close
    /// handshake has run.
    private var keepAlive: ChatConnection?

    static let readBudget = 256 * 1024
    static let stableSeconds = 10.0

    init(loop: EventLoop, client: Client, options: ChatOptions, shared: ChatShared,
         sink: @escaping (UnsafePointer<CChar>) -> Void) {
        self.loop = loop
        self.client = client
        self.options = options
        self.shared = shared
        self.dispatcher = client.dispatcher
        self.sink = sink
        self.initialToken = options.token
    }

    private func log(_ level: Log.Level, _ message: @autoclosure () -> String) {
        Log.log(level, clientLevel: client.config.logLevel, "chat \(options.endpoint.url): \(message())")
    }

    // MARK: Start and attempts

    func start() {
        keepAlive = self
        loop.onStop(self) { [unowned self] in
            self.finish(message: "the client was freed (ivs_client_free)")
        }
        learnRoomLimits()
        attempt()
    }

    /// With createToken and no maximumMessageLength given, the room's limit is read once with GetRoom
    /// so ivs_chat_send can check Content before sending. Failing to read it only leaves it unknown.
    private func learnRoomLimits() {
        guard shared.messageLength == nil, let room = options.roomIdentifier, let input = JSON.object() else { return }
        input.set("identifier", JSON.string(room))
        loop.callInternal(service: "ivschat", operation: "GetRoom", input: input) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let text):
                if case .success(let j) = JSON.parse(text.pointer) {
                    if let n = j["maximumMessageLength"]?.intValue.flatMap({ Int(exactly: $0) }), n > 0 {
                        self.shared.messageLength = n
                    }
                    JSON.release(j)
                }
                text.free()
            case .failure(let e):
                self.log(.debug, "GetRoom failed (\(e.code)); Content is checked against 500 characters")
            }
        }
    }

    private func attempt() {
        guard state != .finished else { return }
        if shared.isClosing { return finish() }
        gen &+= 1
        attempts += 1
        state = .connecting
        emit(Self.lifecycle("connecting") { $0.set("Attempt", JSON.integer(Int64(self.attempts))) })
        obtainToken(gen)
    }

    /// A token handed over with ivs_chat_set_token, else the one given at connect (once), else one
    /// minted with CreateChatToken, else the caller is asked for one.
    private func obtainToken(_ g: Int) {
        let now = Clock.now()
        if let t = shared.takeToken(), !t.expired(now: now) { return connect(t, g) }
        if let t = initialToken {
            initialToken = nil
            if !t.expired(now: now) { return connect(t, g) }
        }
        guard let input = options.createToken else {
            state = .awaitingToken
            log(.info, "waiting for a token (ivs_chat_set_token)")
            return emit(Self.lifecycle("tokenNeeded"))
        }
        guard case .success(let j) = JSON.parse(input) else { return finish(message: "out of memory") }
        loop.callInternal(service: "ivschat", operation: "CreateChatToken", input: j) { [weak self] result in
            guard let self, self.gen == g, self.state == .connecting else {
                if case .success(let text) = result { text.free() }
                return
            }
            switch result {
            case .success(let text):
                defer { text.free() }
                guard case .success(let out) = JSON.parse(text.pointer) else {
                    return self.failed("tokenError", "CreateChatToken answered with something that is not JSON", transient: true)
                }
                defer { JSON.release(out) }
                switch ChatToken.parse(out, name: "CreateChatToken output") {
                case .success(let t): self.connect(t, g)
                case .failure(let why): self.failed("tokenError", why.text, transient: false)
                }
            case .failure(let e):
                self.failed("tokenError", "CreateChatToken failed: \(e.message)", error: e,
                            transient: e.retryable || e.kind == .network)
            }
        }
    }

    /// ivs_chat_set_token handed a token over.
    func tokenArrived() {
        guard state == .awaitingToken else { return }
        state = .connecting
        obtainToken(gen)
    }

    /// Connects on a thread of its own (curl's connect and the handshake block); the outcome comes
    /// back to the loop.
    private func connect(_ token: ChatToken, _ g: Int) {
        state = .connecting
        sessionExpiration = token.sessionExpiration
        usedToken = token.token
        let flag = ChatAbortFlag()
        abort = flag
        shared.helperStarted()
        let (endpoint, transport, share) = (options.endpoint, client.config.transport, client.share)
        let (maxBytes, timeout, loop, shared) = (options.maxMessageBytes, options.handshakeTimeoutMs, self.loop, self.shared)
        log(.debug, "connecting (attempt \(attempts))")
        Thread.detach { [self] in
            let result = WebSocketConnection.open(endpoint, token: token.token, transport: transport, share: share,
                                                  maxMessageBytes: maxBytes, timeoutMs: timeout, abort: flag)
            let accepted = loop.submit { _ in self.opened(g, result) }
            if !accepted, case .success(let s) = result { s.release() }
            shared.helperEnded()
        }
    }

    private func opened(_ g: Int, _ result: Result<WebSocketConnection, WebSocketConnection.OpenFailure>) {
        guard g == gen, state == .connecting else {
            if case .success(let s) = result { s.release() }
            return
        }
        abort = nil
        switch result {
        case .success(let s):
            socket = s
            state = .open
            let now = Clock.monotonic()
            connectedAt = now
            lastReceived = now
            pingSentAt = nil
            _ = shared.setOpen(true)
            log(.info, "connected (attempt \(attempts))")
            emit(Self.lifecycle("connected") { o in
                o.set("Attempt", JSON.integer(Int64(self.attempts)))
                if let t = self.sessionExpiration, let iso = Clock.iso8601(t) { o.set("SessionExpirationTime", JSON.string(iso)) }
            })
            updateWatch()
            scheduleKeepAlive(g)
            process()      // frames that came with the handshake's answer
            flushOutbox()
            if socket != nil && !paused { readIn() }
        case .failure(.aborted):
            return
        case .failure(.network(let m)):
            failed("network", redact(m), transient: true)
        case .failure(.invalid(let m)):
            failed("protocolError", m, transient: true)
        case .failure(.refused(let status, let m)):
            let text = redact(m)
            if status == 401 || status == 403 {
                failed("tokenExpired", "the service refused the chat token (HTTP \(status)\(text.isEmpty ? "" : ": " + text))",
                       status: status, transient: true)
            } else {
                failed("refused", "the service refused the connection (HTTP \(status)\(text.isEmpty ? "" : ": " + text))",
                       status: status, transient: status == 429 || status >= 500)
            }
        }
    }

    // MARK: The socket

    private func updateWatch() {
        guard let s = socket else { return }
        var events: Int16 = 0
        if !paused { events |= Int16(POLLIN) }
        if s.unwritten > 0 { events |= Int16(POLLOUT) }
        // With nothing to wait for, not watching at all: poll would report a hang-up at once, forever.
        loop.watch(s.fd, events: events, events == 0 ? nil : { [weak self] revents in self?.socketReady(revents) })
    }

    private func socketReady(_ revents: Int16) {
        guard socket != nil else { return }
        if revents & Int16(POLLOUT) != 0 { writeOut() }
        if socket != nil && !paused && revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 { readIn() }
    }

    private func readIn() {
        guard let s = socket, !paused else { return }
        let status = s.receive(budget: Self.readBudget)
        if s.receivedBytes {
            lastReceived = Clock.monotonic()
            pingSentAt = nil
        }
        process()
        guard socket === s else { return }
        switch status {
        case .wouldBlock:
            break
        case .more:
            // More may wait inside TLS, where poll cannot see it: read on in the next turn of the loop.
            let g = gen
            loop.after(0) { [weak self] in
                guard let self, self.gen == g, self.socket === s else { return }
                self.readIn()
            }
        case .eof:
            let why = s.reader.isMidFrame ? "the server closed the connection in the middle of a frame"
                                          : "the server closed the connection without a close frame"
            dropped("network", why, code: WebSocketCloseCode.abnormal, transient: true)
        case .failed(let m):
            dropped("network", redact(m), code: WebSocketCloseCode.abnormal, transient: true)
        }
    }

    /// Hands over what the reader has whole, until it needs more bytes or the caller falls behind.
    private func process() {
        while let s = socket, !paused {
            switch s.reader.next() {
            case .success(nil): return
            case .failure(let v): return violation(v)
            case .success(.some(let m)): handle(m, s)
            }
        }
    }

    private func handle(_ m: WebSocketMessage, _ s: WebSocketConnection) {
        switch m {
        case .text(let bytes):
            serviceEvent(bytes)
        case .binary(let bytes):
            log(.warn, "ignored a binary message of \(bytes.count) bytes (the service sends text)")
        case .ping(let payload):
            // Answered unless the server sends pings faster than it takes the answers.
            if s.unwritten < options.maxQueuedBytes {
                var frame: [UInt8] = []
                WebSocketFrameWriter.append(.pong, payload, to: &frame)
                s.queue(frame)
                writeOut()
            }
        case .pong:
            pingSentAt = nil
        case .close(let code, let reason):
            serverClose(code, reason)
        }
    }

    /// A text message: the service's event, handed over as it came when it is a JSON object.
    private func serviceEvent(_ bytes: [UInt8]) {
        guard let text = Self.eventText(bytes) else {
            return log(.warn, "ignored a message of \(bytes.count) bytes that is not a JSON object")
        }
        emit(text)
    }

    /// The event a text message's bytes make: the bytes as they came when they are a JSON object, else
    /// nil (pure, for the chat fuzz target).
    static func eventText(_ bytes: [UInt8]) -> OutputText? {
        let ok: Bool = bytes.withUnsafeBufferPointer { b in
            guard case .success(let j) = JSON.parse(bytes: b) else { return false }
            defer { JSON.release(j) }
            return j.kind == .object
        }
        return ok ? bytes.withUnsafeBufferPointer { OutputText.copy($0) } : nil
    }

    private func serverClose(_ code: UInt16?, _ reason: String) {
        let text = redact(reason)
        if state == .closing { return finish(code: code) }
        // Answer the close (RFC 6455 5.5.1) before going.
        if let s = socket {
            var frame: [UInt8] = []
            WebSocketFrameWriter.appendClose(code: code ?? WebSocketCloseCode.normal, reason: "", to: &frame)
            s.queue(frame)
            _ = s.flush()
        }
        if let end = sessionExpiration, Clock.now() >= end - 2 {
            return dropped("sessionExpired", "the chat session ended (sessionExpirationTime)" + (text.isEmpty ? "" : ": " + text),
                           code: code, transient: options.reconnect.renewSession, renewal: true)
        }
        let message = text.isEmpty ? "the server closed the connection" : "the server closed the connection: " + text
        dropped("serverClosed", message, code: code ?? WebSocketCloseCode.noStatus,
                transient: code.map { WebSocketCloseCode.isTransient($0) } ?? false)
    }

    private func violation(_ v: WebSocketViolation) {
        log(.warn, "protocol error: \(v.message)")
        if let s = socket {
            var frame: [UInt8] = []
            WebSocketFrameWriter.appendClose(code: v.closeCode, reason: v.message, to: &frame)
            s.queue(frame)
            _ = s.flush()
        }
        dropped("protocolError", v.message, code: v.closeCode, transient: true)
    }

    // MARK: Writing

    /// ivs_chat_send queued requests (the loop was woken for them).
    func flushOutbox() {
        guard state == .open, socket != nil else { return }
        writeOut()
    }

    /// Writes what the socket holds and, once all of it is written, the requests waiting in the outbox.
    /// Until then they stay there, counted against maxQueuedBytes: a server that stops reading fills the
    /// outbox and ivs_chat_send answers ChatSendQueueFull, instead of the socket's buffer growing.
    private func writeOut() {
        guard let s = socket else { return }
        var status = s.flush()
        if case .done = status, state == .open {
            let waiting = shared.takeOutbox()
            if !waiting.isEmpty {
                for item in waiting { s.queue(item.frame) }
                status = s.flush()
            }
        }
        switch status {
        case .done, .wouldBlock: break
        case .failed(let m): return dropped("network", redact(m), code: WebSocketCloseCode.abnormal, transient: true)
        }
        updateWatch()
    }

    // MARK: Keep-alive

    private func scheduleKeepAlive(_ g: Int) {
        loop.after(Double(options.pingIntervalMs) / 1000) { [weak self] in self?.keepAlive(g) }
    }

    /// A ping after pingIntervalMs without a byte from the server; without an answer (or any byte)
    /// within pingTimeoutMs the connection counts as lost.
    private func keepAlive(_ g: Int) {
        guard g == gen, state == .open, let s = socket else { return }
        let now = Clock.monotonic()
        if !paused && pingSentAt == nil && now - lastReceived >= Double(options.pingIntervalMs) / 1000 {
            pingCount &+= 1
            var frame: [UInt8] = []
            WebSocketFrameWriter.append(.ping, [UInt8(truncatingIfNeeded: pingCount >> 24), UInt8(truncatingIfNeeded: pingCount >> 16),
                                                UInt8(truncatingIfNeeded: pingCount >> 8), UInt8(truncatingIfNeeded: pingCount)], to: &frame)
            s.queue(frame)
            pingSentAt = now
            writeOut()
            loop.after(Double(options.pingTimeoutMs) / 1000) { [weak self] in
                guard let self, self.gen == g, self.state == .open, !self.paused, let sent = self.pingSentAt,
                      sent == now else { return }
                self.dropped("network", "no answer to a keep-alive ping within \(self.options.pingTimeoutMs) ms",
                             code: WebSocketCloseCode.abnormal, transient: true)
            }
        }
        scheduleKeepAlive(g)
    }

    // MARK: Events to the caller

    /// Hands an event to the caller as the client's dispatch mode says. In manual mode the events not
    /// yet run are counted, and reading stops at maxPendingEvents (the server then waits on TCP) until
    /// half of them ran.
    private func emit(_ text: OutputText?) {
        guard let text else { return }
        let sink = self.sink
        guard dispatcher.mode == .manual else {
            return dispatcher.deliver {
                sink(text.pointer)
                text.free()
            }
        }
        if shared.eventQueued() >= options.maxPendingEvents && !paused {
            paused = true
            log(.debug, "\(options.maxPendingEvents) events wait for ivs_client_dispatch: reading stops")
            updateWatch()
        }
        let (shared, loop, half) = (self.shared, self.loop, options.maxPendingEvents / 2)
        dispatcher.deliver { [weak self] in
            sink(text.pointer)
            text.free()
            if shared.eventRan() == half, let self {
                loop.submit { _ in self.resume() }
            }
        }
    }

    private func resume() {
        guard paused, shared.eventsWaiting < options.maxPendingEvents else { return }
        paused = false
        updateWatch()
        process()
        readIn()
    }

    static func lifecycle(_ state: String, _ build: (JSONPointer) -> Void = { _ in }) -> OutputText? {
        guard let o = JSON.object() else { return nil }
        defer { JSON.release(o) }
        o.set("Type", JSON.string("CONNECTION"))
        o.set("State", JSON.string(state))
        build(o)
        return OutputText.dump(o)
    }

    /// Text from the server or curl, without the token should it be quoted there.
    private func redact(_ text: String) -> String { Self.redact(text, token: usedToken) }

    static func redact(_ text: String, token: String?) -> String {
        guard let t = token, !t.isEmpty else { return text }
        let hay = Array(text.utf8), needle = Array(t.utf8)
        guard hay.count >= needle.count else { return text }
        var out: [UInt8] = []
        var i = 0
        while i < hay.count {
            if i + needle.count <= hay.count && hay[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: "***".utf8)
                i += needle.count
            } else {
                out.append(hay[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Ends

    /// A connect attempt failed.
    private func failed(_ reason: String, _ message: String, status: Int? = nil, error: IVSError? = nil, transient: Bool) {
        failures += 1
        disconnect(reason, message, code: nil, status: status, error: error, transient: transient)
    }

    /// An open connection ended. A connection that did not stay up for stableSeconds counts as a
    /// failed attempt (a server that accepts and drops at once is not retried forever).
    private func dropped(_ reason: String, _ message: String, code: UInt16?, transient: Bool, renewal: Bool = false) {
        if state == .closing { return finish(code: code) }
        if renewal || Clock.monotonic() - connectedAt >= Self.stableSeconds { failures = 0 } else { failures += 1 }
        disconnect(reason, message, code: code, status: nil, error: nil, transient: transient)
    }

    private func disconnect(_ reason: String, _ message: String, code: UInt16?, status: Int?, error: IVSError?, transient: Bool) {
        teardown()
        let unsent = shared.setOpen(false)
        let r = options.reconnect
        let reconnecting = transient && r.enabled && !shared.isClosing && (r.maxAttempts == 0 || failures < r.maxAttempts)
        log(.info, "disconnected (\(reason): \(message))\(reconnecting ? "; reconnecting" : "")")
        emit(Self.disconnected(reason, message, code: code, status: status, error: error, reconnecting: reconnecting, unsent: unsent))
        guard reconnecting else { return ended() }
        state = .reconnectWait
        let g = gen
        loop.after(r.delay(failures: failures)) { [weak self] in
            guard let self, self.gen == g, self.state == .reconnectWait else { return }
            self.attempt()
        }
    }

    /// ivs_chat_close: requests queued before it are written, then the close handshake (bounded by
    /// closeTimeoutMs); from any other state the chat ends at once.
    func beginClose() {
        switch state {
        case .finished:
            shared.markFinished()
        case .closing:
            break
        case .open:
            guard let s = socket else { return finish() }
            state = .closing
            for item in shared.takeOutbox() { s.queue(item.frame) }
            var frame: [UInt8] = []
            WebSocketFrameWriter.appendClose(code: WebSocketCloseCode.normal, reason: "", to: &frame)
            s.queue(frame)
            writeOut()
            guard state == .closing else { return }
            let g = gen
            loop.after(Double(options.closeTimeoutMs) / 1000) { [weak self] in
                guard let self, self.gen == g, self.state == .closing else { return }
                self.finish(message: "the server did not answer the close within closeTimeoutMs")
            }
        default:
            finish()
        }
    }

    /// The chat ends: its last event, reason clientClosed.
    private func finish(message: String = "the chat was closed (ivs_chat_close)", code: UInt16? = nil) {
        guard state != .finished else { return }
        teardown()
        let unsent = shared.setOpen(false)
        log(.info, "closed")
        emit(Self.disconnected("clientClosed", message, code: code, status: nil, error: nil, reconnecting: false, unsent: unsent))
        ended()
    }

    private func ended() {
        state = .finished
        loop.onStop(self, nil)
        shared.markFinished()
        let last = keepAlive // may be the last reference: released after everything above
        keepAlive = nil
        withExtendedLifetime(last) {}
    }

    private func teardown() {
        if let s = socket {
            loop.watch(s.fd, events: 0, nil)
            s.release()
            socket = nil
        }
        abort?.raise()
        abort = nil
        pingSentAt = nil
        paused = false
        if state != .finished { state = .idle }
    }

    static func disconnected(_ reason: String, _ message: String, code: UInt16?, status: Int?, error: IVSError?,
                             reconnecting: Bool, unsent: [String]) -> OutputText? {
        lifecycle("disconnected") { o in
            o.set("Reason", JSON.string(reason))
            o.set("Message", JSON.string(message))
            if let code { o.set("Code", JSON.integer(Int64(code))) }
            if let status { o.set("HttpStatus", JSON.integer(Int64(status))) }
            if let error, let e = JSON.object() {
                e.set("kind", JSON.string(error.kind.rawValue))
                e.set("code", JSON.string(error.code))
                e.set("message", JSON.string(error.message))
                o.set("Error", e)
            }
            o.set("Reconnecting", JSON.bool(reconnecting))
            if !unsent.isEmpty, let a = JSON.array() {
                for id in unsent { a.append(JSON.string(id)) }
                o.set("UnsentRequestIds", a)
            }
        }
    }
}
