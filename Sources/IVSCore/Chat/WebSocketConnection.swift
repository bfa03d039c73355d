import CCurl
import CIVSShims
#if canImport(Glibc)
import Glibc
#endif

/// Where a chat connection goes: a ws:// or wss:// URL.
public struct ChatEndpoint: Equatable, Sendable {
    public let secure: Bool
    /// host[:port] as the URL gives it (the Host header).
    public let authority: String
    /// The request path ("/" when the URL has none).
    public let path: String

    /// What curl connects to: the same host and port over http or https (TLS, proxy and CA bundle
    /// then come from the client's settings exactly as for API calls).
    var curlURL: String { (secure ? "https://" : "http://") + authority + path }

    public var url: String { (secure ? "wss://" : "ws://") + authority + path }

    public static func parse(_ text: String) -> Result<ChatEndpoint, ChatProblem> {
        switch URLText.parse(text) {
        case .failure(let why): return .failure("url \(why.reason)")
        case .success(let p):
            guard p.scheme == "ws" || p.scheme == "wss" else { return .failure("url must be a ws:// or wss:// URL") }
            guard !p.hasUserInfo else { return .failure("url must not carry user info") }
            return .success(ChatEndpoint(secure: p.scheme == "wss", authority: p.authority, path: p.path.isEmpty ? "/" : p.path))
        }
    }

    /// The IVS Chat messaging endpoint of a region.
    public static func service(region: String) -> ChatEndpoint {
        ChatEndpoint(secure: true, authority: "edge.ivschat.\(region).amazonaws.com", path: "/")
    }
}

/// Set from the loop when a connect in progress is to stop (its chat was closed); read by curl's
/// progress callback on the connecting thread.
final class ChatAbortFlag: @unchecked Sendable {
    private let lock = Lock()
    private var set = false

    var isSet: Bool { lock.withLock { set } }
    func raise() { lock.withLock { set = true } }
}

/// One WebSocket over a libcurl connect-only connection. open() runs on a thread of its own (a
/// blocking connect and handshake, bounded by a deadline and stopped by an abort flag); after that the
/// event loop alone uses it, driving receive() and flush() from its watcher of the socket. curl does
/// DNS, TCP, the proxy tunnel and TLS with the client's settings; the bytes on top are ours.
///
/// libcurl 7.88 (Debian 12) has no WebSocket support, and a connect-only transfer in the event loop's
/// multi handle would leave its connection in the multi's shared cache (where CURLMOPT_MAXCONNECTS
/// pruning may close it) with curl_easy_send/recv on a handle still in a multi, which 7.88 does not
/// document. curl_easy_perform on a handle of its own is the documented way.
final class WebSocketConnection {
    private let curl: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let share: CurlShare            // outlives the handle that uses it
    private let abortBox: Unmanaged<ChatAbortFlag>
    private(set) var fd: Int32
    /// Over plain TCP a short read means the socket is drained (one recv saved per wakeup); over TLS
    /// records may wait inside OpenSSL, where poll cannot see them, so reading goes on until EAGAIN.
    private var shortReadDrains = false
    var reader: WebSocketReader
    private var out: [UInt8] = []
    private var outStart = 0
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    private var released = false
    /// Whether the last receive() read any byte.
    private(set) var receivedBytes = false

    /// Why open() failed.
    enum OpenFailure: Error {
        case network(String)
        case refused(status: Int, message: String)
        case invalid(String)
        case aborted
    }

    private init(curl: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>, share: CurlShare,
                 abortBox: Unmanaged<ChatAbortFlag>, fd: Int32, maxMessageBytes: Int) {
        self.curl = curl
        self.errorBuffer = errorBuffer
        self.share = share
        self.abortBox = abortBox
        self.fd = fd
        self.reader = WebSocketReader(maxMessageBytes: maxMessageBytes)
    }

    deinit { release() }

    /// Closes the connection and frees the handle (idempotent).
    func release() {
        guard !released else { return }
        released = true
        curl_easy_cleanup(curl)
        errorBuffer.deallocate()
        abortBox.release()
    }

    // MARK: Opening (on a thread of its own)

    /// Connects and performs the opening handshake with token as the subprotocol, within timeoutMs.
    static func open(_ endpoint: ChatEndpoint, token: String, transport: TransportOptions, share: CurlShare,
                     maxMessageBytes: Int, timeoutMs: Int, abort: ChatAbortFlag) -> Result<WebSocketConnection, OpenFailure> {
        _ = CurlShare.globalInit
        guard let curl = curl_easy_init() else { return .failure(.network("curl_easy_init failed")) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let box = Unmanaged.passRetained(abort)
        let conn = WebSocketConnection(curl: curl, errorBuffer: errorBuffer, share: share, abortBox: box, fd: -1,
                                       maxMessageBytes: maxMessageBytes)
        if let failed = configure(curl, endpoint, transport, share, errorBuffer, box, timeoutMs) {
            return .failure(.network("curl does not accept \(failed)"))
        }
        let deadline = Clock.monotonic() + Double(timeoutMs) / 1000
        let rc = curl_easy_perform(curl)
        if abort.isSet { return .failure(.aborted) }
        guard rc == CURLE_OK else { return .failure(.network(conn.curlMessage(rc))) }
        conn.fd = civs_curl_active_socket(curl)
        conn.shortReadDrains = !endpoint.secure && transport.proxy == nil
        guard conn.fd >= 0 else { return .failure(.network("curl connected but has no socket")) }
        return conn.handshake(endpoint, token: token, userAgent: transport.userAgent, deadline: deadline, abort: abort)
            .map { conn }
    }

    private static func configure(_ c: UnsafeMutableRawPointer, _ endpoint: ChatEndpoint, _ t: TransportOptions,
                                  _ share: CurlShare, _ errorBuffer: UnsafeMutablePointer<CChar>,
                                  _ box: Unmanaged<ChatAbortFlag>, _ timeoutMs: Int) -> String? {
        if let s = share.share, civs_share_attach(s, c) != CURLE_OK { return "the connection share" }
        let settings: [(String, CURLcode)] = [
            ("URL", civs_curl_setopt_str(c, CURLOPT_URL, endpoint.curlURL)),
            ("CONNECT_ONLY", civs_curl_setopt_long(c, CURLOPT_CONNECT_ONLY, 1)),
            ("NOSIGNAL", civs_curl_setopt_long(c, CURLOPT_NOSIGNAL, 1)),
            ("TCP_NODELAY", civs_curl_setopt_long(c, CURLOPT_TCP_NODELAY, 1)),
            ("TCP_KEEPALIVE", civs_curl_setopt_long(c, CURLOPT_TCP_KEEPALIVE, 1)),
            ("connectTimeoutMs", civs_curl_setopt_long(c, CURLOPT_CONNECTTIMEOUT_MS, t.connectTimeoutMs)),
            ("handshakeTimeoutMs", civs_curl_setopt_long(c, CURLOPT_TIMEOUT_MS, timeoutMs)),
            ("verifyTls", civs_curl_setopt_long(c, CURLOPT_SSL_VERIFYPEER, t.verifyTLS ? 1 : 0)),
            ("verifyTls", civs_curl_setopt_long(c, CURLOPT_SSL_VERIFYHOST, t.verifyTLS ? 2 : 0)),
            ("PROTOCOLS_STR", civs_curl_setopt_str(c, CURLOPT_PROTOCOLS_STR, "http,https")),
            ("userAgentSuffix", civs_curl_setopt_str(c, CURLOPT_USERAGENT, t.userAgent)),
            ("caBundle", t.caBundle.map { civs_curl_setopt_str(c, CURLOPT_CAINFO, $0) } ?? CURLE_OK),
            ("proxy", t.proxy.map { civs_curl_setopt_str(c, CURLOPT_PROXY, $0) } ?? CURLE_OK),
            // Through an HTTP proxy the WebSocket needs a tunnel, also for ws:// (a proxy would not
            // forward an Upgrade it does not understand).
            ("proxy", t.proxy.map { _ in civs_curl_setopt_long(c, CURLOPT_HTTPPROXYTUNNEL, 1) } ?? CURLE_OK),
            ("ERRORBUFFER", civs_curl_setopt_ptr(c, CURLOPT_ERRORBUFFER, errorBuffer)),
            ("XFERINFOFUNCTION", civs_curl_setopt_xferinfo(c, abortCheck, box.toOpaque())),
        ]
        return settings.first { $0.1 != CURLE_OK }?.0
    }

    /// The opening handshake over the connected socket, blocking in poll() slices until the deadline.
    private func handshake(_ endpoint: ChatEndpoint, token: String, userAgent: String, deadline: Double,
                           abort: ChatAbortFlag) -> Result<Void, OpenFailure> {
        let hs = WebSocketHandshake()
        out = hs.request(authority: endpoint.authority, path: endpoint.path, subprotocol: token, userAgent: userAgent)
        while true {
            if abort.isSet { return .failure(.aborted) }
            switch flush() {
            case .done: break
            case .failed(let why): return .failure(.network(why))
            case .wouldBlock:
                if let f = wait(Int16(POLLOUT), deadline) { return .failure(f) }
                continue
            }
            break
        }
        var answer: [UInt8] = []
        while true {
            if abort.isSet { return .failure(.aborted) }
            var n = 0
            let rc = chunk.withUnsafeMutableBytes { curl_easy_recv(curl, $0.baseAddress, $0.count, &n) }
            if rc == CURLE_AGAIN {
                if let f = wait(Int16(POLLIN), deadline) { return .failure(f) }
                continue
            }
            guard rc == CURLE_OK else { return .failure(.network(curlMessage(rc))) }
            guard n > 0 else { return .failure(.network("the server closed the connection during the opening handshake")) }
            answer.append(contentsOf: chunk[0..<n])
            switch hs.check(answer, subprotocol: token) {
            case .incomplete: continue
            case .invalid(let why): return .failure(.invalid(why))
            case .refused(let status, let message): return .failure(.refused(status: status, message: message))
            case .accepted(let headBytes):
                // Frames may follow the head in the same read.
                answer.withUnsafeBytes { reader.feed(UnsafeRawBufferPointer(rebasing: $0[headBytes...])) }
                return .success(())
            }
        }
    }

    /// Waits for events on the socket in slices of at most 100 ms (so an abort is seen soon); a
    /// failure when the deadline passes.
    private func wait(_ events: Int16, _ deadline: Double) -> OpenFailure? {
        let left = deadline - Clock.monotonic()
        guard left > 0 else { return .network("the opening handshake took longer than handshakeTimeoutMs") }
        var p = pollfd(fd: fd, events: events, revents: 0)
        _ = poll(&p, 1, Int32(min(100, left * 1000 + 1)))
        return nil
    }

    private func curlMessage(_ rc: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(rc)) : detail
    }

    // MARK: On the event loop

    enum ReceiveStatus {
        /// Read budget bytes; more may be waiting (also inside TLS, where poll cannot see it).
        case more
        case wouldBlock
        /// The server closed the TCP connection.
        case eof
        case failed(String)
    }

    /// Reads into the reader until the socket has nothing more or budget bytes were read.
    func receive(budget: Int) -> ReceiveStatus {
        var total = 0
        receivedBytes = false
        defer { receivedBytes = total > 0 }
        while total < budget {
            var n = 0
            let rc = chunk.withUnsafeMutableBytes { curl_easy_recv(curl, $0.baseAddress, $0.count, &n) }
            if rc == CURLE_AGAIN { return .wouldBlock }
            guard rc == CURLE_OK else { return .failed(curlMessage(rc)) }
            guard n > 0 else { return .eof }
            chunk.withUnsafeBytes { reader.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += n
            if shortReadDrains && n < chunk.count { return .wouldBlock }
        }
        return .more
    }

    /// Bytes waiting to be written.
    var unwritten: Int { out.count - outStart }

    func queue(_ bytes: [UInt8]) {
        if outStart == out.count {
            out = bytes
            outStart = 0
        } else {
            out.append(contentsOf: bytes)
        }
    }

    enum WriteStatus { case done, wouldBlock, failed(String) }

    /// Writes what is queued until it is all written or the socket is full.
    func flush() -> WriteStatus {
        while outStart < out.count {
            var n = 0
            let rc = out.withUnsafeBytes { b in
                curl_easy_send(curl, b.baseAddress.map { $0 + outStart }, b.count - outStart, &n)
            }
            if rc == CURLE_AGAIN { return .wouldBlock }
            guard rc == CURLE_OK else { return .failed(curlMessage(rc)) }
            outStart += n
        }
        out.removeAll(keepingCapacity: out.capacity <= 1 << 20)
        outStart = 0
        return .done
    }
}

/// curl's progress callback during the connect: nonzero aborts it once the chat was closed.
private let abortCheck: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 = {
    ud, _, _, _, _ in
    guard let ud else { return 0 }
    return Unmanaged<ChatAbortFlag>.fromOpaque(ud).takeUnretainedValue().isSet ? 1 : 0
}
