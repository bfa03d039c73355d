/// Playback authorization tokens for private IVS channels, as the IVS Low-Latency User Guide's
/// "Generate and sign playback tokens" specifies: an ES384 JWT whose claims name the channel, the
/// expiry and the optional viewer restrictions.
public enum PlaybackToken {
    /// Default lifetime in seconds.
    public static let defaultLifetime: Int64 = 3600
    /// Documented: with aws:viewer-id or aws:single-use-uuid, exp is at most 10 minutes ahead.
    public static let shortLifetime: Int64 = 600
    /// IVS documents no limit otherwise; a year bounds the arithmetic and catches unit mistakes
    /// (milliseconds for seconds).
    public static let maxLifetime: Int64 = 365 * 86400
    /// Documented: at most 5 origins with strict origin enforcement.
    public static let maxStrictOrigins = 5
    /// Documented: aws:viewer-id is at most 40 characters (ViewerId in the model).
    public static let maxViewerIdLength = 40
    public static let resolutions = ["SD", "HD", "FULL_HD"]

    static let members = ["privateKey", "channelArn", "expiresIn", "accessControlAllowOrigin", "strictOriginEnforcement",
                          "singleUseUuid", "viewerId", "viewerSessionVersion", "maximumResolution", "playbackUrl"]

    /// ivs_playback_token: {"token", "expiresAt", "playbackUrl"?} (owned) from a request object
    /// (borrowed; its privateKey string is cleared).
    public static func make(request root: JSONPointer, now: Int64 = Int64(Clock.now())) -> Result<JSONPointer, IVSError> {
        var r = TokenRequest(root, members: members)
        let key = r.privateKey()
        let channelArn = r.arn("channelArn", type: "channel")

        let origins = readOrigins(&r)
        let strict = r.bool("strictOriginEnforcement")
        if strict == true, let origins, origins.count > maxStrictOrigins {
            r.problem("accessControlAllowOrigin",
                      "has \(origins.count) origins; at most \(maxStrictOrigins) are allowed with strictOriginEnforcement")
        }

        let singleUse = r.string("singleUseUuid")
        if let singleUse, !isUUID(singleUse) {
            r.problem("singleUseUuid", "must be a UUID such as 123e4567-e89b-42d3-a456-426614174000")
        }
        let viewerId = r.string("viewerId")
        if let viewerId {
            let n = TokenRequest.characters(viewerId)
            if n < 1 || n > maxViewerIdLength {
                r.problem("viewerId", "must be 1 to \(maxViewerIdLength) characters (has \(n))")
            }
        }
        let sessionVersion = r.integer("viewerSessionVersion")
        if let v = sessionVersion, v < 0 || v > Int64(Int32.max) {
            r.problem("viewerSessionVersion", "must be between 0 and \(Int32.max)")
        }
        let resolution = r.string("maximumResolution")
        if let resolution, !resolutions.contains(resolution) {
            r.problem("maximumResolution", "must be one of SD, HD, FULL_HD")
        }

        let restricted = r.has("viewerId") || r.has("singleUseUuid")
        let limit = restricted ? shortLifetime : maxLifetime
        let lifetime = r.integer("expiresIn") ?? (restricted ? shortLifetime : defaultLifetime)
        if lifetime < 1 || lifetime > limit {
            r.problem("expiresIn", restricted
                ? "must be 1 to \(shortLifetime) seconds when viewerId or singleUseUuid is set (exp at most 10 minutes ahead)"
                : "must be 1 to \(maxLifetime) seconds")
        }

        let playbackUrl = r.string("playbackUrl")
        if let u = playbackUrl, !(u.hasPrefix("https://") || u.hasPrefix("http://")) || u.utf8.count <= 8 {
            r.problem("playbackUrl", "must be an http(s) URL")
        }

        if let e = r.failure { return .failure(e) }
        guard let key, let channelArn else { return .failure(.internal("playback token request incomplete")) }

        let exp = now + lifetime
        guard let claims = JSON.object(), let header = JWT.header() else { return .failure(.internal("out of memory")) }
        defer { JSON.release(claims); JSON.release(header) }
        claims.set("aws:channel-arn", JSON.string(channelArn))
        if let origins { claims.set("aws:access-control-allow-origin", JSON.string(origins.joined(separator: ","))) }
        if let strict { claims.set("aws:strict-origin-enforcement", JSON.bool(strict)) }
        if let singleUse { claims.set("aws:single-use-uuid", JSON.string(singleUse)) }
        if let viewerId { claims.set("aws:viewer-id", JSON.string(viewerId)) }
        if let sessionVersion { claims.set("aws:viewer-session-version", JSON.integer(sessionVersion)) }
        if let resolution { claims.set("aws:maximum-resolution", JSON.string(resolution)) }
        claims.set("exp", JSON.integer(exp))

        let token: String
        switch JWT.sign(header: header, claims: claims, key: key) {
        case .failure(let e): return .failure(e)
        case .success(let t): token = t
        }
        guard let expiresAt = Clock.iso8601(Double(exp)) else { return .failure(.internal("the expiry is outside the years 1-9999")) }
        guard let out = JSON.object() else { return .failure(.internal("out of memory")) }
        out.set("token", JSON.string(token))
        out.set("expiresAt", JSON.string(expiresAt))
        if let playbackUrl { out.set("playbackUrl", JSON.string(withToken(playbackUrl, token))) }
        return .success(out)
    }

    /// accessControlAllowOrigin as a comma-separated string or an array of strings; the origins, or
    /// nil when absent or invalid (with the problem recorded).
    static func readOrigins(_ r: inout TokenRequest) -> [String]? {
        let key = "accessControlAllowOrigin"
        guard let v = r.value(key) else { return nil }
        var origins: [String] = []
        if let s = v.stringValue {
            origins = s.split(separator: ",", omittingEmptySubsequences: false).map { Text.trimmed($0) }
        } else if v.kind == .array {
            for i in 0..<v.count {
                guard let s = v.element(i)?.stringValue else { r.problem("\(key)[\(i)]", "must be a string"); return nil }
                origins.append(Text.trimmed(Substring(s)))
            }
        } else {
            r.problem(key, "must be a string of comma-separated origins or an array of origins")
            return nil
        }
        if origins.isEmpty || origins.contains(where: { $0.isEmpty || $0.contains(",") }) {
            r.problem(key, "must list one or more non-empty origins, e.g. \"https://a.example,https://*.b.example\"")
            return nil
        }
        return origins
    }

    /// 8-4-4-4-12 hexadecimal digits.
    static func isUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if c != UInt8(ascii: "-") { return false }
            } else if !((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) {
                return false
            }
        }
        return true
    }

    /// The playback URL with token=... added to its query (before any fragment).
    static func withToken(_ url: String, _ token: String) -> String {
        var base = Substring(url), fragment = Substring("")
        if let hash = url.firstIndex(of: "#") { base = url[..<hash]; fragment = url[hash...] }
        let sep = base.contains("?") ? (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&") : "?"
        return base + sep + "token=" + token + fragment
    }
}
