/// A service endpoint: where requests go and what the Host header (signed) says.
public struct Endpoint: Sendable, Equatable {
    public let scheme: String
    /// host[:port] exactly as the URL gives it; sent and signed as the Host header.
    public let authority: String
    /// A path prefix from the endpoint URL ("" for none), joined before the operation's path.
    public let basePath: String

    /// scheme://authority basePath, made once (every call's URL starts with it).
    public let url: String

    init(scheme: String, authority: String, basePath: String) {
        self.scheme = scheme
        self.authority = authority
        self.basePath = basePath
        url = scheme + "://" + authority + basePath
    }

    /// Parses http(s)://host[:port][/path] and rejects anything else (user info, a port outside
    /// 1-65535, a host or path a URL cannot carry), naming the config key; the URL is shown without
    /// any password.
    public static func parse(_ text: String, key: String) throws(IVSError) -> Endpoint {
        let parts: URLParts
        switch URLText.parse(text) {
        case .success(let p): parts = p
        case .failure(let why): throw .config("\(key) \(why.reason): \"\(URLText.redacted(text))\"")
        }
        guard parts.scheme == "http" || parts.scheme == "https" else {
            throw .config("\(key) must be an http:// or https:// URL, got \"\(URLText.redacted(text))\"")
        }
        guard !parts.hasUserInfo else {
            throw .config("\(key) must not carry user info (user:password@): \"\(URLText.redacted(text))\"")
        }
        var path = parts.path
        while path.hasSuffix("/") { path.removeLast() }
        // Drop the default port so the Host header matches what curl and botocore send.
        var auth = parts.authority
        if parts.scheme == "https" && parts.port == 443 { auth.removeLast(4) }
        if parts.scheme == "http" && parts.port == 80 { auth.removeLast(3) }
        return Endpoint(scheme: parts.scheme, authority: auth, basePath: path)
    }
}
