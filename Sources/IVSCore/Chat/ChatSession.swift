#if canImport(Glibc)
import Glibc
#endif

extension ErrorCode {
    // A chat's own refusals of ivs_chat_send.
    public static let chatClosed = "ChatClosed"
    public static let chatNotConnected = "ChatNotConnected"
    public static let chatSendQueueFull = "ChatSendQueueFull"
}

/// A chat connection to an IVS Chat room as the C ABI hands it out (ivs_chat): made by connect(),
/// used from any thread (send, setToken), ended by close(). Its connection lives on the client's event
/// loop (ChatConnection); its events reach the caller as the callbacks of calls in flight do.
public final class ChatSession: @unchecked Sendable {
    private let client: Client
    private let loop: EventLoop
    private let connection: ChatConnection
    private let shared: ChatShared
    private let options: ChatOptions

    private init(client: Client, loop: EventLoop, connection: ChatConnection) {
        self.client = client
        self.loop = loop
        self.connection = connection
        self.shared = connection.shared
        self.options = connection.options
    }

    /// Checks the options (a JSON object, borrowed) and starts connecting; onEvent receives every
    /// event's JSON text, valid during the call only. Fails at once only for bad options (and a
    /// createToken input that breaks the model) or a client being freed.
    public static func connect(client: Client, options json: JSONPointer,
                               onEvent: @escaping (UnsafePointer<CChar>) -> Void) -> Result<ChatSession, IVSError> {
        let options: ChatOptions
        switch ChatOptions.parse(json, region: client.config.region) {
        case .failure(let e): return .failure(e)
        case .success(let o): options = o
        }
        if let input = options.createToken {
            // The CreateChatToken input is checked now, as ivs_call would check it, so a typo is an
            // error here rather than a failed reconnect later.
            let checked = Client.operation(service: "ivschat", operation: "CreateChatToken").flatMap { model, op in
                JSON.parse(input).mapError { _ in IVSError.internal("out of memory") }.flatMap { j in
                    defer { JSON.release(j) }
                    return client.prepare(model, op, j).map { _ in () }
                }
            }
            if case .failure(var e) = checked {
                if case .validation = e.kind { e.message = "options_json.createToken: " + e.message }
                return .failure(e)
            }
        }
        guard let loop = client.eventLoop() else {
            return .failure(IVSError(.cancelled, code: ErrorCode.cancelled, "the client is being freed"))
        }
        let shared = ChatShared(maximumMessageLength: options.maximumMessageLength)
        let connection = ChatConnection(loop: loop, client: client, options: options, shared: shared, sink: onEvent)
        guard loop.submit({ _ in connection.start() }) else {
            return .failure(IVSError(.cancelled, code: ErrorCode.cancelled, "the client is being freed"))
        }
        return .success(ChatSession(client: client, loop: loop, connection: connection))
    }

    /// ivs_chat_send: the request checked (request is owned by the caller and gets its RequestId),
    /// queued for the connection, and {"RequestId": ...} back.
    public func send(_ request: JSONPointer) -> Result<OutputText, IVSError> {
        let prepared: (requestId: String, text: OutputText)
        switch ChatRequest.prepare(request, maximumMessageLength: shared.messageLength) {
        case .failure(let e): return .failure(e)
        case .success(let p): prepared = p
        }
        var frame: [UInt8] = []
        let length = strlen(prepared.text.pointer)
        prepared.text.pointer.withMemoryRebound(to: UInt8.self, capacity: length) { p in
            WebSocketFrameWriter.append(.text, UnsafeRawBufferPointer(start: p, count: length),
                                        maskKey: WebSocketFrameWriter.newMaskKey(), to: &frame)
        }
        prepared.text.free()
        switch shared.enqueue(id: prepared.requestId, frame: frame, limit: options.maxQueuedBytes) {
        case .failure(.closing):
            return .failure(.invalidArgument("the chat is closed", code: ErrorCode.chatClosed))
        case .failure(.notConnected):
            return .failure(IVSError(.network, code: ErrorCode.chatNotConnected,
                                     "the chat is not connected (wait for its \"connected\" event)", retryable: true))
        case .failure(.queueFull):
            return .failure(IVSError(.network, code: ErrorCode.chatSendQueueFull,
                                     "more than maxQueuedBytes (\(options.maxQueuedBytes)) wait to be sent", retryable: true))
        case .success(let wake):
            if wake { loop.submit { [connection] _ in connection.flushOutbox() } }
        }
        guard let out = JSON.object() else { return .failure(.internal("out of memory")) }
        defer { JSON.release(out) }
        out.set("RequestId", JSON.string(prepared.requestId))
        return OutputText.dump(out).map { .success($0) } ?? .failure(.internal("out of memory"))
    }

    /// ivs_chat_set_token: the token for the next connect (a token, or CreateChatToken's output as JSON).
    public func setToken(_ text: String) -> Result<Void, IVSError> {
        switch ChatToken.parse(text: text) {
        case .failure(let why): return .failure(.invalidArgument(why.text))
        case .success(let t):
            shared.setToken(t)
            loop.submit { [connection] _ in connection.tokenArrived() }
            return .success(())
        }
    }

    /// ivs_chat_close: ends the chat; the last event is its disconnect. From any thread but the
    /// loop's, returns once that event was delivered (thread dispatch) or queued (manual dispatch);
    /// from a callback on the loop thread, at once (the event follows).
    public func close() {
        shared.requestClose()
        let submitted = loop.submit { [connection] _ in connection.beginClose() }
        guard submitted, !loop.isLoopThread else { return }
        let bound = Double(options.closeTimeoutMs + options.handshakeTimeoutMs) / 1000 + 5
        if !shared.waitFinished(seconds: bound) {
            Log.log(.warn, clientLevel: client.config.logLevel, "chat: ivs_chat_close gave up waiting for the connection to end")
        }
    }
}
