/// What curl's callbacks fill during one transfer: the response, within its bounds, and how many
/// requests curl put on the wire. The transport hands curl a pointer to it (no class, no dynamic
/// exclusivity checks per callback).
struct ResponseCollector {
    var response = HTTPResponse(status: 0, headerCapacity: 512)
    /// The largest successful body accepted.
    let maxBody: Int
    /// Why the transfer was stopped early, if it was.
    var stop: Stop? = nil
    /// Requests curl was about to send in this transfer (its prereq callback).
    var requestsSent = 0
    /// The transfer's easy handle, for what the callbacks ask curl.
    let curl: UnsafeMutableRawPointer?

    enum Stop: Equatable {
        /// A successful response's body (or its announced Content-Length) passed maxBody.
        case bodyTooLarge
        /// The headers passed HTTPResponse's bounds.
        case headersTooLarge
        /// An error response's body reached TransportOptions.errorBodyBytes: what was read is kept.
        case errorBodyTruncated
        /// curl wanted to send the request a second time (see prereq).
        case resendRefused
        /// A header line with a NUL or a CR in it (HTTPResponse.HeaderLine.invalid).
        case invalidHeader
    }

    init(maxBody: Int, curl: UnsafeMutableRawPointer? = nil) {
        self.maxBody = maxBody
        self.curl = curl
    }

    private var isSuccess: Bool { response.status >= 200 && response.status < 300 }

    /// One header line; false stops the transfer.
    mutating func header(_ line: UnsafeRawBufferPointer) -> Bool {
        switch response.receiveHeaderLine(line) {
        case .overflow:
            stop = .headersTooLarge
            return false
        case .invalid:
            stop = .invalidHeader
            return false
        case .header:
            // An announced body over the bound is refused before a byte of it is read.
            if isSuccess, let length = contentLength(line) {
                if length > maxBody { stop = .bodyTooLarge; return false }
                response.body.reserveCapacity(length)
            }
            return true
        case .status, .ignored:
            return true
        }
    }

    /// Content-Length's value if line is that header ("content-length" in any case). Inlined: every
    /// header line of a success asks, and the colon's compare rejects nearly all of them.
    @inline(__always)
    private func contentLength(_ line: UnsafeRawBufferPointer) -> Int? {
        let name: StaticString = "content-length:"
        // The colon first: it rejects every other header with one compare.
        guard line.count > name.utf8CodeUnitCount, line[name.utf8CodeUnitCount - 1] == 58 else { return nil }
        let p = name.utf8Start
        for i in 0..<name.utf8CodeUnitCount where ASCII.lower(line[i]) != p[i] { return nil }
        var value = 0, any = false
        for c in line[name.utf8CodeUnitCount...] {
            if c == 32 || c == 9 || c == 13 || c == 10 { if any { break } else { continue } }
            guard c >= 48 && c <= 57 else { return nil }
            any = true
            if value > Int.max / 100 { return Int.max } // absurd; over any bound
            value = value * 10 + Int(c - 48)
        }
        return any ? value : nil
    }

    /// Body bytes; false stops the transfer.
    mutating func body(_ raw: UnsafeRawBufferPointer) -> Bool {
        let bytes = raw.bindMemory(to: UInt8.self) // typed, so append copies with memcpy
        let limit = isSuccess ? maxBody : min(maxBody, TransportOptions.errorBodyBytes)
        let room = limit - response.body.count
        if bytes.count <= room {
            response.body.append(contentsOf: bytes)
            return true
        }
        if isSuccess {
            stop = .bodyTooLarge
        } else {
            if room > 0 { response.body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<room])) }
            stop = .errorBodyTruncated
        }
        return false
    }

    /// Before curl sends a request: the first is the attempt. A second in the same transfer is
    /// libcurl resending on a fresh connection after a kept-alive one died. If no byte of the first
    /// went out (the write into the dead connection failed: requestBytesSent is 0) nothing reached
    /// the server, and the resend is the same attempt; otherwise the server may have the request,
    /// and only the retry policy may send it again (and count it), so the resend is refused.
    mutating func willSend(requestBytesSent: Int) -> Bool {
        requestsSent += 1
        if requestsSent > 1 && requestBytesSent > 0 { stop = .resendRefused; return false }
        return true
    }
}
