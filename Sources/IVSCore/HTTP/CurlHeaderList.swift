#if canImport(Glibc)
import Glibc
#endif
import CCurl

/// A request's headers as curl takes them: "Name: value" lines, NUL-terminated, and the curl_slist
/// nodes that link them, all in one allocation (nothing strdup'd per call). Every name must be a
/// token and no value may hold a control character other than tab: a CR or LF would let a value
/// from outside write header lines of its own.
struct CurlHeaderList {
    private let storage: UnsafeMutableRawPointer
    /// The first node, for CURLOPT_HTTPHEADER.
    let head: UnsafeMutablePointer<curl_slist>

    /// "Expect:" turns off the 100-continue round trip for larger bodies; "Content-Type:" (when the
    /// request has none) stops curl adding its form Content-Type to a POST.
    fileprivate static let noExpect: StaticString = "Expect:"
    fileprivate static let noContentType: StaticString = "Content-Type:"

    /// The list, or the name of the first header that cannot be sent.
    static func make(_ headers: [(String, String)]) -> Result<CurlHeaderList, TransportError> {
        var textCount = 0
        for (k, v) in headers { textCount += k.utf8.count + v.utf8.count }
        guard var b = Builder(headers: headers.count, textBytes: textCount) else {
            return .failure(TransportError(kind: .other, message: "out of memory"))
        }
        for (k, v) in headers {
            if let e = b.add(k, v) {
                b.discard()
                return .failure(e)
            }
        }
        return .success(b.finish())
    }

    func release() { free(storage) }

    /// Whether a header name is Content-Type, in any case.
    static func isContentType(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { isContentType($0) }
    }

    static func isContentType(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let want: StaticString = "content-type"
        guard name.count == want.utf8CodeUnitCount else { return false }
        for (i, c) in name.enumerated() where ASCII.lower(c) != want.utf8Start[i] { return false }
        return true
    }

    /// Writes the list header by header into one allocation sized by the caller: `make` adds each
    /// header of a request; the signing path (Client.signedHeaderList) adds the same headers with
    /// values it writes in place, so both give the same bytes.
    struct Builder {
        private let storage: UnsafeMutableRawPointer
        private let nodes: UnsafeMutablePointer<curl_slist>
        private let text: UnsafeMutablePointer<UInt8>
        private let nodeCount: Int
        private let textCount: Int
        private var at = 0
        private var used = 0
        private var hasContentType = false
        /// Where the line being written starts, and its value.
        private var lineStart = 0
        private var valueStart = 0
        /// A value outgrew the room the caller sized (a bug, reported as a failure, never a write
        /// past the allocation).
        private var overflow = false

        /// Room for `headers` headers whose names and values take `textBytes` bytes in all (and the
        /// list's own lines); nil when out of memory.
        init?(headers: Int, textBytes: Int) {
            nodeCount = headers + 2
            // Each line adds ": " and its NUL; then "Expect:" and "Content-Type:" with theirs.
            textCount = textBytes + 3 * headers + CurlHeaderList.noExpect.utf8CodeUnitCount + 1
                + CurlHeaderList.noContentType.utf8CodeUnitCount + 1
            let nodeBytes = nodeCount * MemoryLayout<curl_slist>.stride
            guard let storage = malloc(nodeBytes + textCount) else { return nil }
            self.storage = storage
            nodes = storage.bindMemory(to: curl_slist.self, capacity: nodeCount)
            text = (storage + nodeBytes).assumingMemoryBound(to: UInt8.self)
        }

        /// Adds name: value; the error when the header cannot be sent.
        mutating func add(_ name: String, _ value: String) -> TransportError? {
            var name = name, value = value
            let failure = name.withUTF8 { n in begin(n) }
            if let failure { return failure }
            value.withUTF8 { v in
                if let p = v.baseAddress, v.count > 0 { bytes(p, v.count) }
            }
            return end(name)
        }

        /// Starts the line of a header called name (its value then written with bytes); the error
        /// when the name is not a token.
        mutating func begin(_ name: UnsafeBufferPointer<UInt8>) -> TransportError? {
            guard name.allSatisfy(HeaderName.isTokenByte) else {
                return TransportError(kind: .invalidHeader, message: "a request header has an invalid name")
            }
            guard name.count + 3 <= textCount - at else { // ": " and the NUL
                overflow = true
                return TransportError(kind: .other, message: "the request headers outgrew their room")
            }
            lineStart = at
            if let p = name.baseAddress, name.count > 0 { memcpy(text + at, p, name.count) }
            at += name.count
            text[at] = 58; text[at + 1] = 32
            at += 2
            valueStart = at
            if !hasContentType { hasContentType = CurlHeaderList.isContentType(name) }
            return nil
        }

        mutating func begin(_ name: StaticString) -> TransportError? {
            begin(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }

        /// Part of the current header's value.
        mutating func bytes(_ p: UnsafePointer<UInt8>, _ n: Int) {
            guard let to = room(n) else { return }
            memcpy(to, p, n)
        }

        /// Where the next n bytes of the value go (the caller writes them); nil when the caller sized
        /// too little room.
        mutating func room(_ n: Int) -> UnsafeMutablePointer<UInt8>? {
            guard n >= 0, n <= textCount - at - 1 else { overflow = true; return nil } // 1: the line's NUL
            defer { at += n }
            return text + at
        }

        /// Ends the current header after checking its value; the error (naming the header) when the
        /// value has a control character.
        mutating func end(_ name: @autoclosure () -> String) -> TransportError? {
            guard !overflow else { return TransportError(kind: .other, message: "the request headers outgrew their room") }
            guard HeaderValue.isValid(UnsafeBufferPointer(start: text + valueStart, count: at - valueStart)) else {
                return TransportError(kind: .invalidHeader, message: "the \(name()) header has a control character")
            }
            endLine()
            return nil
        }

        /// NUL-terminates the line from lineStart and links it as the next node.
        private mutating func endLine() {
            text[at] = 0
            at += 1
            nodes.advanced(by: used).initialize(to: curl_slist(
                data: UnsafeMutableRawPointer(text + lineStart).assumingMemoryBound(to: CChar.self), next: nil))
            if used > 0 { nodes[used - 1].next = nodes.advanced(by: used) }
            used += 1
        }

        /// The list with curl's two lines after the headers (the builder is spent).
        mutating func finish() -> CurlHeaderList {
            for line in hasContentType ? [CurlHeaderList.noExpect] : [CurlHeaderList.noExpect, CurlHeaderList.noContentType] {
                lineStart = at
                memcpy(text + at, line.utf8Start, line.utf8CodeUnitCount)
                at += line.utf8CodeUnitCount
                endLine()
            }
            return CurlHeaderList(storage: storage, head: nodes)
        }

        /// Frees what was written (the builder is spent).
        func discard() { free(storage) }
    }
}
