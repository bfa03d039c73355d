#if canImport(Glibc)
import Glibc
#endif

/// Writing JSON text directly into a byte buffer, for the few places where building a jansson tree
/// only to dump it again would cost more than the call itself (ResponseMetadata on every response).
/// Parsing always goes through jansson.
public enum JSONText {
    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends s as a JSON string literal (quotes included), escaping what JSON requires.
    public static func appendString(_ out: inout [UInt8], _ s: String) {
        var s = s
        s.withUTF8 { appendString(&out, $0) }
    }

    /// Appends UTF-8 bytes as a JSON string literal (quotes included): runs that need no escaping are
    /// copied whole.
    public static func appendString(_ out: inout [UInt8], _ b: UnsafeBufferPointer<UInt8>) {
        out.append(34)
        var run = 0
        for i in 0..<b.count {
            let c = b[i]
            if c >= 32 && c != 34 && c != 92 { continue }
            if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i])) }
            run = i + 1
            switch c {
            case 34: out.append(92); out.append(34)
            case 92: out.append(92); out.append(92)
            case 10: out.append(92); out.append(110)
            case 13: out.append(92); out.append(114)
            case 9: out.append(92); out.append(116)
            default:
                out.append(contentsOf: [92, 117, 48, 48])
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 15)])
            }
        }
        if run < b.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<b.count])) }
        out.append(34)
    }

    public static func appendRaw(_ out: inout [UInt8], _ s: StaticString) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    public static func appendInt(_ out: inout [UInt8], _ i: Int) {
        if i >= 0 && i < 10 { out.append(48 + UInt8(i)); return }
        out.append(contentsOf: String(i).utf8)
    }
}
