/// The client configuration given to ivs_client_new, as parsed JSON. Every key is optional; absent
/// keys are resolved by ConfigResolver from the environment and the shared config files.
public struct ClientConfig: Sendable {
    public var region: String?
    public var profile: String?
    public var credentials: Credentials?
    public var endpointUrl: String?
    public var endpointUrls: [String: String] = [:]
    public var useFipsEndpoint: Bool?
    public var useDualstackEndpoint: Bool?
    public var retryMode: RetryMode?
    public var maxAttempts: Int?
    public var connectTimeoutMs: Int?
    public var requestTimeoutMs: Int?
    public var caBundle: String?
    public var verifyTls: Bool?
    public var proxy: String?
    public var userAgentSuffix: String?
    public var validation: ValidationMode = .on
    public var logLevel: Int32 = 0
    public var maxResponseBytes: Int?
    public var maxPages: Int?
    public var maxPaginateBytes: Int?
    public var credentialProcessTimeoutMs: Int?
    /// false: requests go unsigned, with no credentials looked up (botocore's signature_version=UNSIGNED).
    public var signRequests = true
    /// Where the callbacks of calls in flight run: on the client's I/O thread, or queued for the
    /// caller's own loop (ivs_client_fd / ivs_client_dispatch).
    public var dispatch: DispatchMode = .thread
    /// The most connections the event loop opens to one host at once (further calls wait their turn).
    public var maxConnections: Int?

    public enum DispatchMode: String, Sendable { case thread, manual }

    /// off; botocore (what botocore checks: types, required, minimums); on (also maximums; the
    /// default); strict (also enums and patterns).
    public enum ValidationMode: String, Sendable { case on, off, strict, botocore }

    public init() {}

    static let keys: [String] = ["region", "profile", "credentials", "endpointUrl", "endpointUrls", "useFipsEndpoint",
                                 "useDualstackEndpoint", "retryMode", "maxAttempts", "connectTimeoutMs",
                                 "requestTimeoutMs", "caBundle", "verifyTls", "proxy", "userAgentSuffix",
                                 "validation", "logLevel", "maxResponseBytes", "maxPages", "maxPaginateBytes",
                                 "credentialProcessTimeoutMs", "signatureVersion", "dispatch", "maxConnections"]

    /// Parses the config object. Unknown keys and wrongly typed values are IVS_E_CONFIG errors that
    /// name the key; credential values never appear in a message.
    public init(json o: JSONPointer) throws(IVSError) {
        var unknown: [String] = []
        o.forEachMember { k, _ in if !Self.keys.contains(k) { unknown.append(k) } }
        if !unknown.isEmpty {
            throw .config("unknown configuration key(s): \(unknown.joined(separator: ", ")); valid keys: "
                          + Self.keys.joined(separator: ", "))
        }
        func string(_ k: String) throws(IVSError) -> String? {
            guard let v = o[k], v.kind != .null else { return nil }
            guard let s = v.stringValue else { throw .config("\(k) must be a string") }
            return s
        }
        func bool(_ k: String) throws(IVSError) -> Bool? {
            guard let v = o[k], v.kind != .null else { return nil }
            guard let b = v.boolValue else { throw .config("\(k) must be true or false") }
            return b
        }
        func int(_ k: String, _ range: ClosedRange<Int64>) throws(IVSError) -> Int? {
            guard let v = o[k], v.kind != .null else { return nil }
            guard let i = v.intValue, range.contains(i) else {
                throw .config("\(k) must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return Int(i)
        }
        region = try string("region")
        if let r = region, !Self.isValidRegion(r) { throw .config("region \"\(r)\" is not a valid region name") }
        profile = try string("profile")
        if let c = o["credentials"], c.kind != .null {
            guard c.kind == .object else { throw .config("credentials must be an object") }
            var bad: [String] = []
            c.forEachMember { k, _ in if !["accessKeyId", "secretAccessKey", "sessionToken"].contains(k) { bad.append(k) } }
            if !bad.isEmpty { throw .config("unknown credentials key(s): \(bad.joined(separator: ", "))") }
            guard let id = c["accessKeyId"]?.stringValue, !id.isEmpty,
                  let secret = c["secretAccessKey"]?.stringValue, !secret.isEmpty else {
                throw .config("credentials needs string accessKeyId and secretAccessKey")
            }
            let token = c["sessionToken"]
            if let token, token.kind != .null, token.kind != .string { throw .config("credentials.sessionToken must be a string") }
            let creds = Credentials(accessKeyId: id, secretAccessKey: secret,
                                    sessionToken: token?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
            if let field = creds.unsendableField {
                throw .config("credentials.\(field) has a control character; it cannot be sent in a header")
            }
            credentials = creds
        }
        endpointUrl = try string("endpointUrl")
        if let e = endpointUrl { _ = try Endpoint.parse(e, key: "endpointUrl") }
        if let e = o["endpointUrls"], e.kind != .null {
            guard e.kind == .object else { throw .config("endpointUrls must be an object") }
            var problems: [String] = []
            var urls: [String: String] = [:]
            e.forEachMember { k, v in
                if ServiceModel.named(k) == nil { problems.append("endpointUrls has unknown service \"\(k)\"") }
                else if let s = v.stringValue { urls[k] = s }
                else { problems.append("endpointUrls.\(k) must be a string") }
            }
            if let p = problems.first { throw .config(p + " (services: ivs, ivs-realtime, ivschat)") }
            for (k, u) in urls { _ = try Endpoint.parse(u, key: "endpointUrls.\(k)") }
            endpointUrls = urls
        }
        useFipsEndpoint = try bool("useFipsEndpoint")
        useDualstackEndpoint = try bool("useDualstackEndpoint")
        if let m = try string("retryMode") {
            guard let mode = RetryMode(rawValue: m) else { throw .config("retryMode must be standard, adaptive or off") }
            retryMode = mode
        }
        maxAttempts = try int("maxAttempts", 1...100)
        connectTimeoutMs = try int("connectTimeoutMs", 1...3_600_000)
        requestTimeoutMs = try int("requestTimeoutMs", 1...86_400_000)
        caBundle = try string("caBundle")
        verifyTls = try bool("verifyTls")
        proxy = try string("proxy")
        if let p = proxy { try Self.checkProxy(p) }
        userAgentSuffix = try string("userAgentSuffix")
        if let u = userAgentSuffix, !HeaderValue.isValid(u) {
            throw .config("userAgentSuffix has a control character; it cannot be sent in a header")
        }
        if let v = try string("validation") {
            guard let mode = ValidationMode(rawValue: v) else { throw .config("validation must be on, off, strict or botocore") }
            validation = mode
        }
        logLevel = Int32(try int("logLevel", 0...5) ?? 0)
        maxResponseBytes = try int("maxResponseBytes", 1024...(1 << 30))
        maxPages = try int("maxPages", 1...10_000_000)
        maxPaginateBytes = try int("maxPaginateBytes", 1024...(16 << 30))
        credentialProcessTimeoutMs = try int("credentialProcessTimeoutMs", 1...3_600_000)
        if let d = try string("dispatch") {
            guard let mode = DispatchMode(rawValue: d) else { throw .config("dispatch must be thread or manual") }
            dispatch = mode
        }
        maxConnections = try int("maxConnections", 1...100_000)
        switch try string("signatureVersion") {
        case nil, "v4": signRequests = true
        case "unsigned": signRequests = false
        default: throw .config("signatureVersion must be v4 or unsigned")
        }
    }

    static let proxySchemes: Set<String> = ["", "http", "https", "socks4", "socks4a", "socks5", "socks5h"]

    /// A proxy as curl takes it: [scheme://][user:password@]host[:port][/]; "" turns proxies off.
    static func checkProxy(_ p: String) throws(IVSError) {
        guard !p.isEmpty else { return }
        switch URLText.parse(p, schemeOptional: true) {
        case .failure(let why): throw .config("proxy \(why.reason): \"\(URLText.redacted(p))\"")
        case .success(let parts):
            guard proxySchemes.contains(parts.scheme) else {
                throw .config("proxy has the scheme \"\(parts.scheme)\"; use http, https, socks4, socks4a, socks5 or socks5h")
            }
            guard parts.path.isEmpty || parts.path == "/" else {
                throw .config("proxy must not have a path: \"\(URLText.redacted(p))\"")
            }
        }
    }

    /// Region names as AWS forms them: lowercase letters, digits and dashes.
    static func isValidRegion(_ r: String) -> Bool {
        !r.isEmpty && r.count <= 64 && r.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
            && r.first != "-"
    }
}
