import CCurl
import CIVSShims
#if canImport(Glibc)
import Glibc
#endif

/// HTTP over libcurl. Easy handles are pooled: a request takes one (or makes one) and gives it back,
/// so connections stay alive across calls and concurrent callers never share a handle. A request is a
/// `Transfer`: started (options set, headers linked, the response collector attached), run, then
/// finished (the outcome read, the handle returned). The blocking driver runs it with
/// curl_easy_perform; the event loop adds it to a curl multi handle. Responses are bounded
/// (TransportOptions.maxResponseBytes, HTTPResponse's header bounds), and a request goes on the wire
/// at most once per transfer (ResponseCollector.willSend).
public final class CurlTransport: @unchecked Sendable {
    let options: TransportOptions
    private let share: CurlShare
    private let pool = Locked<[PooledHandle]>([])
    /// Handles kept for reuse (each keeps its connection alive when used with curl_easy_perform).
    private let maxPooled: Int

    /// An easy handle, the error buffer curl writes its messages into, and the thread that gave it
    /// back last.
    struct PooledHandle {
        let curl: UnsafeMutableRawPointer
        let errorBuffer: UnsafeMutablePointer<CChar>
        var lastUser: pthread_t = 0

        func cleanup() {
            curl_easy_cleanup(curl)
            errorBuffer.deallocate()
        }
    }

    /// One request on one easy handle, from start to finish.
    struct Transfer {
        let handle: PooledHandle
        let headers: CurlHeaderList
        let collector: UnsafeMutablePointer<ResponseCollector>

        var curl: UnsafeMutableRawPointer { handle.curl }
    }

    public convenience init(options: TransportOptions) {
        self.init(options: options, share: CurlShare())
    }

    /// A transport whose handles share share's DNS cache and TLS sessions with other transports,
    /// keeping up to maxPooled handles for reuse.
    init(options: TransportOptions, share: CurlShare, maxPooled: Int = 64) {
        self.options = options
        self.share = share
        self.maxPooled = maxPooled
    }

    deinit {
        pool.withValue { handles in
            for h in handles { h.cleanup() }
            handles.removeAll()
        }
    }

    // MARK: The blocking send

    public func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        CurlHeaderList.make(request.headers).flatMap {
            send(method: request.method, base: request.url, target: "", body: request.body, headers: $0)
        }
    }

    /// The blocking send of a request to base followed by target (the URL of the endpoint and the
    /// path; joined in setRequestOptions) whose header list is made (the transfer takes the list).
    func send(method: String, base: String, target: String, body: [UInt8], headers: CurlHeaderList) -> Result<HTTPResponse, TransportError> {
        body.withUnsafeBufferPointer { pointer in
            switch start(method: method, base: base, target: target, body: body, reading: pointer, headers: headers) {
            case .failure(let e): return .failure(e)
            case .success(let t): return finish(t, curl_easy_perform(t.curl))
            }
        }
    }

    // MARK: Transfers

    /// Takes a handle and sets it up for request. With body given, curl reads the body from it during
    /// the transfer (the caller keeps it alive until finish); without, curl copies request.body.
    func start(_ request: HTTPRequest, body: UnsafeBufferPointer<UInt8>?) -> Result<Transfer, TransportError> {
        CurlHeaderList.make(request.headers).flatMap {
            start(method: request.method, base: request.url, target: "", body: request.body, reading: body, headers: $0)
        }
    }

    /// start for a request to base followed by target whose header list is made (the transfer takes
    /// it, and frees it on failure too). With reading given, curl reads body from it during the
    /// transfer (the caller keeps it alive until finish); without, curl copies body.
    func start(method: String, base: String, target: String, body: [UInt8], reading: UnsafeBufferPointer<UInt8>?,
               headers: CurlHeaderList) -> Result<Transfer, TransportError> {
        let h: PooledHandle
        switch checkout() {
        case .success(let handle): h = handle
        case .failure(let e):
            headers.release()
            return .failure(e)
        }
        let collector = UnsafeMutablePointer<ResponseCollector>.allocate(capacity: 1)
        collector.initialize(to: ResponseCollector(maxBody: options.maxResponseBytes, curl: h.curl))
        let t = Transfer(handle: h, headers: headers, collector: collector)
        if let failed = setRequestOptions(t, method: method, base: base, target: target, body: body, reading: reading) {
            release(t)
            return .failure(TransportError(kind: .other, message: "curl does not accept the request's \(failed)"))
        }
        return .success(t)
    }

    /// The transfer's outcome after curl ran it (code: what curl_easy_perform or the multi handle
    /// reported); the handle goes back to the pool.
    func finish(_ t: Transfer, _ code: CURLcode) -> Result<HTTPResponse, TransportError> {
        var status = 0
        if civs_curl_getinfo_long(t.curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK, status != 0 {
            t.collector.pointee.response.status = status
        }
        let failed = failure(code, t.handle, t.collector)
        let collected = release(t) // only after everything is read from the handle: another thread may take it next
        if let failed { return .failure(failed) }
        return .success(collected.response)
    }

    /// Detaches what points into this transfer's memory, frees it and returns the handle. The
    /// collector moves out to the caller (its response is the result: moved, not copied).
    @discardableResult
    private func release(_ t: Transfer) -> ResponseCollector {
        // These setopts cannot fail: they only clear pointers.
        _ = civs_curl_setopt_ptr(t.curl, CURLOPT_HTTPHEADER, nil)
        _ = civs_curl_setopt_ptr(t.curl, CURLOPT_POSTFIELDS, nil)
        _ = civs_curl_setopt_ptr(t.curl, CURLOPT_CUSTOMREQUEST, nil)
        _ = civs_curl_setopt_ptr(t.curl, CURLOPT_WRITEDATA, nil)
        _ = civs_curl_setopt_ptr(t.curl, CURLOPT_HEADERDATA, nil)
        _ = civs_curl_setopt_ptr(t.curl, CURLOPT_PREREQDATA, nil)
        _ = civs_curl_setopt_ptr(t.curl, CURLOPT_PRIVATE, nil)
        t.headers.release()
        let collected = t.collector.move()
        t.collector.deallocate()
        checkin(t.handle)
        return collected
    }

    /// The per-request options; the name of the first one curl refused, if any.
    private func setRequestOptions(_ t: Transfer, method: String, base: String, target: String, body: [UInt8],
                                   reading: UnsafeBufferPointer<UInt8>?) -> String? {
        let c = t.curl
        t.handle.errorBuffer[0] = 0
        var failed: StaticString? = nil
        func set(_ name: StaticString, _ rc: CURLcode) { if failed == nil && rc != CURLE_OK { failed = name } }
        set("URL", Self.withURL(base, target) { civs_curl_setopt_str(c, CURLOPT_URL, $0) })
        set("headers", civs_curl_setopt_ptr(c, CURLOPT_HTTPHEADER, t.headers.head))
        set("response collector", civs_curl_setopt_ptr(c, CURLOPT_WRITEDATA, t.collector))
        set("response collector", civs_curl_setopt_ptr(c, CURLOPT_HEADERDATA, t.collector))
        set("response collector", civs_curl_setopt_ptr(c, CURLOPT_PREREQDATA, t.collector))
        if body.isEmpty && method != "POST" {
            set("method", civs_curl_setopt_long(c, CURLOPT_HTTPGET, 1)) // GET, DELETE: no body
        } else {
            set("method", civs_curl_setopt_long(c, CURLOPT_POST, 1))
            set("body", civs_curl_setopt_off(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            if let reading {
                set("body", civs_curl_setopt_ptr(c, CURLOPT_POSTFIELDS, reading.baseAddress.map { UnsafeRawPointer($0) } ?? emptyBody))
            } else {
                set("body", body.withUnsafeBufferPointer { b in
                    civs_curl_setopt_ptr(c, CURLOPT_COPYPOSTFIELDS, b.baseAddress.map { UnsafeRawPointer($0) } ?? emptyBody)
                })
            }
        }
        if method != "GET" && method != "POST" {
            set("method", civs_curl_setopt_str(c, CURLOPT_CUSTOMREQUEST, method))
        }
        return failed?.description
    }

    /// base followed by target as a C string, written into temporary memory (curl copies the URL), so
    /// that no String is joined for each call.
    static func withURL(_ base: String, _ target: String, _ use: (UnsafePointer<CChar>) -> CURLcode) -> CURLcode {
        let b = base.utf8, t = target.utf8
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: b.count + t.count + 1) { url in
            var n = url.initialize(from: b).1
            n += UnsafeMutableBufferPointer(rebasing: url[n...]).initialize(from: t).1
            guard n < url.count, let p = url.baseAddress else { return CURLE_OUT_OF_MEMORY }
            url[n] = 0
            return p.withMemoryRebound(to: CChar.self, capacity: n + 1) { use($0) }
        }
    }

    /// Why the transfer has no response, or nil when it has one (read through the pointer: the
    /// collector is not copied).
    private func failure(_ code: CURLcode, _ h: PooledHandle, _ collector: UnsafeMutablePointer<ResponseCollector>) -> TransportError? {
        let stop = collector.pointee.stop, status = collector.pointee.response.status
        switch stop {
        case .bodyTooLarge:
            return TransportError(kind: .tooLarge(status: status),
                                  message: "the response body is larger than maxResponseBytes (\(options.maxResponseBytes) bytes)")
        case .headersTooLarge:
            return TransportError(kind: .tooLarge(status: status),
                                  message: "the response headers exceed \(HTTPResponse.maxHeaderCount) lines or \(HTTPResponse.maxHeaderBytes) bytes")
        case .resendRefused:
            return TransportError(kind: .reset, message: "the connection closed before a response "
                                  + "(a kept-alive connection had gone; the request was not sent again)")
        case .invalidHeader:
            return Self.invalidHead(status: status, "a NUL or CR byte in a header line")
        case .errorBodyTruncated:
            return nil // the error is classified from status and headers as usual
        case nil:
            break
        }
        guard code == CURLE_OK else {
            let detail = String(cString: h.errorBuffer)
            var kind = Self.classify(code)
            if code == CURLE_OPERATION_TIMEDOUT {
                // A timeout before any connection was made is a connect timeout (botocore tells the two apart).
                var connected: curl_off_t = 0
                let known = civs_curl_getinfo_off(h.curl, CURLINFO_CONNECT_TIME_T, &connected) == CURLE_OK
                kind = known && connected == 0 ? .connectTimeout : .readTimeout
            }
            // libcurl refuses a head it cannot read (a NUL byte, an invalid Content-Length, a line
            // without a colon) this way; after a status line, the server did answer: not a network error.
            if code == CURLE_WEIRD_SERVER_REPLY && status != 0 {
                return Self.invalidHead(status: status, detail.isEmpty ? "libcurl refused it" : detail)
            }
            if case .tooLarge = kind {
                return TransportError(kind: .tooLarge(status: status), message: "the response headers are larger than "
                                      + "libcurl accepts (a line over 100 KB or 300 KB in all): \(detail.isEmpty ? "out of memory" : detail)")
            }
            return TransportError(kind: kind, message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
        return nil
    }

    static func invalidHead(status: Int, _ why: String) -> TransportError {
        TransportError(kind: .invalidResponse(status: status), message: "the response's head is not valid HTTP (\(why))")
    }

    static func classify(_ code: CURLcode) -> TransportError.Kind {
        switch code {
        // curl's own header limits (a line over 100 KB, 300 KB in all) end a transfer this way: the
        // response is what is too large. (Memory running out for real is no more worth a retry.)
        case CURLE_OUT_OF_MEMORY: return .tooLarge(status: 0)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dns
        case CURLE_COULDNT_CONNECT: return .connect
        case CURLE_OPERATION_TIMEDOUT: return .readTimeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE: return .tls
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: return .reset
        default: return .other
        }
    }

    // MARK: The pool

    /// A pooled handle, preferring the one this thread gave back last: its connection's socket, curl's
    /// state and our buffers are then still in this CPU's caches. Threads sharing a client each keep
    /// to a handle of their own this way, instead of taking the other thread's last one (measured in
    /// docs/benchmarks.md, "Where the 2-thread gap was"); any handle does when this thread has none.
    private func checkout() -> Result<PooledHandle, TransportError> {
        let me = pthread_self()
        let pooled = pool.withValue { p -> PooledHandle? in
            if let i = p.lastIndex(where: { pthread_equal($0.lastUser, me) != 0 }) { return p.remove(at: i) }
            return p.popLast()
        }
        if let h = pooled { return .success(h) }
        guard let curl = curl_easy_init() else { return .failure(TransportError(kind: .other, message: "curl_easy_init failed")) }
        let h = PooledHandle(curl: curl, errorBuffer: .allocate(capacity: Int(CURL_ERROR_SIZE) + 1))
        h.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        if let failed = configure(h) {
            h.cleanup()
            return .failure(TransportError(kind: .other, message: "curl does not accept \(failed)"))
        }
        return .success(h)
    }

    private func checkin(_ handle: PooledHandle) {
        var h = handle
        h.lastUser = pthread_self()
        let kept = pool.withValue { p -> Bool in
            guard p.count < maxPooled else { return false }
            p.append(h)
            return true
        }
        if !kept { h.cleanup() }
    }

    /// Options that are the same for every request on this transport's handles; the name of the first
    /// option curl refused, if any.
    private func configure(_ h: PooledHandle) -> String? {
        let c = h.curl
        if let s = share.share, civs_share_attach(s, c) != CURLE_OK { return "the connection share" }
        let settings: [(String, CURLcode)] = [
            ("NOSIGNAL", civs_curl_setopt_long(c, CURLOPT_NOSIGNAL, 1)),
            ("TCP_NODELAY", civs_curl_setopt_long(c, CURLOPT_TCP_NODELAY, 1)),
            ("TCP_KEEPALIVE", civs_curl_setopt_long(c, CURLOPT_TCP_KEEPALIVE, 1)),
            ("connectTimeoutMs", civs_curl_setopt_long(c, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMs)),
            ("requestTimeoutMs", civs_curl_setopt_long(c, CURLOPT_TIMEOUT_MS, options.requestTimeoutMs)),
            ("verifyTls", civs_curl_setopt_long(c, CURLOPT_SSL_VERIFYPEER, options.verifyTLS ? 1 : 0)),
            ("verifyTls", civs_curl_setopt_long(c, CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0)),
            ("PROTOCOLS_STR", civs_curl_setopt_str(c, CURLOPT_PROTOCOLS_STR, "http,https")),
            ("userAgentSuffix", civs_curl_setopt_str(c, CURLOPT_USERAGENT, options.userAgent)),
            ("caBundle", options.caBundle.map { civs_curl_setopt_str(c, CURLOPT_CAINFO, $0) } ?? CURLE_OK),
            ("proxy", options.proxy.map { civs_curl_setopt_str(c, CURLOPT_PROXY, $0) } ?? CURLE_OK),
            ("ERRORBUFFER", civs_curl_setopt_ptr(c, CURLOPT_ERRORBUFFER, h.errorBuffer)),
            ("WRITEFUNCTION", civs_curl_setopt_write(c, CURLOPT_WRITEFUNCTION, curlBody)),
            ("HEADERFUNCTION", civs_curl_setopt_write(c, CURLOPT_HEADERFUNCTION, curlHeader)),
            ("PREREQFUNCTION", civs_curl_setopt_prereq(c, curlPrereq)),
        ]
        return settings.first { $0.1 != CURLE_OK }?.0
    }
}

private let emptyBody = UnsafeRawPointer(("" as StaticString).utf8Start)

// curl's callbacks: each gets the transfer's ResponseCollector; returning a count other than the
// one given (or ABORT from prereq) stops the transfer.

private let curlBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    ptr, size, count, ud in
    let n = size &* count
    guard let ptr, let ud else { return n }
    let c = ud.assumingMemoryBound(to: ResponseCollector.self)
    return c.pointee.body(UnsafeRawBufferPointer(start: ptr, count: n)) ? n : 0
}

private let curlHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    ptr, size, count, ud in
    let n = size &* count
    guard let ptr, let ud else { return n }
    let c = ud.assumingMemoryBound(to: ResponseCollector.self)
    return c.pointee.header(UnsafeRawBufferPointer(start: ptr, count: n)) ? n : 0
}

private let curlPrereq: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?,
                                        UnsafeMutablePointer<CChar>?, Int32, Int32) -> Int32 = {
    ud, _, _, _, _ in
    guard let ud else { return 0 }
    let c = ud.assumingMemoryBound(to: ResponseCollector.self)
    var sent = 0 // request bytes written so far in this transfer
    if c.pointee.requestsSent > 0, let h = c.pointee.curl { _ = civs_curl_getinfo_long(h, CURLINFO_REQUEST_SIZE, &sent) }
    return c.pointee.willSend(requestBytesSent: sent) ? 0 : 1 // CURL_PREREQFUNC_OK / CURL_PREREQFUNC_ABORT
}
