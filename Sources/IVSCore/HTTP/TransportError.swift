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
