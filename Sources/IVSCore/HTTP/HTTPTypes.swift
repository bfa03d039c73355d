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

/// Where one header sits in `HTTPResponse.headerBytes`.
struct HeaderSpan {
    var nameStart: Int32, nameEnd: Int32, valueStart: Int32, valueEnd: Int32
}

public struct HTTPResponse {
    public var status: Int
    public var body: [UInt8]
    /// The headers as received, each name lowercased and followed by its value (trimmed), located by
    /// `headerSpans`: the transport stores bytes, and Strings are made only when someone asks.
    var headerBytes: [UInt8]
    var headerSpans: [HeaderSpan]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.body = body
        headerBytes = []
        headerSpans = []
        for (k, v) in headers { appendHeader(name: Array(k.utf8), value: Array(v.utf8)) }
    }

    /// An empty response for the transport to fill, with room for headerCapacity bytes of headers.
    init(status: Int, headerCapacity: Int) {
        self.status = status
        body = []
        headerBytes = []
        headerBytes.reserveCapacity(headerCapacity)
        headerSpans = []
        headerSpans.reserveCapacity(16)
    }

    /// Appends one header; the name is lowercased (ASCII).
    mutating func appendHeader<N: Collection, V: Collection>(name: N, value: V) where N.Element == UInt8, V.Element == UInt8 {
        let ns = Int32(headerBytes.count)
        for c in name { headerBytes.append(ASCII.lower(c)) }
        let vs = Int32(headerBytes.count)
        headerBytes.append(contentsOf: value)
        headerSpans.append(HeaderSpan(nameStart: ns, nameEnd: vs, valueStart: vs, valueEnd: Int32(headerBytes.count)))
    }

    /// Forgets the headers collected so far (a new response follows: after 100 Continue, a redirect).
    mutating func removeHeaders() {
        headerBytes.removeAll(keepingCapacity: true)
        headerSpans.removeAll(keepingCapacity: true)
    }

    /// Header names lowercased, in the order received.
    public var headers: [(String, String)] {
        headerSpans.map { s in
            (String(decoding: headerBytes[Int(s.nameStart)..<Int(s.nameEnd)], as: UTF8.self),
             String(decoding: headerBytes[Int(s.valueStart)..<Int(s.valueEnd)], as: UTF8.self))
        }
    }

    /// The value of the first header called name (lowercase), if any.
    public func header(_ name: String) -> String? {
        var name = name
        return name.withUTF8 { n -> String? in
            headerBytes.withUnsafeBufferPointer { b -> String? in
                for s in headerSpans where Int(s.nameEnd - s.nameStart) == n.count {
                    let start = Int(s.nameStart)
                    var same = true
                    for i in 0..<n.count where b[start + i] != n[i] { same = false; break }
                    if same {
                        return String(decoding: UnsafeBufferPointer(rebasing: b[Int(s.valueStart)..<Int(s.valueEnd)]), as: UTF8.self)
                    }
                }
                return nil
            }
        }
    }

    /// Calls body with each header's name (lowercased) and value bytes, in the order received.
    func forEachHeader(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        headerBytes.withUnsafeBufferPointer { b in
            for s in headerSpans {
                body(UnsafeBufferPointer(rebasing: b[Int(s.nameStart)..<Int(s.nameEnd)]),
                     UnsafeBufferPointer(rebasing: b[Int(s.valueStart)..<Int(s.valueEnd)]))
            }
        }
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
