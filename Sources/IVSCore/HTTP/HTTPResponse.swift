#if canImport(Glibc)
import Glibc
#endif

/// Where one header sits in `HTTPResponse.headerBytes`.
struct HeaderSpan: Sendable {
    var nameStart: Int32, nameEnd: Int32, valueStart: Int32, valueEnd: Int32
}

/// A response as received: status, headers as bytes (names lowercased) and the body. Header values
/// are bytes from outside: they become text only through `header(_:)` (String repairs invalid UTF-8)
/// or JSONText (which repairs the same way), and a name received twice reads as one header whose
/// values are joined with ", ", as botocore (urllib3) joins them.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// The headers as received, each name lowercased and followed by its value (trimmed), located by
    /// `headerSpans`: the transport stores bytes, and Strings are made only when someone asks.
    var headerBytes: [UInt8]
    var headerSpans: [HeaderSpan]
    /// The bytes of names and values kept (what maxHeaderBytes bounds; headerBytes may also hold the
    /// few bytes between a name and its value).
    private(set) var keptBytes = 0
    /// One bit per (length, first and last byte) of the names kept: a name whose bit is clear was not
    /// received before, without comparing it with each.
    private var nameBits: UInt64 = 0
    /// Whether some name was received more than once (readers then join its values).
    var hasRepeatedNames = false
    /// Whether every name and value kept is ASCII that JSON text carries as is (no quote, backslash,
    /// control character or byte >= 0x80): ResponseMetadata then copies them without looking again.
    var isPlainASCII = true

    /// Bounds on what a response's headers may take (far above any AWS response: ~20 headers, <2 KB).
    public static let maxHeaderBytes = 256 << 10
    public static let maxHeaderCount = 1000

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.body = body
        headerBytes = []
        headerSpans = []
        for (k, v) in headers { _ = appendHeader(name: Array(k.utf8), value: Array(v.utf8)) }
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

    /// Appends one header; the name is lowercased (ASCII). false, and nothing appended, when the
    /// headers would exceed maxHeaderBytes or maxHeaderCount.
    mutating func appendHeader<N: Collection, V: Collection>(name: N, value: V) -> Bool
        where N.Element == UInt8, V.Element == UInt8 {
        guard headerSpans.count < Self.maxHeaderCount,
              keptBytes + name.count + value.count <= Self.maxHeaderBytes else { return false }
        let ns = headerBytes.count
        for c in name { headerBytes.append(ASCII.lower(c)) }
        let vs = headerBytes.count
        headerBytes.append(contentsOf: value)
        let span = HeaderSpan(nameStart: Int32(ns), nameEnd: Int32(vs), valueStart: Int32(vs), valueEnd: Int32(headerBytes.count))
        let (plain, first, last) = headerBytes.withUnsafeBufferPointer { b in
            let name = UnsafeBufferPointer(rebasing: b[ns..<vs]), value = UnsafeBufferPointer(rebasing: b[vs...])
            return (JSONText.isPlainASCII(name) && JSONText.isPlainASCII(value), name.first ?? 0, name.last ?? 0)
        }
        if !plain { isPlainASCII = false }
        keep(span, first: first, last: last)
        return true
    }

    /// Records a header whose bytes are in headerBytes (name lowercased, its first and last byte given).
    private mutating func keep(_ span: HeaderSpan, first: UInt8, last: UInt8) {
        keptBytes += Int(span.nameEnd - span.nameStart) + Int(span.valueEnd - span.valueStart)
        if !hasRepeatedNames {
            let n = Int(span.nameEnd - span.nameStart)
            let bit: UInt64 = n == 0 ? 1 : 1 << (UInt64(truncatingIfNeeded: n &* 7 &+ Int(first) &+ Int(last)) & 63)
            if nameBits & bit != 0 {
                hasRepeatedNames = headerSpans.contains { sameName($0, span) }
            }
            nameBits |= bit
        }
        headerSpans.append(span)
    }

    /// A header line as curl delivers it (the hot path): the name at [0, colon), the value at
    /// [valueStart, valueEnd). Copied whole with one copy when name and value are close (": "), the
    /// bytes between them kept but in no span; the name lowercased in place.
    private mutating func appendLine(_ p: UnsafePointer<UInt8>, colon: Int, valueStart: Int, valueEnd: Int,
                                     plain: Bool) -> Bool {
        guard headerSpans.count < Self.maxHeaderCount,
              keptBytes + colon + (valueEnd - valueStart) <= Self.maxHeaderBytes else { return false }
        let ns = headerBytes.count
        if valueStart - colon <= 8 {
            headerBytes.append(contentsOf: UnsafeBufferPointer(start: p, count: valueEnd))
        } else {
            headerBytes.append(contentsOf: UnsafeBufferPointer(start: p, count: colon))
            headerBytes.append(contentsOf: UnsafeBufferPointer(start: p + valueStart, count: valueEnd - valueStart))
        }
        headerBytes.withUnsafeMutableBufferPointer { b in
            if let base = b.baseAddress { HeaderName.lowercase(base + ns, colon) }
        }
        if !plain { isPlainASCII = false } // a name is token bytes: always plain
        let vs = headerBytes.count - (valueEnd - valueStart)
        keep(HeaderSpan(nameStart: Int32(ns), nameEnd: Int32(ns + colon), valueStart: Int32(vs),
                        valueEnd: Int32(headerBytes.count)), first: ASCII.lower(p[0]), last: ASCII.lower(p[colon - 1]))
        return true
    }

    /// What one header line did (see receiveHeaderLine).
    enum HeaderLine: Equatable {
        /// A status line: a new response begins (after 1xx, or a proxy's CONNECT answer).
        case status(Int)
        /// A header was kept.
        case header
        /// The blank line, or a line with no colon (ignored, as curl and browsers do).
        case ignored
        /// The headers exceed the bounds.
        case overflow
        /// A NUL, or a CR other than the line break's, in the line: not HTTP (the response is refused).
        case invalid
    }

    /// One raw header line as curl delivers it: a status line ("HTTP/1.1 200 OK\r\n"), a header
    /// ("Name: value\r\n") or the blank line. The value is trimmed of spaces, tabs, CR and LF.
    mutating func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> HeaderLine {
        let n = bytes.count
        let line = bytes.bindMemory(to: UInt8.self)
        guard let base = line.baseAddress else { return .ignored }
        // RFC 9110 5.5: a field value with NUL, CR or LF is invalid, and the recipient must reject the
        // message (or replace them); libivs rejects a line with a NUL or a CR before its end, as
        // libcurl rejects a NUL (LF ends the line). A header's name is token bytes, which these are
        // not, so only its value is looked at; any other line is looked at whole.
        if n >= 5, base[0] == 72, base[1] == 84, base[2] == 84, base[3] == 80, base[4] == 47 { // "HTTP/"
            if Self.hasNULOrCR(base, n) { return .invalid }
            removeHeaders()
            status = Self.statusCode(bytes) ?? 0
            return .status(status)
        }
        // A line without a colon, or whose name is not a token, is not a header (RFC 9110): ignored,
        // as curl and browsers ignore it. The name is the longest run of token bytes, and a colon
        // must end it (a colon is not a token byte: this finds the first colon too).
        let colon = HeaderName.tokenRunLength(base, n)
        guard colon > 0, colon < n, base[colon] == 58 else { return Self.hasNULOrCR(base, n) ? .invalid : .ignored }
        var start = colon + 1
        var end = n
        while start < end, line[start] == 32 || line[start] == 9 { start += 1 }
        while end > start, line[end - 1] == 13 || line[end - 1] == 10 || line[end - 1] == 32 || line[end - 1] == 9 {
            end -= 1
        }
        // After the colon: spaces and tabs, the value, then CRs, LFs, spaces and tabs. A NUL or a CR is
        // a control character, which only a value that is not plain ASCII holds; the end is checked as
        // a line of its own (a CR there before the final CRs and LFs is invalid too).
        let plain = JSONText.isPlainASCII(UnsafeBufferPointer(start: base + start, count: end - start))
        if !plain && Self.hasNULOrCR(base + start, end - start) || Self.hasNULOrCR(base + end, n - end) {
            return .invalid
        }
        return appendLine(base, colon: colon, valueStart: start, valueEnd: end, plain: plain) ? .header : .overflow
    }

    /// Whether a line holds a NUL, or a CR before the CR and LF that end it. Eight bytes at a time
    /// while none of them is below 14 (NUL, TAB, LF and CR all are): the common line is checked by
    /// one compare per word, its end byte by byte.
    static func hasNULOrCR(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var content = n
        while content > 0, p[content - 1] == 13 || p[content - 1] == 10 { content -= 1 }
        var i = 0
        while i + 8 <= content {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if (w &- 0x0e0e_0e0e_0e0e_0e0e) & ~w & 0x8080_8080_8080_8080 != 0 { break } // a byte below 14
            i += 8
        }
        while i < content {
            if p[i] == 0 || p[i] == 13 { return true }
            i += 1
        }
        return false // the rest is CRs and LFs
    }

    /// The three-digit code of a status line "HTTP/x[.y] NNN reason".
    static func statusCode(_ line: UnsafeRawBufferPointer) -> Int? {
        guard let space = line.firstIndex(of: 32), space + 3 < line.count else { return nil }
        var code = 0
        for i in space + 1..<space + 4 {
            let c = line[i]
            guard c >= 48 && c <= 57 else { return nil }
            code = code * 10 + Int(c - 48)
        }
        return code
    }

    /// Forgets the headers collected so far (a new response follows: after 100 Continue, a redirect).
    mutating func removeHeaders() {
        if !headerSpans.isEmpty { // bytes come only with a span: nothing to remove at the first status line
            headerBytes.removeAll(keepingCapacity: true)
            headerSpans.removeAll(keepingCapacity: true)
        }
        hasRepeatedNames = false
        isPlainASCII = true
        keptBytes = 0
        nameBits = 0
    }

    private func sameName(_ a: HeaderSpan, _ b: HeaderSpan) -> Bool {
        let n = Int(a.nameEnd - a.nameStart)
        guard n == Int(b.nameEnd - b.nameStart) else { return false }
        let x = Int(a.nameStart), y = Int(b.nameStart)
        for i in 0..<n where headerBytes[x + i] != headerBytes[y + i] { return false }
        return true
    }

    /// Header names lowercased, each once (repeated ones joined), in the order first received.
    public var headers: [(String, String)] {
        var out: [(String, String)] = []
        forEachHeader { k, v in
            out.append((String(decoding: k, as: UTF8.self), String(decoding: v, as: UTF8.self)))
        }
        return out
    }

    /// The value of the header called name (lowercase), if any (repeated ones joined with ", ").
    public func header(_ name: String) -> String? {
        var found: String? = nil
        var name = name
        name.withUTF8 { n in
            headerBytes.withUnsafeBufferPointer { b in
                for s in headerSpans where Int(s.nameEnd - s.nameStart) == n.count {
                    let start = Int(s.nameStart)
                    var same = true
                    for i in 0..<n.count where b[start + i] != n[i] { same = false; break }
                    guard same else { continue }
                    let value = String(decoding: UnsafeBufferPointer(rebasing: b[Int(s.valueStart)..<Int(s.valueEnd)]),
                                       as: UTF8.self)
                    guard hasRepeatedNames else { found = value; return }
                    found = found.map { $0 + ", " + value } ?? value
                }
            }
        }
        return found
    }

    /// Calls body with each header's name (lowercased) and value bytes, each name once in the order
    /// first received; a repeated name's values come joined with ", ".
    func forEachHeader(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        headerBytes.withUnsafeBufferPointer { b in
            func name(_ s: HeaderSpan) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: b[Int(s.nameStart)..<Int(s.nameEnd)])
            }
            func value(_ s: HeaderSpan) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: b[Int(s.valueStart)..<Int(s.valueEnd)])
            }
            guard hasRepeatedNames else {
                for s in headerSpans { body(name(s), value(s)) }
                return
            }
            for (i, s) in headerSpans.enumerated() {
                if headerSpans[..<i].contains(where: { sameName($0, s) }) { continue } // joined at its first
                var joined = Array(value(s))
                for later in headerSpans[(i + 1)...] where sameName(later, s) {
                    joined.append(44); joined.append(32)
                    joined.append(contentsOf: value(later))
                }
                joined.withUnsafeBufferPointer { body(name(s), $0) }
            }
        }
    }
}
