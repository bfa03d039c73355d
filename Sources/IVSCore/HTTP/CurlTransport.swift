import CCurl
import CIVSShims
#if canImport(Glibc)
import Glibc
#endif

/// HTTP over libcurl. Easy handles are pooled: a call takes one (or makes one), and gives it back,
/// so connections stay alive across calls and concurrent callers never share a handle.
public final class CurlTransport: @unchecked Sendable {
    private let options: TransportOptions
    private let pool = Locked<[OpaquePointer]>([])
    private static let maxPooled = 64
    /// The DNS cache and TLS sessions every handle of this transport shares (nil if curl could not
    /// make one: handles then keep their own).
    private let share: OpaquePointer?

    /// curl_global_init exactly once per process, before the first handle.
    private static let globalInit: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    public init(options: TransportOptions) {
        self.options = options
        _ = Self.globalInit
        share = civs_share_new()
    }

    deinit {
        pool.withValue { handles in
            for h in handles { curl_easy_cleanup(UnsafeMutableRawPointer(h)) }
            handles.removeAll()
        }
        // Every handle is back in the pool (or was cleaned up) by now: no call runs on a freed client.
        civs_share_free(share)
    }

    private func checkout() -> UnsafeMutableRawPointer? {
        if let h = pool.withValue({ $0.popLast() }) { return UnsafeMutableRawPointer(h) }
        guard let h = curl_easy_init() else { return nil }
        configure(h)
        return h
    }

    private func checkin(_ h: UnsafeMutableRawPointer, reusable: Bool) {
        let kept = reusable && pool.withValue { p -> Bool in
            guard p.count < Self.maxPooled else { return false }
            p.append(OpaquePointer(h))
            return true
        }
        if !kept { curl_easy_cleanup(h) }
    }

    /// Options that are the same for every request on this client's handles.
    private func configure(_ h: UnsafeMutableRawPointer) {
        _ = civs_share_attach(share, h)
        _ = civs_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = civs_curl_setopt_long(h, CURLOPT_TCP_NODELAY, 1)
        _ = civs_curl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
        _ = civs_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMs)
        _ = civs_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, options.requestTimeoutMs)
        _ = civs_curl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, options.verifyTLS ? 1 : 0)
        _ = civs_curl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0)
        _ = civs_curl_setopt_ptr(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = options.userAgent.withCString { civs_curl_setopt_ptr(h, CURLOPT_USERAGENT, $0) }
        if let ca = options.caBundle { _ = ca.withCString { civs_curl_setopt_ptr(h, CURLOPT_CAINFO, $0) } }
        if let proxy = options.proxy { _ = proxy.withCString { civs_curl_setopt_ptr(h, CURLOPT_PROXY, $0) } }
        _ = civs_curl_setopt_write(h, CURLOPT_WRITEFUNCTION, curlWriteBody)
        _ = civs_curl_setopt_write(h, CURLOPT_HEADERFUNCTION, curlWriteHeader)
    }

    public func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        guard let h = checkout() else {
            return .failure(TransportError(kind: .other, message: "curl_easy_init failed"))
        }
        // The response is collected through a pointer that curl's callbacks are given (no class, no
        // dynamic exclusivity checks per header).
        let sinkPtr = UnsafeMutablePointer<HTTPResponse>.allocate(capacity: 1)
        sinkPtr.initialize(to: HTTPResponse(status: 0, headerCapacity: 512))
        defer { sinkPtr.deinitialize(count: 1); sinkPtr.deallocate() }
        // The header lines ("Name: value", NUL-terminated) in one buffer, linked by curl_slist nodes
        // that live on the stack: curl only reads the list during perform, so nothing is strdup'd.
        var lines: [UInt8] = []
        lines.reserveCapacity(512)
        var starts: [Int] = []
        starts.reserveCapacity(request.headers.count + 2)
        var hasContentType = false
        for (k, v) in request.headers {
            starts.append(lines.count)
            lines.append(contentsOf: k.utf8)
            lines.append(58); lines.append(32)
            lines.append(contentsOf: v.utf8)
            lines.append(0)
            if !hasContentType { hasContentType = Self.isContentType(k) }
        }
        // No "Expect: 100-continue" round trip for larger bodies, and no curl default Content-Type.
        starts.append(lines.count)
        lines.append(contentsOf: [69, 120, 112, 101, 99, 116, 58, 0]) // "Expect:"
        if !hasContentType {
            starts.append(lines.count)
            lines.append(contentsOf: [67, 111, 110, 116, 101, 110, 116, 45, 84, 121, 112, 101, 58, 0]) // "Content-Type:"
        }

        var errbuf = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = request.url.withCString { url in
            request.body.withUnsafeBufferPointer { body in
                errbuf.withUnsafeMutableBufferPointer { eb in
                lines.withUnsafeMutableBufferPointer { lb in
                withUnsafeTemporaryAllocation(of: curl_slist.self, capacity: starts.count) { nodes -> CURLcode in
                    guard let first = nodes.baseAddress,
                          let text = UnsafeMutableRawPointer(lb.baseAddress)?.assumingMemoryBound(to: CChar.self) else { return CURLE_OUT_OF_MEMORY }
                    for (i, start) in starts.enumerated() {
                        (first + i).initialize(to: curl_slist(data: text + start, next: i + 1 < starts.count ? first + i + 1 : nil))
                    }
                    _ = civs_curl_setopt_ptr(h, CURLOPT_URL, url)
                    _ = civs_curl_setopt_ptr(h, CURLOPT_HTTPHEADER, first)
                    _ = civs_curl_setopt_ptr(h, CURLOPT_WRITEDATA, sinkPtr)
                    _ = civs_curl_setopt_ptr(h, CURLOPT_HEADERDATA, sinkPtr)
                    _ = civs_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, eb.baseAddress)
                    if request.body.isEmpty && request.method != "POST" {
                        // GET, DELETE without a body: no Content-Length, no body.
                        _ = civs_curl_setopt_long(h, CURLOPT_HTTPGET, 1)
                        if request.method != "GET" {
                            _ = request.method.withCString { civs_curl_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, $0) }
                        }
                    } else {
                        _ = civs_curl_setopt_long(h, CURLOPT_POST, 1)
                        _ = civs_curl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                        _ = civs_curl_setopt_ptr(h, CURLOPT_POSTFIELDS, body.baseAddress.map { UnsafeRawPointer($0) } ?? emptyBody)
                        if request.method != "POST" {
                            _ = request.method.withCString { civs_curl_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, $0) }
                        }
                    }
                    let rc = curl_easy_perform(h)
                    // Detach per-call pointers before the buffers go away.
                    _ = civs_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, nil)
                    _ = civs_curl_setopt_ptr(h, CURLOPT_HTTPHEADER, nil)
                    _ = civs_curl_setopt_ptr(h, CURLOPT_POSTFIELDS, nil)
                    _ = civs_curl_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, nil)
                    return rc
                }
                }
                }
            }
        }
        guard code == CURLE_OK else {
            let detail = errbuf.withUnsafeBufferPointer { b in b.baseAddress.map { String(cString: $0) } ?? "" }
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            checkin(h, reusable: false)
            return .failure(TransportError(kind: Self.classify(code), message: text))
        }
        var status = 0
        _ = civs_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        checkin(h, reusable: true)
        sinkPtr.pointee.status = status
        return .success(sinkPtr.pointee)
    }

    /// Whether a header name is Content-Type, in any case.
    static func isContentType(_ name: String) -> Bool {
        let want: [UInt8] = [99, 111, 110, 116, 101, 110, 116, 45, 116, 121, 112, 101] // "content-type"
        guard name.utf8.count == want.count else { return false }
        for (a, b) in zip(name.utf8, want) where ASCII.lower(a) != b { return false }
        return true
    }

    static func classify(_ code: CURLcode) -> TransportError.Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dns
        case CURLE_COULDNT_CONNECT: return .connect
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE: return .tls
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: return .reset
        default: return .other
        }
    }
}

private let emptyBody = UnsafeRawPointer(("" as StaticString).utf8Start)

private let curlWriteBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    ptr, size, count, ud in
    let n = size * count
    guard let ptr, let ud else { return n }
    let sink = ud.assumingMemoryBound(to: HTTPResponse.self)
    ptr.withMemoryRebound(to: UInt8.self, capacity: n) { sink.pointee.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
    return n
}

private let curlWriteHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    ptr, size, count, ud in
    let n = size * count
    guard let ptr, let ud else { return n }
    let sink = ud.assumingMemoryBound(to: HTTPResponse.self)
    // Work on bytes: Swift treats "\r\n" as one Character.
    let bytes = UnsafeRawBufferPointer(start: ptr, count: n)
    if n >= 5, bytes[0] == 72, bytes[1] == 84, bytes[2] == 84, bytes[3] == 80, bytes[4] == 47 { // "HTTP/"
        sink.pointee.removeHeaders() // a new response (after 100 Continue or a redirect)
        return n
    }
    guard let colon = bytes.firstIndex(of: 58) else { return n }
    var start = colon + 1
    var end = n
    while start < end, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
    while end > start, bytes[end - 1] == 13 || bytes[end - 1] == 10 || bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
    ptr.withMemoryRebound(to: UInt8.self, capacity: n) { p in
        sink.pointee.appendHeader(name: UnsafeBufferPointer(start: p, count: colon),
                                  value: UnsafeBufferPointer(start: p + start, count: end - start))
    }
    return n
}
