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

/// Transport failures, classified the way retry logic needs them.
public struct TransportError: Error {
    public enum Kind: Sendable, Equatable {
        case connect, dns, tls, reset, other
        /// No connection within connectTimeoutMs; the request timed out after connecting.
        case connectTimeout, readTimeout
        /// The response's body or headers exceeded the bounds (TransportOptions.maxResponseBytes,
        /// HTTPResponse.maxHeaderBytes / maxHeaderCount); status is the response's, when known.
        case tooLarge(status: Int)
        /// A request header that cannot be sent (a control character in its value).
        case invalidHeader
    }
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
    /// The largest successful response body accepted (bytes); reading stops there.
    public var maxResponseBytes: Int = TransportOptions.defaultMaxResponseBytes
    public static let defaultMaxResponseBytes = 16 << 20
    /// Of an error response (status 300 and up) at most this much is read: enough for any service
    /// error document, and a proxy's 200 MB error page costs no more than that per attempt.
    public static let errorBodyBytes = 64 << 10

    public init() {}
}

/// What a header value may hold: no control character but tab (a CR or LF would let a value from
/// outside write header lines of its own). Bytes >= 0x80 are left to the peer.
public enum HeaderValue {
    public static func isValid(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 >= 32 ? $0 != 127 : $0 == 9 }
    }
}

/// What a header name may be: an RFC 9110 token.
public enum HeaderName {
    @inline(__always)
    public static func isTokenByte(_ c: UInt8) -> Bool {
        switch c {
        case 48...57, 65...90, 97...122: return true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: return true // !#$%&'*+-.^_`|~
        default: return false
        }
    }

    public static func isValid(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy(isTokenByte) }
}
