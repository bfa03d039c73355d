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
    private static let noExpect: StaticString = "Expect:"
    private static let noContentType: StaticString = "Content-Type:"

    /// The list, or the name of the first header that cannot be sent.
    static func make(_ headers: [(String, String)]) -> Result<CurlHeaderList, TransportError> {
        var textCount = noExpect.utf8CodeUnitCount + 1 + noContentType.utf8CodeUnitCount + 1
        for (k, v) in headers { textCount += k.utf8.count + 2 + v.utf8.count + 1 }
        let nodeCount = headers.count + 2
        let nodeBytes = nodeCount * MemoryLayout<curl_slist>.stride
        guard let storage = malloc(nodeBytes + textCount) else {
            return .failure(TransportError(kind: .other, message: "out of memory"))
        }
        let nodes = storage.bindMemory(to: curl_slist.self, capacity: nodeCount)
        let text = (storage + nodeBytes).assumingMemoryBound(to: UInt8.self)
        var at = 0, used = 0
        var hasContentType = false
        /// Links the line that starts at start (its bytes already written) as the next node.
        func endLine(from start: Int) {
            text[at] = 0
            at += 1
            nodes.advanced(by: used).initialize(to: curl_slist(
                data: UnsafeMutableRawPointer(text + start).assumingMemoryBound(to: CChar.self), next: nil))
            if used > 0 { nodes[used - 1].next = nodes.advanced(by: used) }
            used += 1
        }
        /// Copies s after checking its bytes (contiguous UTF-8).
        func put(_ s: String, _ valid: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
            var s = s
            return s.withUTF8 { b in
                guard valid(b) else { return false }
                if let p = b.baseAddress { memcpy(text + at, p, b.count) }
                at += b.count
                return true
            }
        }
        for (k, v) in headers {
            let start = at
            guard put(k, { $0.allSatisfy(HeaderName.isTokenByte) }) else {
                free(storage)
                return .failure(TransportError(kind: .invalidHeader, message: "a request header has an invalid name"))
            }
            text[at] = 58; text[at + 1] = 32
            at += 2
            guard put(v, HeaderValue.isValid) else {
                free(storage)
                return .failure(TransportError(kind: .invalidHeader, message: "the \(k) header has a control character"))
            }
            endLine(from: start)
            if !hasContentType { hasContentType = isContentType(k) }
        }
        for line in hasContentType ? [noExpect] : [noExpect, noContentType] {
            let start = at
            memcpy(text + at, line.utf8Start, line.utf8CodeUnitCount)
            at += line.utf8CodeUnitCount
            endLine(from: start)
        }
        return .success(CurlHeaderList(storage: storage, head: nodes))
    }

    func release() { free(storage) }

    /// Whether a header name is Content-Type, in any case.
    static func isContentType(_ name: String) -> Bool {
        let want: StaticString = "content-type"
        guard name.utf8.count == want.utf8CodeUnitCount else { return false }
        for (i, c) in name.utf8.enumerated() where ASCII.lower(c) != want.utf8Start[i] { return false }
        return true
    }
}
