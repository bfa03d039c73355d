import CCurl
import CIVSShims
#if canImport(Glibc)
import Glibc
#endif

/// HTTP over libcurl. Easy handles are pooled: a call takes one (or makes one), and gives it back,
/// so connections stay alive across calls and concurrent callers never share a handle. Responses are
/// bounded (TransportOptions.maxResponseBytes, HTTPResponse's header bounds), and a request goes on
/// the wire at most once per send (see ResponseCollector.willSend).
public final class CurlTransport: @unchecked Sendable {
    private let options: TransportOptions
    private let pool = Locked<[PooledHandle]>([])
    private static let maxPooled = 64
    /// The DNS cache and TLS sessions every handle of this transport shares (nil if curl could not
    /// make one: handles then keep their own).
    private let share: OpaquePointer?

    /// An easy handle and the error buffer curl writes its messages into.
    private struct PooledHandle {
        let curl: UnsafeMutableRawPointer
        let errorBuffer: UnsafeMutablePointer<CChar>

        func cleanup() {
            curl_easy_cleanup(curl)
            errorBuffer.deallocate()
        }
    }

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
            for h in handles { h.cleanup() }
            handles.removeAll()
        }
        // Every handle is back in the pool (or was cleaned up) by now: no call runs on a freed client.
        civs_share_free(share)
    }

    private func checkout() -> Result<PooledHandle, TransportError> {
        if let h = pool.withValue({ $0.popLast() }) { return .success(h) }
        guard let curl = curl_easy_init() else { return .failure(TransportError(kind: .other, message: "curl_easy_init failed")) }
        let h = PooledHandle(curl: curl, errorBuffer: .allocate(capacity: Int(CURL_ERROR_SIZE) + 1))
        h.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        if let failed = configure(h) {
            h.cleanup()
            return .failure(TransportError(kind: .other, message: "curl does not accept \(failed)"))
        }
        return .success(h)
    }

    private func checkin(_ h: PooledHandle) {
        let kept = pool.withValue { p -> Bool in
            guard p.count < Self.maxPooled else { return false }
            p.append(h)
            return true
        }
        if !kept { h.cleanup() }
    }

    /// Options that are the same for every request on this client's handles; the name of the first
    /// option curl refused, if any.
    private func configure(_ h: PooledHandle) -> String? {
        let c = h.curl
        if let s = share, civs_share_attach(s, c) != CURLE_OK { return "the connection share" }
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

    public func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        let h: PooledHandle
        switch checkout() {
        case .success(let handle): h = handle
        case .failure(let e): return .failure(e)
        }
        let headers: CurlHeaderList
        switch CurlHeaderList.make(request.headers) {
        case .success(let list): headers = list
        case .failure(let e):
            checkin(h)
            return .failure(e)
        }
        defer { headers.release() }
        let collector = UnsafeMutablePointer<ResponseCollector>.allocate(capacity: 1)
        collector.initialize(to: ResponseCollector(maxBody: options.maxResponseBytes, curl: h.curl))
        defer { collector.deinitialize(count: 1); collector.deallocate() }

        let code = request.body.withUnsafeBufferPointer { body in
            perform(h, request, body, headers, collector)
        }
        let result = outcome(code, h, collector.pointee)
        checkin(h) // only after everything is read from the handle: another thread may take it next
        return result
    }

    /// The transfer's result: the response, or why there is none.
    private func outcome(_ code: CURLcode, _ h: PooledHandle, _ c: ResponseCollector) -> Result<HTTPResponse, TransportError> {
        switch c.stop {
        case .bodyTooLarge:
            return .failure(TransportError(kind: .tooLarge(status: c.response.status),
                                           message: "the response body is larger than maxResponseBytes (\(options.maxResponseBytes) bytes)"))
        case .headersTooLarge:
            return .failure(TransportError(kind: .tooLarge(status: c.response.status),
                                           message: "the response headers exceed \(HTTPResponse.maxHeaderCount) lines or \(HTTPResponse.maxHeaderBytes) bytes"))
        case .resendRefused:
            return .failure(TransportError(kind: .reset, message: "the connection closed before a response "
                                           + "(a kept-alive connection had gone; the request was not sent again)"))
        case .errorBodyTruncated:
            return .success(c.response) // the error is classified from status and headers as usual
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
            if case .tooLarge = kind {
                var status = 0
                _ = civs_curl_getinfo_long(h.curl, CURLINFO_RESPONSE_CODE, &status)
                return .failure(TransportError(kind: .tooLarge(status: status), message: "the response headers are larger than "
                                               + "libcurl accepts (a line over 100 KB or 300 KB in all): \(detail.isEmpty ? "out of memory" : detail)"))
            }
            return .failure(TransportError(kind: kind, message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail))
        }
        return .success(c.response)
    }

    /// Sets the per-request options, runs the transfer, and detaches what points into this call's
    /// memory (headers, body, collector) before returning.
    private func perform(_ h: PooledHandle, _ request: HTTPRequest, _ body: UnsafeBufferPointer<UInt8>,
                         _ headers: CurlHeaderList, _ collector: UnsafeMutablePointer<ResponseCollector>) -> CURLcode {
        let c = h.curl
        h.errorBuffer[0] = 0
        var rc = civs_curl_setopt_str(c, CURLOPT_URL, request.url)
        func set(_ r: CURLcode) { if rc == CURLE_OK { rc = r } }
        set(civs_curl_setopt_ptr(c, CURLOPT_HTTPHEADER, headers.head))
        set(civs_curl_setopt_ptr(c, CURLOPT_WRITEDATA, collector))
        set(civs_curl_setopt_ptr(c, CURLOPT_HEADERDATA, collector))
        set(civs_curl_setopt_ptr(c, CURLOPT_PREREQDATA, collector))
        if body.isEmpty && request.method != "POST" {
            set(civs_curl_setopt_long(c, CURLOPT_HTTPGET, 1)) // GET, DELETE: no Content-Length, no body
        } else {
            set(civs_curl_setopt_long(c, CURLOPT_POST, 1))
            set(civs_curl_setopt_off(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            set(civs_curl_setopt_ptr(c, CURLOPT_POSTFIELDS, body.baseAddress.map { UnsafeRawPointer($0) } ?? emptyBody))
        }
        if request.method != "GET" && request.method != "POST" {
            set(civs_curl_setopt_str(c, CURLOPT_CUSTOMREQUEST, request.method))
        }
        if rc == CURLE_OK { rc = curl_easy_perform(c) }
        var status = 0
        if civs_curl_getinfo_long(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK, status != 0 {
            collector.pointee.response.status = status
        }
        // Nothing may point into this call's memory once it returns; these setopts cannot fail.
        _ = civs_curl_setopt_ptr(c, CURLOPT_HTTPHEADER, nil)
        _ = civs_curl_setopt_ptr(c, CURLOPT_POSTFIELDS, nil)
        _ = civs_curl_setopt_ptr(c, CURLOPT_CUSTOMREQUEST, nil)
        _ = civs_curl_setopt_ptr(c, CURLOPT_WRITEDATA, nil)
        _ = civs_curl_setopt_ptr(c, CURLOPT_HEADERDATA, nil)
        _ = civs_curl_setopt_ptr(c, CURLOPT_PREREQDATA, nil)
        return rc
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
