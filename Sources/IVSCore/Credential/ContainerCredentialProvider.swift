#if canImport(Glibc)
import Glibc
#endif

/// Container credentials as ECS and EKS Pod Identity provide them: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
/// (on http://169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI (https, or http to a loopback or
/// the ECS/EKS link-local hosts), with an Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
/// or AWS_CONTAINER_AUTHORIZATION_TOKEN. Configured but failing is an error (botocore's behaviour).
public struct ContainerCredentialProvider: CredentialProvider {
    public let name = "container-role"
    static let ecsHost = "http://169.254.170.2"
    static let allowedHosts: Set<String> = ["localhost", "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "::1"]
    static let timeoutMs = 2000
    static let attempts = 3

    let env: Environment
    let http: CredentialHTTP

    public init(env: Environment) {
        self.env = env
        self.http = CredentialHTTP(timeoutMs: Self.timeoutMs, useProxy: false)
    }

    /// The URL to ask, nil when neither variable is set.
    func url() throws(IVSError) -> String? {
        if let rel = env.nonEmpty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return Self.ecsHost + (rel.hasPrefix("/") ? rel : "/" + rel)
        }
        guard let full = env.nonEmpty("AWS_CONTAINER_CREDENTIALS_FULL_URI") else { return nil }
        let lower = full.lowercased()
        if lower.hasPrefix("https://") { return full }
        guard lower.hasPrefix("http://"), let host = Self.host(of: full), Self.isAllowed(host: host) else {
            throw .credentials("AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address, "
                               + "169.254.170.2 or 169.254.170.23; got \"\(URLText.redacted(full))\"", code: "InvalidConfiguration")
        }
        return full
    }

    static func host(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return nil }
        var rest = url[url.index(colon, offsetBy: 3)...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            return String(rest[rest.index(after: rest.startIndex)..<close]).lowercased()
        }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : rest.lowercased()
    }

    /// botocore's rule: the listed hosts, or any loopback address (127.0.0.0/8, ::1 in any spelling).
    static func isAllowed(host: String) -> Bool {
        if allowedHosts.contains(host) { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let b = withUnsafeBytes(of: &v6) { Array($0) }
            let eksHost: [UInt8] = [0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x23]
            return b == [UInt8](repeating: 0, count: 15) + [1] || b == eksHost
        }
        return false
    }

    func authorization() throws(IVSError) -> String? {
        var token: String?
        if let file = env.nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            switch SmallFile.read(file) {
            case .bytes(let b): token = Text.trimmed(String(decoding: b, as: UTF8.self))
            case .missing: throw .credentials("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file) does not exist",
                                              code: "CredentialRetrievalError")
            case .failed(let why): throw .credentials("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file): \(why)",
                                                      code: "CredentialRetrievalError")
            }
        } else {
            token = env.nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        }
        if let t = token, !HeaderValue.isValid(t) {
            throw .credentials("the container authorization token has a control character", code: "CredentialRetrievalError")
        }
        return token
    }

    public func credentials() throws(IVSError) -> Credentials? {
        guard let url = try url() else { return nil }
        var headers = [("Accept", "application/json")]
        if let auth = try authorization() { headers.append(("Authorization", auth)) }
        let problem: String
        switch http.fetch("GET", url, headers: headers, attempts: Self.attempts) {
        case .ok(let r):
            let creds = try CredentialDocument.withObject(r.body) { o throws(IVSError) in
                try CredentialDocument.credentials(o, source: "container credentials endpoint \(URLText.redacted(url))")
            }
            guard let creds else {
                throw .credentials("container credentials endpoint \(URLText.redacted(url)) did not answer with a JSON object",
                                   code: ErrorCode.credentialRetrieval)
            }
            return creds
        case .status(let s): problem = "HTTP \(s)"
        case .unreachable(let why): problem = why
        }
        throw .credentials("cannot get credentials from the container credentials endpoint \(URLText.redacted(url)): \(problem)",
                           code: "CredentialRetrievalError")
    }
}
