import CJansson

/// Self-signed IVS Real-Time participant tokens, as the Real-Time User Guide's "Distribute
/// participant tokens" specifies: an ES384 JWT with kid = the imported public key's ARN and the
/// claims a stage checks (resource, topic, endpoints, capabilities, expiry).
public struct ParticipantToken {
    /// Documented limits (CreateParticipantToken's model).
    public static let defaultDuration: Int64 = 720
    public static let maxDuration: Int64 = 20160
    public static let maxUserIdLength = 128
    public static let maxAttributesBytes = 1024
    public static let maxParticipantIdLength = 64
    public static let capabilityNames = ["PUBLISH", "SUBSCRIBE"]

    static let members = ["privateKey", "publicKeyArn", "stageArn", "eventsUrl", "whipUrl", "participantId", "userId",
                          "attributes", "capabilities", "duration"]

    let key: ECKey
    let publicKeyArn: String
    let stageArn: String
    let eventsUrl: String?
    let whipUrl: String?
    let participantId: String
    let userId: String?
    let attributes: [(String, String)]?
    let capabilities: [String]
    let duration: Int64

    // MARK: Entry points

    /// ivs_participant_token: eventsUrl and whipUrl come from the request (borrowed; its privateKey
    /// string is cleared).
    public static func make(request: JSONPointer, now: Int64 = Int64(Clock.now())) -> Result<JSONPointer, IVSError> {
        parse(request: request, endpointsFromStage: false).flatMap { t in
            // Both URLs are checked present by parse when endpointsFromStage is false.
            t.mint(eventsUrl: t.eventsUrl ?? "", whipUrl: t.whipUrl ?? "", now: now)
        }
    }

    /// ivs_participant_token_for_stage: the stage's endpoints are read with GetStage through client.
    public static func make(request: JSONPointer, client: Client,
                            now: @autoclosure () -> Int64 = Int64(Clock.now())) -> Result<JSONPointer, IVSError> {
        parse(request: request, endpointsFromStage: true).flatMap { t in
            stageEndpoints(client: client, stageArn: t.stageArn).flatMap { ep in
                t.mint(eventsUrl: ep.events, whipUrl: ep.whip, now: now())
            }
        }
    }

    /// Reads and checks a request object (borrowed; its privateKey string is cleared).
    public static func parse(request root: JSONPointer, endpointsFromStage: Bool = false) -> Result<ParticipantToken, IVSError> {
        var r = TokenRequest(root, members: members)
        let key = r.privateKey()
        let publicKeyArn = r.arn("publicKeyArn", type: "public-key")
        let stageArn = r.arn("stageArn", type: "stage")

        var endpoints: [String: String] = [:]
        for name in ["eventsUrl", "whipUrl"] {
            if endpointsFromStage {
                if r.has(name) { r.problem(name, "is read from the stage with GetStage; leave it out") }
            } else if let u = r.string(name, required: true) {
                if isURL(u) { endpoints[name] = u } else { r.problem(name, "must be a URL (scheme://host...)") }
            }
        }

        var participantId = r.string("participantId")
        if let p = participantId, !isParticipantId(p) {
            r.problem("participantId", "must be 1 to \(maxParticipantIdLength) characters of A-Z, a-z, 0-9, _ and -")
        }
        if participantId == nil { participantId = newParticipantId() }

        let userId = r.string("userId")
        if let u = userId, TokenRequest.characters(u) > maxUserIdLength {
            r.problem("userId", "must be at most \(maxUserIdLength) characters (has \(TokenRequest.characters(u)))")
        }

        var attributes: [(String, String)]? = nil
        if let a = r.value("attributes") {
            if a.kind != .object {
                r.problem("attributes", "must be an object of string keys to string values")
            } else {
                var list: [(String, String)] = []
                var size = 0
                var ok = true
                a.forEachMember { k, v in
                    guard let s = v.stringValue else { r.problem("attributes.\(k)", "must be a string"); ok = false; return }
                    size += k.utf8.count + s.utf8.count
                    list.append((k, s))
                }
                if ok && size > maxAttributesBytes {
                    r.problem("attributes", "keys and values total \(size) bytes; at most \(maxAttributesBytes) (1 KB) are allowed")
                }
                attributes = list
            }
        }

        var capabilities = capabilityNames
        if let c = r.value("capabilities") {
            if c.kind != .array {
                r.problem("capabilities", "must be an array of \"PUBLISH\" and/or \"SUBSCRIBE\"")
            } else {
                capabilities = []
                for i in 0..<c.count {
                    guard let s = c.element(i)?.stringValue, capabilityNames.contains(s) else {
                        r.problem("capabilities[\(i)]", "must be \"PUBLISH\" or \"SUBSCRIBE\"")
                        continue
                    }
                    if !capabilities.contains(s) { capabilities.append(s) }
                }
            }
        }

        let duration = r.integer("duration") ?? defaultDuration
        if duration < 1 || duration > maxDuration {
            r.problem("duration", "must be 1 to \(maxDuration) minutes (14 days); the default is \(defaultDuration)")
        }

        if let e = r.failure { return .failure(e) }
        guard let key, let publicKeyArn, let stageArn, let participantId else {
            return .failure(.internal("participant token request incomplete"))
        }
        return .success(ParticipantToken(key: key, publicKeyArn: publicKeyArn, stageArn: stageArn, eventsUrl: endpoints["eventsUrl"],
                                         whipUrl: endpoints["whipUrl"], participantId: participantId, userId: userId,
                                         attributes: attributes, capabilities: capabilities, duration: duration))
    }

    // MARK: Minting

    /// Signs the token; {"participantToken": {...}} as CreateParticipantToken returns it (owned).
    public func mint(eventsUrl: String, whipUrl: String, now: Int64) -> Result<JSONPointer, IVSError> {
        let exp = now + duration * 60
        guard let claims = JSON.object(), let header = JWT.header(kid: publicKeyArn) else {
            return .failure(.internal("out of memory"))
        }
        defer { JSON.release(claims); JSON.release(header) }
        claims.set("exp", JSON.integer(exp))
        claims.set("iat", JSON.integer(now))
        claims.set("jti", JSON.string(participantId))
        claims.set("resource", JSON.string(stageArn))
        claims.set("topic", JSON.string(Self.stageId(stageArn)))
        claims.set("events_url", JSON.string(eventsUrl))
        claims.set("whip_url", JSON.string(whipUrl))
        if let userId { claims.set("user_id", JSON.string(userId)) }
        if let attributes { claims.set("attributes", Self.object(attributes)) }
        let caps = JSON.object()
        caps?.set("allow_publish", JSON.bool(capabilities.contains("PUBLISH")))
        caps?.set("allow_subscribe", JSON.bool(capabilities.contains("SUBSCRIBE")))
        claims.set("capabilities", caps)
        claims.set("version", JSON.string("1.0"))

        let token: String
        switch JWT.sign(header: header, claims: claims, key: key) {
        case .failure(let e): return .failure(e)
        case .success(let t): token = t
        }
        guard let out = JSON.object(), let pt = JSON.object() else { return .failure(.internal("out of memory")) }
        pt.set("token", JSON.string(token))
        pt.set("participantId", JSON.string(participantId))
        if let userId { pt.set("userId", JSON.string(userId)) }
        if let attributes { pt.set("attributes", Self.object(attributes)) }
        let list = JSON.array()
        for c in capabilities { list?.append(JSON.string(c)) }
        pt.set("capabilities", list)
        pt.set("duration", JSON.integer(duration))
        pt.set("expirationTime", JSON.string(Clock.text(Double(exp))))
        out.set("participantToken", pt)
        return .success(out)
    }

    // MARK: GetStage

    /// The stage's events and WHIP endpoints, from GetStage.
    static func stageEndpoints(client: Client, stageArn: String) -> Result<(events: String, whip: String), IVSError> {
        guard let input = JSON.object() else { return .failure(.internal("out of memory")) }
        defer { JSON.release(input) }
        input.set("arn", JSON.string(stageArn))
        switch client.call(service: "ivs-realtime", operation: "GetStage", input: input) {
        case .failure(let e): return .failure(e)
        case .success(let out):
            defer { JSON.release(out) }
            guard let ep = out["stage"]?["endpoints"], let events = ep["events"]?.stringValue,
                  let whip = ep["whip"]?.stringValue, !events.isEmpty, !whip.isEmpty else {
                return .failure(IVSError(.service, code: ErrorCode.missingStageEndpoints,
                                         "GetStage returned no endpoints.events and endpoints.whip for \(stageArn)"))
            }
            return .success((events, whip))
        }
    }

    // MARK: Helpers

    static func stageId(_ arn: String) -> String {
        guard let slash = arn.lastIndex(of: "/") else { return arn }
        return String(arn[arn.index(after: slash)...])
    }

    static func object(_ pairs: [(String, String)]) -> JSONPointer? {
        let o = JSON.object()
        for (k, v) in pairs { o?.set(k, JSON.string(v)) }
        return o
    }

    /// scheme://rest with a non-empty scheme and rest.
    static func isURL(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let colon = u.firstIndex(of: UInt8(ascii: ":")), colon > 0, u.count > colon + 3 else { return false }
        return u[colon + 1] == UInt8(ascii: "/") && u[colon + 2] == UInt8(ascii: "/")
    }

    static func isParticipantId(_ s: String) -> Bool {
        let u = s.utf8
        return !u.isEmpty && u.count <= maxParticipantIdLength
            && u.allSatisfy { TokenRequest.isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static let idAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// 12 random alphanumerics, the shape of the participant ids IVS assigns.
    static func newParticipantId() -> String {
        var g = SystemRandomNumberGenerator()
        return String(decoding: (0..<12).map { _ in idAlphabet[Int(g.next(upperBound: UInt64(idAlphabet.count)))] },
                      as: UTF8.self)
    }
}
