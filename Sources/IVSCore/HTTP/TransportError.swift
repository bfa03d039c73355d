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
        /// The server answered (status is the status line's, 0 if unknown), but with a head that is not
        /// HTTP: a NUL or CR in a header, a header libcurl refuses. Sending again gets the same answer.
        case invalidResponse(status: Int)
    }
    public let kind: Kind
    public let message: String
}
