/// RFC 6455 framing as a client speaks it: frames out are masked, frames in are checked. Pure (no I/O),
/// so the whole of what a server can send is tested here byte for byte (WebSocketFramingTests), and the
/// connection above only moves bytes.
///
/// Nothing the server sends is trusted: reserved bits and opcodes, a mask, lengths that are not minimal
/// or have the top bit set, control frames that are long or fragmented, continuation out of order, a
/// message over maxMessageBytes (refused from its header, before its payload is read), invalid UTF-8 in
/// a text message or a close reason, and close codes a peer may not send each end the connection with
/// the close code RFC 6455 gives for it.

public enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA

    var isControl: Bool { rawValue & 0x8 != 0 }
}

/// Close status codes (RFC 6455 section 7.4 and the IANA registry).
public enum WebSocketCloseCode {
    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let protocolError: UInt16 = 1002
    public static let unsupportedData: UInt16 = 1003
    /// Never on the wire: the close frame had no code.
    public static let noStatus: UInt16 = 1005
    /// Never on the wire: the connection ended without a close frame.
    public static let abnormal: UInt16 = 1006
    public static let invalidData: UInt16 = 1007
    public static let policyViolation: UInt16 = 1008
    public static let messageTooBig: UInt16 = 1009
    public static let internalError: UInt16 = 1011
    public static let serviceRestart: UInt16 = 1012
    public static let tryAgainLater: UInt16 = 1013
    public static let badGateway: UInt16 = 1014

    /// Whether a peer may put code in a close frame: the defined codes (not 1004, 1005, 1006, 1015)
    /// and the ranges for libraries and applications (3000-4999).
    public static func mayBeSent(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }

    /// Codes that say "come back later" rather than "go away": a client reconnects after these.
    public static func isTransient(_ code: UInt16) -> Bool {
        code == goingAway || code == internalError || code == serviceRestart || code == tryAgainLater
            || code == badGateway || code == abnormal
    }
}

/// One complete thing read from the server: a whole (reassembled) data message or a control frame.
public enum WebSocketMessage: Equatable, Sendable {
    case text([UInt8])
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    /// code nil: the close frame carried no status (1005).
    case close(code: UInt16?, reason: String)
}

/// Why the server's bytes end the connection: the close code to send back and what was wrong.
public struct WebSocketViolation: Error, Equatable, Sendable {
    public let closeCode: UInt16
    public let message: String

    public init(_ closeCode: UInt16, _ message: String) {
        self.closeCode = closeCode
        self.message = message
    }
}

/// Frames out. Every client frame is masked (RFC 6455 5.3) with a key from the system's CSPRNG.
public enum WebSocketFrameWriter {
    /// Appends one unfragmented frame (FIN set) of opcode with payload, masked with maskKey.
    public static func append(_ opcode: WebSocketOpcode, _ payload: UnsafeRawBufferPointer, maskKey: UInt32,
                              to out: inout [UInt8]) {
        let n = payload.count
        out.reserveCapacity(out.count + n + 14)
        out.append(0x80 | opcode.rawValue)
        if n < 126 {
            out.append(0x80 | UInt8(n))
        } else if n <= 0xFFFF {
            out.append(0x80 | 126)
            out.append(UInt8(truncatingIfNeeded: n >> 8)); out.append(UInt8(truncatingIfNeeded: n))
        } else {
            out.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: UInt64(n) >> UInt64(shift))) }
        }
        let key = (UInt8(truncatingIfNeeded: maskKey >> 24), UInt8(truncatingIfNeeded: maskKey >> 16),
                   UInt8(truncatingIfNeeded: maskKey >> 8), UInt8(truncatingIfNeeded: maskKey))
        out.append(key.0); out.append(key.1); out.append(key.2); out.append(key.3)
        let start = out.count
        out.append(contentsOf: payload)
        out.withUnsafeMutableBufferPointer { b in
            var i = 0
            while i + 4 <= n {
                b[start + i] ^= key.0; b[start + i + 1] ^= key.1; b[start + i + 2] ^= key.2; b[start + i + 3] ^= key.3
                i += 4
            }
            if i < n { b[start + i] ^= key.0 }
            if i + 1 < n { b[start + i + 1] ^= key.1 }
            if i + 2 < n { b[start + i + 2] ^= key.2 }
        }
    }

    public static func append(_ opcode: WebSocketOpcode, _ payload: [UInt8], to out: inout [UInt8]) {
        payload.withUnsafeBytes { append(opcode, $0, maskKey: newMaskKey(), to: &out) }
    }

    /// A close frame: the code and a reason cut to fit the 125 bytes a control frame may carry (at a
    /// character boundary, so it stays valid UTF-8).
    public static func appendClose(code: UInt16, reason: String, to out: inout [UInt8]) {
        var payload = [UInt8(truncatingIfNeeded: code >> 8), UInt8(truncatingIfNeeded: code)]
        var room = 123
        for scalar in reason.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if bytes.count > room { break }
            payload.append(contentsOf: bytes)
            room -= bytes.count
        }
        append(.close, payload, to: &out)
    }

    /// A masking key: RFC 6455 wants it unpredictable, so it comes from the system's CSPRNG.
    static func newMaskKey() -> UInt32 { ChatEntropy.maskKey() }
}

/// Frames in: bytes are fed as they arrive; next() returns each whole message or control frame, nil
/// while more bytes are needed, or the violation that ends the connection (and again on every later
/// call). Memory is bounded: a frame is refused from its header when the message would exceed
/// maxMessageBytes, so the buffer never holds more than one message and what one read brings.
public struct WebSocketReader {
    public let maxMessageBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var fragments: [UInt8] = []
    private var fragmentOpcode: WebSocketOpcode? = nil
    private var failure: WebSocketViolation? = nil

    public init(maxMessageBytes: Int) {
        self.maxMessageBytes = max(125, maxMessageBytes)
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, bytes.count > 0 else { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 65536 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Bytes of an unfinished frame are buffered, or a fragmented message is unfinished: the
    /// connection ending now ends it in the middle of one.
    public var isMidFrame: Bool { start < buffer.count || fragmentOpcode != nil }

    public mutating func next() -> Result<WebSocketMessage?, WebSocketViolation> {
        if let failure { return .failure(failure) }
        while true {
            switch nextFrame() {
            case .failure(let v):
                failure = v
                buffer = []
                fragments = []
                start = 0
                return .failure(v)
            case .success(nil):
                return .success(nil)
            case .success(.some(let (fin, opcode, payload))):
                if let message = assemble(fin: fin, opcode: opcode, payload: payload) {
                    switch message {
                    case .failure(let v):
                        failure = v
                        return .failure(v)
                    case .success(let m):
                        return .success(m)
                    }
                }
                // a fragment of an unfinished message: read on
            }
        }
    }

    /// The next frame's header fields and payload, nil while it is incomplete.
    private mutating func nextFrame() -> Result<(Bool, WebSocketOpcode, ArraySlice<UInt8>)?, WebSocketViolation> {
        let available = buffer.count - start
        guard available >= 2 else { return .success(nil) }
        let b0 = buffer[start], b1 = buffer[start + 1]
        let fin = b0 & 0x80 != 0
        guard b0 & 0x70 == 0 else {
            return .failure(.init(WebSocketCloseCode.protocolError, "a frame with reserved bits set (no extension was negotiated)"))
        }
        guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else {
            return .failure(.init(WebSocketCloseCode.protocolError, "a frame with the reserved opcode \(b0 & 0x0F)"))
        }
        guard b1 & 0x80 == 0 else {
            return .failure(.init(WebSocketCloseCode.protocolError, "a masked frame from the server (servers must not mask)"))
        }
        var length = UInt64(b1 & 0x7F)
        var headerBytes = 2
        if length == 126 {
            guard available >= 4 else { return .success(nil) }
            length = UInt64(buffer[start + 2]) << 8 | UInt64(buffer[start + 3])
            headerBytes = 4
            guard length >= 126 else {
                return .failure(.init(WebSocketCloseCode.protocolError, "a frame length not in its shortest form"))
            }
        } else if length == 127 {
            guard available >= 10 else { return .success(nil) }
            length = 0
            for i in 2..<10 { length = length << 8 | UInt64(buffer[start + i]) }
            headerBytes = 10
            guard length >> 63 == 0 else {
                return .failure(.init(WebSocketCloseCode.protocolError, "a frame length with its most significant bit set"))
            }
            guard length > 0xFFFF else {
                return .failure(.init(WebSocketCloseCode.protocolError, "a frame length not in its shortest form"))
            }
        }
        if opcode.isControl {
            guard fin else { return .failure(.init(WebSocketCloseCode.protocolError, "a fragmented control frame")) }
            guard length <= 125 else {
                return .failure(.init(WebSocketCloseCode.protocolError, "a control frame longer than 125 bytes"))
            }
        } else {
            if opcode == .continuation {
                guard fragmentOpcode != nil else {
                    return .failure(.init(WebSocketCloseCode.protocolError, "a continuation frame with no message to continue"))
                }
            } else if fragmentOpcode != nil {
                return .failure(.init(WebSocketCloseCode.protocolError, "a new message before the fragmented one ended"))
            }
            // fragments.count <= maxMessageBytes and length < 2^63: the sum cannot overflow.
            guard UInt64(fragments.count) + length <= UInt64(maxMessageBytes) else {
                return .failure(.init(WebSocketCloseCode.messageTooBig,
                                      "a message larger than the \(maxMessageBytes) bytes allowed (maxMessageBytes)"))
            }
        }
        // length <= maxMessageBytes (an Int) or <= 125 here.
        let n = Int(length)
        guard available - headerBytes >= n else { return .success(nil) }
        let from = start + headerBytes
        let payload = buffer[from..<(from + n)]
        start = from + n
        return .success((fin, opcode, payload))
    }

    /// A message when the frame completes one (or is a control frame); nil for a fragment.
    private mutating func assemble(fin: Bool, opcode: WebSocketOpcode,
                                   payload: ArraySlice<UInt8>) -> Result<WebSocketMessage, WebSocketViolation>? {
        switch opcode {
        case .ping: return .success(.ping(Array(payload)))
        case .pong: return .success(.pong(Array(payload)))
        case .close: return .some(Self.closeFrame(payload))
        case .text, .binary, .continuation:
            if opcode != .continuation && fin { return Self.dataMessage(opcode, Array(payload)) }
            if opcode != .continuation { fragmentOpcode = opcode }
            fragments.append(contentsOf: payload)
            guard fin, let kind = fragmentOpcode else { return nil }
            let whole = fragments
            fragments = []
            fragmentOpcode = nil
            return Self.dataMessage(kind, whole)
        }
    }

    private static func dataMessage(_ opcode: WebSocketOpcode, _ bytes: [UInt8]) -> Result<WebSocketMessage, WebSocketViolation> {
        guard opcode == .text else { return .success(.binary(bytes)) }
        guard bytes.withUnsafeBufferPointer({ UTF8Check.isValid($0) }) else {
            return .failure(.init(WebSocketCloseCode.invalidData, "a text message that is not valid UTF-8"))
        }
        return .success(.text(bytes))
    }

    private static func closeFrame(_ payload: ArraySlice<UInt8>) -> Result<WebSocketMessage, WebSocketViolation> {
        if payload.isEmpty { return .success(.close(code: nil, reason: "")) }
        guard payload.count >= 2 else {
            return .failure(.init(WebSocketCloseCode.protocolError, "a close frame with a one-byte payload"))
        }
        let i = payload.startIndex
        let code = UInt16(payload[i]) << 8 | UInt16(payload[i + 1])
        guard WebSocketCloseCode.mayBeSent(code) else {
            return .failure(.init(WebSocketCloseCode.protocolError, "a close frame with the code \(code), which a peer may not send"))
        }
        let reason = Array(payload[(i + 2)...])
        guard reason.withUnsafeBufferPointer({ UTF8Check.isValid($0) }) else {
            return .failure(.init(WebSocketCloseCode.invalidData, "a close reason that is not valid UTF-8"))
        }
        return .success(.close(code: code, reason: String(decoding: reason, as: UTF8.self)))
    }
}
