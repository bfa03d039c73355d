// Fuzz target "chat": the chat messaging layer's JSON, from the server and from the C caller.
//
// Input: byte 0 picks the source (modulo 6), the rest is its text:
//   0  a text message from the server: the event ChatConnection hands to the caller (eventText)
//   1  ivs_chat_connect's options_json (the C ABI's marshalling, Marshal.swift, then ChatOptions.parse
//      and the createToken check ChatSession.connect makes: nothing connects)
//   2  ivs_chat_send's request_json (ChatRequest.prepare, then the frame ChatSession.send queues);
//      byte 1 picks the room's maximumMessageLength (unknown, or 1 to 500)
//   3  ivs_chat_set_token's text (ChatToken.parse(text:))
//   4  CreateChatToken's output and GetRoom's, as ChatConnection reads them
//   5  a close frame's reason from the server (or curl's message), redacted and put in the
//      disconnected event; byte 1 is the length of the token used (a prefix of the reason's text)
//
// Promises checked: an event handed to the caller is the message's bytes, whole (no NUL cut it short),
// and one JSON object; every error has the fixed error JSON shape and the kind its entry point
// promises; options in range, an endpoint whose URL parses back to it, and an upgrade request with
// no line but its own (nothing from the URL or the token breaks a header line); a prepared request
// is a JSON object with its RequestId and Action, Content within the room's limit, and its frame reads
// back as that text; a token is one a subprotocol can carry; a redacted text holds no token; messages
// about a token never quote it (they are short).
@testable import IVSCore
import CJansson
#if canImport(Glibc)
import Glibc
#endif

enum ChatTarget {
    /// A client with the default validation (on), as ChatSession.connect checks createToken with the
    /// client's own; it never sends.
    static let client: Client = {
        var config = ClientConfig()
        config.region = "us-west-2"
        config.credentials = RequestCheck.credentials
        do throws(IVSError) { return try Client(config: config, env: ScratchDirectory.emptyEnvironment) } catch {
            fatalError("the chat fuzz client cannot be made: \(error.message)")
        }
    }()

    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(data)
        switch input.byte() % 6 {
        case 0: serverEvent(Array(input.rest))
        case 1: options(input.rest)
        case 2:
            let limit = Int(input.byte())
            send(input.rest, maximumMessageLength: limit == 0 ? nil : min(limit, 500))
        case 3: setToken(Array(input.rest))
        case 4: tokenOutputs(input.rest)
        default:
            let n = Int(input.byte())
            disconnected(Array(input.rest), tokenLength: n)
        }
    }

    /// A text message (the reader passes only valid UTF-8 as text).
    static func serverEvent(_ bytes: [UInt8]) {
        guard bytes.withUnsafeBufferPointer({ UTF8Check.isValid($0) }) else { return }
        guard let text = ChatConnection.eventText(bytes) else { return }
        defer { text.free() }
        invariant(strlen(text.pointer) == bytes.count, "an event is cut short: \(strlen(text.pointer)) of \(bytes.count) bytes")
        guard let v = mustParse(text.pointer, "a chat event") else { return }
        invariant(v.kind == .object, "a chat event is not a JSON object")
        JSON.release(v)
    }

    static func options(_ bytes: UnsafeBufferPointer<UInt8>) {
        let parsed: Result<ChatOptions, IVSError> = withCString(bytes) { text in
            withJSONObject(text, "options_json", nullIsEmpty: false) { j in ChatOptions.parse(j, region: "us-west-2") }
        }
        let o: ChatOptions
        switch parsed {
        case .failure(let e):
            invariant(e.kind == .config || e.kind == .invalidArgument, "options_json failed as \(e.kind) \(e.code)")
            return checkErrorJSON(e, "options_json")
        case .success(let ok): o = ok
        }
        invariant((100...86_400_000).contains(o.pingIntervalMs) && (100...3_600_000).contains(o.pingTimeoutMs)
                  && (1024...(16 << 20)).contains(o.maxMessageBytes) && (1024...(1 << 30)).contains(o.maxQueuedBytes)
                  && (1...10_000_000).contains(o.maxPendingEvents) && (100...600_000).contains(o.handshakeTimeoutMs)
                  && (0...60_000).contains(o.closeTimeoutMs) && (o.maximumMessageLength.map { (1...500).contains($0) } ?? true),
                  "an option out of its range was accepted")
        invariant(!(o.token != nil && o.createToken != nil), "token and createToken were both accepted")
        let r = o.reconnect
        invariant((0...1_000_000).contains(r.maxAttempts) && (0...3_600_000).contains(r.initialDelayMs)
                  && (0...3_600_000).contains(r.maxDelayMs), "a reconnect setting out of its range was accepted")
        let d = r.delay(failures: Int(bytes.count % 40))
        invariant(d.isFinite && d >= 0 && d <= 3600, "a reconnect delay of \(d) s")
        // The endpoint: its URL reads back to it, and the upgrade request has its lines only.
        guard case .success(let again) = ChatEndpoint.parse(o.endpoint.url), again == o.endpoint else {
            return invariant(false, "the chat URL \(o.endpoint.url.debugDescription) does not read back")
        }
        if let t = o.token { checkToken(t) }
        checkRequestLines(o.endpoint, token: o.token?.token ?? "token")
        if let input = o.createToken {
            // ChatSession.connect's check of the CreateChatToken input, as ivs_call would check it.
            let checked = Client.operation(service: "ivschat", operation: "CreateChatToken").flatMap { model, op in
                JSON.parse(input).mapError { _ in IVSError.internal("out of memory") }.flatMap { j in
                    defer { JSON.release(j) }
                    return client.prepare(model, op, j).map { _ in () }
                }
            }
            if case .failure(let e) = checked {
                invariant(e.kind == .validation || e.kind == .invalidArgument, "createToken failed as \(e.kind) \(e.code)")
                checkErrorJSON(e, "options_json.createToken")
            }
        }
    }

    static func checkRequestLines(_ e: ChatEndpoint, token: String) {
        let request = WebSocketHandshake(key: "dGhlIHNhbXBsZSBub25jZQ==")
            .request(authority: e.authority, path: e.path, subprotocol: token, userAgent: "libivs-fuzz")
        var breaks = 0
        for (i, b) in request.enumerated() {
            switch b {
            case 13: invariant(i + 1 < request.count && request[i + 1] == 10, "the upgrade request has a bare CR")
            case 10:
                invariant(i > 0 && request[i - 1] == 13, "the upgrade request has a bare LF")
                breaks += 1
            default: invariant(b >= 32 && b != 127, "the upgrade request has the control byte \(b)")
            }
        }
        // The request line, 7 header lines, the empty line.
        invariant(breaks == 9, "the upgrade request has \(breaks) line breaks, not 9")
    }

    static func checkToken(_ t: ChatToken) {
        invariant(WebSocketHandshake.isToken(t.token) && t.token.utf8.count <= ChatToken.maxLength,
                  "a token a subprotocol cannot carry was accepted")
        // A time of the years 0001-9999 (ISO 8601 text may be before 1970; epoch seconds may not), which
        // the connected event can write.
        for e in [t.tokenExpiration, t.sessionExpiration] {
            if let e { invariant(e.isFinite && e < 253_402_300_800 && Clock.iso8601(e) != nil, "a token expiry of \(e)") }
        }
    }

    static func send(_ bytes: UnsafeBufferPointer<UInt8>, maximumMessageLength: Int?) {
        let prepared = withCString(bytes) { text in
            jsonObject(text, "request_json", nullIsEmpty: false).flatMap { j in
                defer { JSON.release(j) }
                return ChatRequest.prepare(j, maximumMessageLength: maximumMessageLength)
            }
        }
        switch prepared {
        case .failure(let e):
            invariant(e.kind == .validation || e.kind == .invalidArgument, "request_json failed as \(e.kind) \(e.code)")
            checkErrorJSON(e, "request_json")
        case .success(let (requestId, text)):
            defer { text.free() }
            guard let v = mustParse(text.pointer, "a chat request") else { return }
            defer { JSON.release(v) }
            invariant(v.kind == .object && v["RequestId"]?.stringValue == requestId && v["Action"]?.stringValue != nil,
                      "a prepared request lacks its RequestId or Action")
            if let n = v["Content"]?.stringCodePoints {
                invariant(n <= min(maximumMessageLength ?? 500, 500), "Content of \(n) characters passed the limit")
            }
            // The frame ChatSession.send queues, unmasked: the text, whole.
            let length = strlen(text.pointer)
            var frame: [UInt8] = []
            text.pointer.withMemoryRebound(to: UInt8.self, capacity: length) { p in
                WebSocketFrameWriter.append(.text, UnsafeRawBufferPointer(start: p, count: length), maskKey: 0x0102_0304, to: &frame)
            }
            let back = WebSocketTarget.readBack(frame, maxBytes: 1 << 20)
            let expected = text.pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }
            invariant(back == .text(expected), "a request's frame does not read back as its text")
        }
    }

    static func setToken(_ bytes: [UInt8]) {
        // ivs_chat_set_token takes a C string: up to the first NUL.
        let text = String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        switch ChatToken.parse(text: text) {
        case .success(let t):
            checkToken(t)
            checkRequestLines(ChatEndpoint.service(region: "us-west-2"), token: t.token)
        case .failure(let why):
            // Never the token: the messages name it and say what is wrong, no more.
            invariant(!why.text.isEmpty && why.text.utf8.count <= 100, "a token problem quotes input: \(why.text.prefix(200))")
            checkErrorJSON(.invalidArgument(why.text), "ivs_chat_set_token")
        }
    }

    /// What the connection does with ivs_call's output of CreateChatToken and GetRoom.
    static func tokenOutputs(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard case .success(let out) = JSON.parse(bytes: bytes) else { return }
        defer { JSON.release(out) }
        switch ChatToken.parse(out, name: "CreateChatToken output") {
        case .success(let t): checkToken(t)
        case .failure(let why): invariant(!why.text.isEmpty && why.text.utf8.count <= 120, "a token problem quotes input")
        }
        if let n = out["maximumMessageLength"]?.intValue.flatMap({ Int(exactly: $0) }), n > 0 {
            _ = min(n, ChatRequest.maxContentLength)
        }
    }

    /// A close reason or a network message with the token redacted, in the disconnected event.
    static func disconnected(_ bytes: [UInt8], tokenLength: Int) {
        let text = String(decoding: bytes, as: UTF8.self)
        // A token as a subprotocol carries it (tchar), without "*": the redaction's own "***" would
        // make one of stars again.
        let token = String(decoding: bytes.prefix(tokenLength).filter {
            $0 != 42 && WebSocketHandshake.isToken(String(decoding: [$0], as: UTF8.self))
        }, as: UTF8.self)
        let redacted = ChatConnection.redact(text, token: token)
        if !token.isEmpty {
            invariant(!contains(Array(redacted.utf8), Array(token.utf8)), "the token survived redaction")
        }
        let error = IVSError(.network, code: ErrorCode.connectionClosed, redacted)
        guard let event = ChatConnection.disconnected("serverClosed", "the server closed the connection: " + redacted,
                                                       code: 1000, status: nil, error: error, reconnecting: true,
                                                       unsent: [String(decoding: bytes.prefix(36), as: UTF8.self)]) else {
            return invariant(false, "no disconnected event")
        }
        defer { event.free() }
        guard let v = mustParse(event.pointer, "a disconnected event") else { return }
        invariant(v["Message"]?.stringValue == "the server closed the connection: " + redacted,
                  "the event's Message is not the text")
        JSON.release(v)
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, hay.count >= needle.count else { return false }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
