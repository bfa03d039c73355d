/// A service endpoint: where requests go and what the Host header (signed) says.
public struct Endpoint: Sendable, Equatable {
    public let scheme: String
    /// host[:port] exactly as the URL gives it; sent and signed as the Host header.
    public let authority: String
    /// A path prefix from the endpoint URL ("" for none), joined before the operation's path.
    public let basePath: String

    public var url: String { scheme + "://" + authority + basePath }

    /// Parses http(s)://host[:port][/path] and rejects anything else, naming the config key.
    public static func parse(_ text: String, key: String) throws(IVSError) -> Endpoint {
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" }
        else if lower.hasPrefix("http://") { scheme = "http" }
        else { throw .config("\(key) must be an http:// or https:// URL, got \"\(text)\"") }
        var rest = Substring(text.dropFirst(scheme.count + 3))
        if let q = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<q] }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        guard !authority.isEmpty, !authority.contains("@"), !authority.contains(" ") else {
            throw .config("\(key) has no valid host: \"\(text)\"")
        }
        // Drop the default port so the Host header matches what curl and botocore send.
        var auth = authority
        if scheme == "https" && auth.hasSuffix(":443") { auth.removeLast(4) }
        if scheme == "http" && auth.hasSuffix(":80") { auth.removeLast(3) }
        return Endpoint(scheme: scheme, authority: auth, basePath: path)
    }
}
