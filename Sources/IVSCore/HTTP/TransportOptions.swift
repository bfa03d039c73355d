/// How a transport connects, and the bounds of what it accepts: fixed for the transport's life.
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
