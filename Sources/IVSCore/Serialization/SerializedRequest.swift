/// One operation's request as restJson1 puts it on the wire, before signing.
public struct SerializedRequest {
    public var method: String
    /// The path with labels percent-encoded (A-Za-z0-9-._~ kept).
    public var path: String
    /// Query parameters, unencoded, in member order.
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// path?query as sent, with the query encoded.
    public var target: String {
        query.isEmpty ? path : path + "?" + query.map { URIEncoding.encode($0.0) + "=" + URIEncoding.encode($0.1) }
            .joined(separator: "&")
    }
}
