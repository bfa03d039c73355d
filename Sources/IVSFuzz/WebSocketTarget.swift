// Fuzz target "websocket": what a chat server sends on the wire, read as WebSocketConnection reads it.
//
// Input: byte 0 picks the mode:
//   even  frames: byte 1 picks maxMessageBytes (125, 1024, 4096 or 128 KiB) and byte 2 how the bytes
//         arrive (in one piece or in pieces of 1 to 63 bytes); the rest is the byte stream after the
//         handshake, fed to WebSocketReader with every message taken out after each piece.
//   odd   the handshake: the rest is the server's answer to the upgrade request
//         (WebSocketHandshake.check, for a fixed key and subprotocol), whole and cut.
//
// Promises checked: the same messages and the same violation however the bytes are cut; a text
// message and a close reason are valid UTF-8; a data message is at most maxMessageBytes and a control
// frame's payload at most 125; a close code is one a peer may send; a violation is sticky and carries
// 1002, 1007 or 1009; every message written again with WebSocketFrameWriter (as a client writes it,
// masked) and unmasked reads back as the same message, and so does the close frame a client sends
// for a violation. The handshake: a head cut before its end is incomplete; an accepted answer ends at
// its head; a refused one has a 3-digit status and a printable message of bounded length.
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum WebSocketTarget {
    static let maxima = [125, 1024, 4096, 128 * 1024]

    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(data)
        let mode = input.byte()
        if mode & 1 == 1 { return handshake(Array(input.rest)) }
        let maxBytes = maxima[input.below(maxima.count)]
        let piece = Int(input.byte() & 63)
        let stream = Array(input.rest)

        let whole = read(stream, maxBytes: maxBytes, piece: 0)
        invariant(whole.consumed <= stream.count, "the reader gave more payload than it was fed")
        if piece > 0 {
            let cut = read(stream, maxBytes: maxBytes, piece: piece)
            invariant(cut.messages == whole.messages && cut.failure == whole.failure,
                      "the messages differ when the stream arrives in pieces of \(piece) bytes: \(whole.messages.count) "
                      + "whole vs \(cut.messages.count) cut, \(String(describing: whole.failure)) vs \(String(describing: cut.failure))")
        }
        for m in whole.messages { check(m, maxBytes: maxBytes) }
        if let v = whole.failure { checkViolation(v, maxBytes: maxBytes) }
    }

    struct Outcome {
        var messages: [WebSocketMessage] = []
        var failure: WebSocketViolation?
        var consumed = 0
    }

    /// Feeds the stream (in pieces of `piece` bytes, or whole for 0), taking out every message after
    /// each piece, as the connection does after each read.
    static func read(_ stream: [UInt8], maxBytes: Int, piece: Int) -> Outcome {
        var reader = WebSocketReader(maxMessageBytes: maxBytes)
        var out = Outcome()
        var at = 0
        repeat {
            let n = piece == 0 ? stream.count : min(piece, stream.count - at)
            stream[at..<(at + n)].withUnsafeBytes { reader.feed($0) }
            at += n
            while true {
                switch reader.next() {
                case .success(nil):
                    break
                case .success(.some(let m)):
                    out.messages.append(m)
                    out.consumed += payloadCount(m)
                    continue
                case .failure(let v):
                    out.failure = v
                    // Sticky: every later call says the same, and fed bytes change nothing.
                    reader.feed([0x81, 0x00])
                    guard case .failure(let again) = reader.next(), again == v else {
                        invariant(false, "a violation did not stay: \(v.message)")
                        return out
                    }
                    return out
                }
                break
            }
        } while at < stream.count
        return out
    }

    static func payloadCount(_ m: WebSocketMessage) -> Int {
        switch m {
        case .text(let b), .binary(let b), .ping(let b), .pong(let b): return b.count
        case .close(let code, let reason): return code == nil ? 0 : 2 + reason.utf8.count
        }
    }

    static func check(_ m: WebSocketMessage, maxBytes: Int) {
        switch m {
        case .text(let b):
            invariant(b.count <= maxBytes, "a text message of \(b.count) bytes passed maxMessageBytes \(maxBytes)")
            invariant(b.withUnsafeBufferPointer { UTF8Check.isValid($0) }, "a text message is not valid UTF-8")
        case .binary(let b):
            invariant(b.count <= maxBytes, "a binary message of \(b.count) bytes passed maxMessageBytes \(maxBytes)")
        case .ping(let b), .pong(let b):
            invariant(b.count <= 125, "a control frame of \(b.count) bytes was accepted")
        case .close(let code, let reason):
            if let code {
                invariant(WebSocketCloseCode.mayBeSent(code), "a close frame with code \(code) was accepted")
                invariant(reason.utf8.count <= 123, "a close reason of \(reason.utf8.count) bytes was accepted")
            } else {
                invariant(reason.isEmpty, "a close frame without a code has a reason")
            }
        }
        // Written as a client writes it (masked), unmasked as if a server had sent it: the same message.
        var frame: [UInt8] = []
        switch m {
        case .text(let b): WebSocketFrameWriter.append(.text, b, to: &frame)
        case .binary(let b): WebSocketFrameWriter.append(.binary, b, to: &frame)
        case .ping(let b): WebSocketFrameWriter.append(.ping, b, to: &frame)
        case .pong(let b): WebSocketFrameWriter.append(.pong, b, to: &frame)
        case .close(let code, let reason):
            if let code { WebSocketFrameWriter.appendClose(code: code, reason: reason, to: &frame) }
            else { WebSocketFrameWriter.append(.close, [], to: &frame) }
        }
        let back = readBack(frame, maxBytes: maxBytes)
        invariant(back == m, "a message written again reads back as \(String(describing: back).prefix(200))")
    }

    /// A violation, and the close frame the client sends for it (ChatConnection.violation).
    static func checkViolation(_ v: WebSocketViolation, maxBytes: Int) {
        invariant([WebSocketCloseCode.protocolError, WebSocketCloseCode.invalidData, WebSocketCloseCode.messageTooBig]
                  .contains(v.closeCode), "a violation with close code \(v.closeCode)")
        invariant(!v.message.isEmpty, "a violation without a message")
        var frame: [UInt8] = []
        WebSocketFrameWriter.appendClose(code: v.closeCode, reason: v.message, to: &frame)
        guard case .close(let code, let reason)? = readBack(frame, maxBytes: maxBytes) else {
            return invariant(false, "the close frame sent for a violation does not read back")
        }
        invariant(code == v.closeCode && v.message.hasPrefix(reason) && reason.utf8.count <= 123,
                  "the close frame sent for a violation reads back as \(String(describing: code)) \(reason)")
    }

    /// A client's (masked) frame with its mask taken off, read by a reader: its one message.
    static func readBack(_ frame: [UInt8], maxBytes: Int) -> WebSocketMessage? {
        var f = frame
        guard f.count >= 6, f[1] & 0x80 != 0 else { invariant(false, "a client frame is not masked"); return nil }
        f[1] &= 0x7F
        let lengthBytes = [0, 2, 8][f[1] == 126 ? 1 : (f[1] == 127 ? 2 : 0)]
        let keyAt = 2 + lengthBytes
        let key = Array(f[keyAt..<(keyAt + 4)])
        f.removeSubrange(keyAt..<(keyAt + 4))
        for i in keyAt..<f.count { f[i] ^= key[(i - keyAt) & 3] }
        var reader = WebSocketReader(maxMessageBytes: maxBytes)
        reader.feed(f)
        guard case .success(let m?) = reader.next() else { return nil }
        invariant(!reader.isMidFrame, "a client frame has bytes after its payload")
        return m
    }

    // MARK: The handshake

    static let hs = WebSocketHandshake(key: "dGhlIHNhbXBsZSBub25jZQ==")
    static let subprotocol = "fuzz-chat-token"

    static func handshake(_ answer: [UInt8]) {
        let result = hs.check(answer, subprotocol: subprotocol)
        let end = WebSocketHandshake.headEnd(answer)
        switch result {
        case .incomplete:
            invariant(end == nil && answer.count <= WebSocketHandshake.maxHeadBytes, "an ended or oversized head is incomplete")
        case .accepted(let headBytes):
            invariant(end.map { $0 + 4 } == headBytes, "an accepted answer does not end at its head")
        case .refused(let status, let message):
            invariant(end != nil && (0...999).contains(status) && status != 101, "a refusal with status \(status)")
            invariant(message.utf8.count <= 402 && message.utf8.allSatisfy { $0 >= 32 && $0 < 127 },
                      "a refusal's message is not short printable ASCII: \(message.debugDescription.prefix(200))")
        case .invalid(let why):
            invariant(!why.isEmpty && why.utf8.allSatisfy { $0 >= 32 && $0 < 127 }, "an invalid answer's reason is not ASCII")
        }
        // The answer arriving in two reads: a cut before the head's end is incomplete; any cut after it
        // gives the same verdict (a refusal's message may quote less of the body).
        guard !answer.isEmpty else { return }
        let cut = Int(answer[answer.count / 2]) * answer.count / 256
        let early = hs.check(Array(answer[..<cut]), subprotocol: subprotocol)
        if let end, cut >= end + 4 {
            switch (result, early) {
            case (.refused(let a, _), .refused(let b, _)): invariant(a == b, "a refusal's status changed with the cut")
            default: invariant(early == result, "the verdict changed with the cut: \(early) vs \(result)")
            }
        } else if cut <= WebSocketHandshake.maxHeadBytes {
            invariant(early == .incomplete, "a head cut before its end is \(early)")
        }
    }
}
