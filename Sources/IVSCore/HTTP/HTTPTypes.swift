public struct HTTPRequest {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct HTTPResponse {
    public var status: Int
    /// Header names lowercased, in the order received.
    public var headers: [(String, String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        for (k, v) in headers where k == name { return v }
        return nil
    }
}

/// Transport failures, classified the way retry logic needs them.
public struct TransportError: Error {
    public enum Kind: Sendable { case connect, dns, tls, timeout, reset, other }
    public let kind: Kind
    public let message: String
}

public struct TransportOptions: Sendable {
    public var connectTimeoutMs: Int = 10_000
    public var requestTimeoutMs: Int = 60_000
    public var verifyTLS: Bool = true
    public var caBundle: String?
    public var proxy: String?
    public var userAgent: String = "libivs"

    public init() {}
}
