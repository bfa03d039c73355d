import COpenSSL

/// The opening handshake (RFC 6455 section 4): the HTTP/1.1 Upgrade request a client sends and the
/// check of the server's answer. The chat token travels as the one subprotocol offered
/// (Sec-WebSocket-Protocol), as browsers and the IVS Chat JavaScript SDK send it; it is a secret, so
/// nothing here ever puts it into a message.
public struct WebSocketHandshake {
    /// The Sec-WebSocket-Key: 16 random bytes in base64.
    public let key: String
    /// What Sec-WebSocket-Accept must say: base64(SHA-1(key + the RFC's GUID)).
    public let expectedAccept: String

    /// The most bytes of the answer's head read before giving up on it.
    public static let maxHeadBytes = 16 * 1024
    public static let maxHeaderLines = 100

    public init() {
        var g = SystemRandomNumberGenerator()
        let nonce = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        self.init(key: Self.base64(nonce))
    }

    public init(key: String) {
        self.key = key
        expectedAccept = Self.accept(for: key)
    }

    /// Sec-WebSocket-Accept for a key.
    public static func accept(for key: String) -> String {
        let text = Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8)
        var digest = [UInt8](repeating: 0, count: 20)
        _ = text.withUnsafeBufferPointer { t in
            digest.withUnsafeMutableBufferPointer { d in SHA1(t.baseAddress, t.count, d.baseAddress) }
        }
        return base64(digest)
    }

    /// GET path with the upgrade headers. authority is host[:port] as the URL gives it.
    public func request(authority: String, path: String, subprotocol: String, userAgent: String) -> [UInt8] {
        var lines = "GET \(path.isEmpty ? "/" : path) HTTP/1.1\r\n"
        lines += "Host: \(authority)\r\n"
        lines += "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        lines += "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        lines += "Sec-WebSocket-Protocol: \(subprotocol)\r\n"
        lines += "User-Agent: \(userAgent)\r\n\r\n"
        return Array(lines.utf8)
    }

    /// What the server's answer says so far.
    public enum Answer: Equatable {
        /// The head has not ended yet.
        case incomplete
        /// 101 with the right headers: the connection is a WebSocket from byte `headBytes` on.
        case accepted(headBytes: Int)
        /// Another status: the server refused the upgrade (message: its reason phrase and the start of
        /// its body, as far as it has arrived).
        case refused(status: Int, message: String)
        /// Not an acceptable answer to an upgrade request.
        case invalid(String)
    }

    /// Checks the bytes received so far against the request made with subprotocol.
    public func check(_ bytes: [UInt8], subprotocol: String) -> Answer {
        guard let end = Self.headEnd(bytes) else {
            return bytes.count > Self.maxHeadBytes ? .invalid("the handshake answer's head is larger than \(Self.maxHeadBytes) bytes") : .incomplete
        }
        let head = bytes[..<end]
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = head.startIndex
        var i = head.startIndex
        while i < head.endIndex {
            if head[i] == 13, i + 1 < head.endIndex, head[i + 1] == 10 {
                lines.append(head[lineStart..<i])
                i += 2
                lineStart = i
            } else {
                i += 1
            }
        }
        lines.append(head[lineStart..<head.endIndex])
        guard lines.count <= Self.maxHeaderLines + 1 else { return .invalid("the handshake answer has more than \(Self.maxHeaderLines) header lines") }
        guard let statusLine = lines.first, let status = Self.status(statusLine) else {
            return .invalid("the answer to the upgrade request is not HTTP/1.1")
        }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: 58), colon > line.startIndex else {
                return .invalid("the handshake answer has a malformed header line")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = Text.trimmed(String(decoding: line[(colon + 1)...], as: UTF8.self))
            headers.append((name, value))
        }
        func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }

        guard status == 101 else {
            let reason = Self.printable(statusLine.dropFirst(min(13, statusLine.count)), limit: 100)
            let body = Self.printable(bytes[(end + 4)...], limit: 300)
            return .refused(status: status, message: body.isEmpty ? reason : reason + ": " + body)
        }
        guard header("upgrade")?.lowercased() == "websocket" else {
            return .invalid("the handshake answer does not say Upgrade: websocket")
        }
        guard let connection = header("connection"),
              connection.split(separator: ",").contains(where: { Text.trimmed($0).lowercased() == "upgrade" }) else {
            return .invalid("the handshake answer does not say Connection: Upgrade")
        }
        guard header("sec-websocket-accept") == expectedAccept else {
            return .invalid("the handshake answer's Sec-WebSocket-Accept does not match the key sent")
        }
        if header("sec-websocket-extensions") != nil {
            return .invalid("the server chose a WebSocket extension the client did not offer")
        }
        if let chosen = header("sec-websocket-protocol"), chosen != subprotocol {
            return .invalid("the server chose a subprotocol the client did not offer")
        }
        return .accepted(headBytes: end + 4)
    }

    /// The index of the head's closing CRLF CRLF, if it has arrived.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        let limit = min(bytes.count, maxHeadBytes + 4)
        guard limit >= 4 else { return nil }
        for i in 0...(limit - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// "HTTP/1.1 101 Switching Protocols" -> 101.
    private static func status(_ line: ArraySlice<UInt8>) -> Int? {
        let l = Array(line)
        guard l.count >= 12, l.starts(with: Array("HTTP/1.".utf8)), l[8] == 32 else { return nil }
        var s = 0
        for b in l[9..<12] {
            guard b >= 48 && b <= 57 else { return nil }
            s = s * 10 + Int(b - 48)
        }
        guard l.count == 12 || l[12] == 32 else { return nil }
        return s
    }

    /// Text from the server for a message: printable ASCII only, at most limit characters.
    static func printable<C: Collection>(_ bytes: C, limit: Int) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        for b in bytes {
            if out.count >= limit { break }
            out.append(b >= 32 && b < 127 ? b : (b == 10 || b == 13 || b == 9 ? 32 : 63))
        }
        return Text.trimmed(String(decoding: out, as: UTF8.self))
    }

    /// Standard base64 with padding (RFC 4648 section 4), as the handshake headers use it.
    static func base64(_ bytes: [UInt8]) -> String {
        var out = [UInt8](repeating: 0, count: (bytes.count + 2) / 3 * 4 + 1)
        let n = bytes.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in EVP_EncodeBlock(o.baseAddress, b.baseAddress, Int32(b.count)) }
        }
        return String(decoding: out.prefix(Int(max(0, n))), as: UTF8.self)
    }

    /// Whether text may stand as a subprotocol name: an HTTP token (RFC 7230 tchar), as browsers require.
    public static func isToken(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        return text.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
                || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }
}
