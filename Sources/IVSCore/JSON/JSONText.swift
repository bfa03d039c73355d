#if canImport(Glibc)
import Glibc
#endif

/// Writing JSON text directly into a byte buffer, for the few places where building a jansson tree
/// only to dump it again would cost more than the call itself (ResponseMetadata on every response).
/// Parsing goes through jansson, except where JSONReader reads a response body that needs no tree.
public enum JSONText {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Appends s as a JSON string literal (quotes included), escaping what JSON requires.
    public static func appendString(_ out: inout [UInt8], _ s: String) {
        var s = s
        s.withUTF8 { appendString(&out, $0) }
    }

    /// Appends bytes as a JSON string literal (quotes included): runs that need no escaping are copied
    /// whole. Bytes that are not UTF-8 (header values come from outside) are repaired, each invalid
    /// sequence becoming U+FFFD exactly as String(decoding:as:) repairs it, so the text is always valid
    /// and the same whichever way it was produced. One pass: non-ASCII sequences are checked where they
    /// stand, and only an invalid one sends the value the slow way.
    public static func appendString(_ out: inout [UInt8], _ b: UnsafeBufferPointer<UInt8>) {
        if isPlainASCII(b) { // most header names and values: copied whole
            out.append(34)
            out.append(contentsOf: b)
            out.append(34)
            return
        }
        let mark = out.count
        if !appendChecked(&out, b) {
            out.removeSubrange(mark...)
            var repaired = String(decoding: b, as: UTF8.self)
            repaired.withUTF8 { _ = appendChecked(&out, $0) }
        }
    }

    /// Whether no byte needs escaping or checking: no quote, backslash, control character or
    /// non-ASCII byte (8 bytes at a time, as JSONReader scans strings; from 8 bytes on, the last word
    /// overlaps the one before it: special8 is nonzero exactly when some byte of the word is special).
    @inline(__always)
    static func isPlainASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = b.baseAddress else { return true }
        let n = b.count
        var i = 0
        while i + 8 <= n {
            if JSONReader.special8(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) != 0 { return false }
            i += 8
        }
        if i < n && n >= 8 {
            return JSONReader.special8(UnsafeRawPointer(p + n - 8).loadUnaligned(as: UInt64.self)) == 0
        }
        while i < n {
            let c = p[i]
            if c < 32 || c == 34 || c == 92 || c >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Escaped as jansson's dump escapes, so text written here and a tree dumped by jansson agree;
    /// false (with part of the value written) at the first invalid UTF-8 sequence.
    private static func appendChecked(_ out: inout [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        out.append(34)
        var run = 0
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c >= 0x80 {
                guard let len = UTF8Check.sequenceLength(b, at: i) else { return false }
                i += len
                continue
            }
            if c >= 32 && c != 34 && c != 92 { i += 1; continue }
            if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i])) }
            run = i + 1
            switch c {
            case 34: out.append(92); out.append(34)
            case 92: out.append(92); out.append(92)
            case 8: out.append(92); out.append(98)
            case 12: out.append(92); out.append(102)
            case 10: out.append(92); out.append(110)
            case 13: out.append(92); out.append(114)
            case 9: out.append(92); out.append(116)
            default:
                out.append(contentsOf: [92, 117, 48, 48])
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 15)])
            }
            i += 1
        }
        if run < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<n])) }
        out.append(34)
        return true
    }

    public static func appendRaw(_ out: inout [UInt8], _ s: StaticString) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    public static func appendInt(_ out: inout [UInt8], _ i: Int) {
        if i >= 0 && i < 10 { out.append(48 + UInt8(i)); return }
        out.append(contentsOf: String(i).utf8)
    }
}
