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
        func line(_ write: () -> Void) {
            let start = at
            write()
            text[at] = 0
            at += 1
            (nodes + used).initialize(to: curl_slist(data: UnsafeMutableRawPointer(text + start).assumingMemoryBound(to: CChar.self),
                                                     next: nil))
            if used > 0 { nodes[used - 1].next = nodes + used }
            used += 1
        }
        func put<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
            for c in bytes { text[at] = c; at += 1 }
        }
        for (k, v) in headers {
            guard HeaderName.isValid(k), HeaderValue.isValid(v) else {
                free(storage)
                return .failure(TransportError(kind: .invalidHeader,
                                               message: "the \(HeaderName.isValid(k) ? k : "request") header has a control character or an invalid name"))
            }
            if !hasContentType { hasContentType = isContentType(k) }
            line { put(k.utf8); put([58, 32]); put(v.utf8) }
        }
        line { put(UnsafeBufferPointer(start: noExpect.utf8Start, count: noExpect.utf8CodeUnitCount)) }
        if !hasContentType {
            line { put(UnsafeBufferPointer(start: noContentType.utf8Start, count: noContentType.utf8CodeUnitCount)) }
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
