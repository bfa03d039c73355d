/// What is wrong with an option or a token, for a message (never quoting a token).
public struct ChatProblem: Error, ExpressibleByStringInterpolation, Sendable {
    public let text: String
    public init(stringLiteral value: String) { text = value }
    public init(stringInterpolation: DefaultStringInterpolation) { text = String(stringInterpolation: stringInterpolation) }
}

/// A chat token as the application hands it over: the token alone, or CreateChatToken's output with
/// its expiry times (then libivs knows when the token may no longer be used and when the session ends).
/// The token is a secret: no message ever shows it.
public struct ChatToken: Sendable {
    public let token: String
    public let tokenExpiration: Double?
    public let sessionExpiration: Double?

    /// The most characters a token may have (today's are about 600).
    public static let maxLength = 16 * 1024

    /// A token string, or a JSON object {"token", "tokenExpirationTime"?, "sessionExpirationTime"?}
    /// (CreateChatToken's output; other members are ignored).
    public static func parse(_ value: JSONPointer, name: String) -> Result<ChatToken, ChatProblem> {
        switch value.kind {
        case .string:
            return check(value.stringValue ?? "", name: name).map { ChatToken(token: $0, tokenExpiration: nil, sessionExpiration: nil) }
        case .object:
            guard let t = value["token"], t.kind == .string else { return .failure("\(name).token must be a string") }
            return check(t.stringValue ?? "", name: name + ".token").flatMap { token in
                time(value["tokenExpirationTime"], "\(name).tokenExpirationTime").flatMap { te in
                    time(value["sessionExpirationTime"], "\(name).sessionExpirationTime").map { se in
                        ChatToken(token: token, tokenExpiration: te, sessionExpiration: se)
                    }
                }
            }
        default:
            return .failure("\(name) must be a token string or an object with \"token\"")
        }
    }

    /// The text ivs_chat_set_token takes: the token, or CreateChatToken's output as JSON.
    public static func parse(text: String) -> Result<ChatToken, ChatProblem> {
        guard text.utf8.first == UInt8(ascii: "{") else {
            return check(text, name: "token").map { ChatToken(token: $0, tokenExpiration: nil, sessionExpiration: nil) }
        }
        switch JSON.parse(text) {
        case .failure: return .failure("token is neither a token nor a JSON object")
        case .success(let j):
            defer { JSON.release(j) }
            return parse(j, name: "token")
        }
    }

    private static func check(_ token: String, name: String) -> Result<String, ChatProblem> {
        guard !token.isEmpty else { return .failure("\(name) is empty") }
        guard token.utf8.count <= maxLength else { return .failure("\(name) is longer than \(maxLength) characters") }
        // The token travels as the WebSocket subprotocol: an HTTP token, as browsers require.
        guard WebSocketHandshake.isToken(token) else {
            return .failure("\(name) has characters a WebSocket subprotocol cannot carry")
        }
        return .success(token)
    }

    private static func time(_ v: JSONPointer?, _ name: String) -> Result<Double?, ChatProblem> {
        guard let v, v.kind != .null else { return .success(nil) }
        if let s = v.stringValue {
            guard let t = Clock.parseISO8601(s) else { return .failure("\(name) is not an ISO 8601 time") }
            return .success(t)
        }
        if let d = v.numberValue, d.isFinite, d >= 0, d < 253_402_300_800 { return .success(d) }
        return .failure("\(name) must be an ISO 8601 string or epoch seconds")
    }

    /// Whether the token can no longer be used to connect.
    func expired(now: Double) -> Bool { tokenExpiration.map { now >= $0 } ?? false }
}

/// When and how often a dropped chat connection is made again.
public struct ReconnectPolicy: Sendable {
    public var enabled = true
    /// Connect attempts in a row that may fail before the chat gives up (0: never gives up).
    public var maxAttempts = 10
    public var initialDelayMs = 500
    public var maxDelayMs = 30_000
    /// Whether a new session starts (with a new token) when the session ends.
    public var renewSession = true

    /// The wait before the next attempt after `failures` failed ones in a row: exponential from
    /// initialDelayMs up to maxDelayMs, each a random time between half of it and all of it (so clients
    /// dropped together do not come back together).
    func delay(failures: Int) -> Double {
        let exponent = min(max(0, failures), 20)
        let full = min(Double(maxDelayMs), Double(initialDelayMs) * Double(1 << exponent)) / 1000
        var g = SystemRandomNumberGenerator()
        return full / 2 + Double.random(in: 0...1, using: &g) * full / 2
    }
}

/// ivs_chat_connect's options, checked when the chat is made.
public struct ChatOptions: Sendable {
    public var token: ChatToken? = nil
    /// CreateChatToken's input (compact JSON) when libivs mints a token for every connect.
    public var createToken: String? = nil
    public var roomIdentifier: String? = nil
    public var endpoint: ChatEndpoint
    public var maximumMessageLength: Int? = nil
    public var reconnect = ReconnectPolicy()
    public var pingIntervalMs = 30_000
    public var pingTimeoutMs = 10_000
    public var maxMessageBytes = 128 * 1024
    public var maxQueuedBytes = 1 << 20
    public var maxPendingEvents = 10_000
    public var handshakeTimeoutMs = 10_000
    public var closeTimeoutMs = 2_000

    static let keys: Set<String> = ["token", "createToken", "url", "maximumMessageLength", "reconnect", "pingIntervalMs",
                                    "pingTimeoutMs", "maxMessageBytes", "maxQueuedBytes", "maxPendingEvents",
                                    "handshakeTimeoutMs", "closeTimeoutMs"]

    /// Parses options (a JSON object, borrowed); region gives the default URL.
    public static func parse(_ json: JSONPointer, region: String) -> Result<ChatOptions, IVSError> {
        var o = ChatOptions(endpoint: ChatEndpoint.service(region: region))
        var problems: [String] = []
        json.forEachMember { key, value in
            if value.kind == .null { return }
            guard keys.contains(key) else { return problems.append("unknown option \"\(Text.excerpt(key, limit: 40))\"") }
            switch key {
            case "token":
                switch ChatToken.parse(value, name: "token") {
                case .success(let t): o.token = t
                case .failure(let why): problems.append(why.text)
                }
            case "createToken":
                guard value.kind == .object else { return problems.append("createToken must be a CreateChatToken input object") }
                o.createToken = JSON.dump(value)
                o.roomIdentifier = value["roomIdentifier"]?.stringValue
            case "url":
                guard let s = value.stringValue else { return problems.append("url must be a string") }
                switch ChatEndpoint.parse(s) {
                case .success(let e): o.endpoint = e
                case .failure(let why): problems.append(why.text + ": \"\(URLText.redacted(s))\"")
                }
            case "reconnect":
                parseReconnect(value, &o.reconnect, &problems)
            default:
                let ranges: [String: (ClosedRange<Int>, WritableKeyPath<ChatOptions, Int>)] = [
                    "pingIntervalMs": (100...86_400_000, \.pingIntervalMs), "pingTimeoutMs": (100...3_600_000, \.pingTimeoutMs),
                    "maxMessageBytes": (1024...(16 << 20), \.maxMessageBytes), "maxQueuedBytes": (1024...(1 << 30), \.maxQueuedBytes),
                    "maxPendingEvents": (1...10_000_000, \.maxPendingEvents), "handshakeTimeoutMs": (100...600_000, \.handshakeTimeoutMs),
                    "closeTimeoutMs": (0...60_000, \.closeTimeoutMs),
                ]
                if key == "maximumMessageLength" {
                    guard let n = integer(value), (1...500).contains(n) else {
                        return problems.append("maximumMessageLength must be an integer from 1 to 500")
                    }
                    o.maximumMessageLength = n
                } else if let (range, path) = ranges[key] {
                    guard let n = integer(value), range.contains(n) else {
                        return problems.append("\(key) must be an integer from \(range.lowerBound) to \(range.upperBound)")
                    }
                    o[keyPath: path] = n
                }
            }
        }
        if o.token != nil && o.createToken != nil { problems.append("token and createToken exclude each other") }
        if let p = problems.first {
            return .failure(.config("options_json: " + (problems.count == 1 ? p : problems.joined(separator: "; "))))
        }
        return .success(o)
    }

    private static func parseReconnect(_ value: JSONPointer, _ r: inout ReconnectPolicy, _ problems: inout [String]) {
        if let b = value.boolValue { r.enabled = b; return }
        guard value.kind == .object else { return problems.append("reconnect must be a boolean or an object") }
        value.forEachMember { key, v in
            switch key {
            case "enabled", "renewSession":
                guard let b = v.boolValue else { return problems.append("reconnect.\(key) must be a boolean") }
                if key == "enabled" { r.enabled = b } else { r.renewSession = b }
            case "maxAttempts", "initialDelayMs", "maxDelayMs":
                let range = key == "maxAttempts" ? 0...1_000_000 : 0...3_600_000
                guard let n = integer(v), range.contains(n) else {
                    return problems.append("reconnect.\(key) must be an integer from \(range.lowerBound) to \(range.upperBound)")
                }
                switch key {
                case "maxAttempts": r.maxAttempts = n
                case "initialDelayMs": r.initialDelayMs = n
                default: r.maxDelayMs = n
                }
            default:
                problems.append("unknown option \"reconnect.\(Text.excerpt(key, limit: 40))\"")
            }
        }
    }

    private static func integer(_ v: JSONPointer) -> Int? {
        v.intValue.flatMap { Int(exactly: $0) }
    }
}
