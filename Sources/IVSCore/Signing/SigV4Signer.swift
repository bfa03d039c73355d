#if canImport(Glibc)
import Glibc
#endif
import COpenSSL

/// AWS Signature Version 4 for the IVS services (non-S3 rules: the path is encoded once more in the
/// canonical request; no x-amz-content-sha256 header). Signing keys are cached per secret, day,
/// region and service, with their HMAC states, so a call costs two SHA-256 and one HMAC beyond the
/// canonical strings.
///
/// The hot path (withSignature) writes the canonical request and the string to sign as bytes into
/// one scratch allocation sized up front, from the request's parts as they are (no Request, no
/// String made, X-Amz-Date included), and the caller writes the headers from there. `sign` copies
/// those bytes into a Signature, whose canonical request, string to sign and signature are decoded
/// only when read.
public final class SigV4Signer: @unchecked Sendable {
    public struct Request {
        public var method: String
        /// The path as sent on the wire (labels already percent-encoded).
        public var path: String
        /// Query parameters, unencoded.
        public var query: [(String, String)]
        /// Headers to sign besides host and x-amz-date (e.g. content-type), names in any case.
        public var headers: [(String, String)]
        public var host: String
        public var body: [UInt8]

        public init(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                    host: String, body: [UInt8]) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.host = host
            self.body = body
        }
    }

    public struct Signature {
        /// The canonical request, then the string to sign, then the signature's hex.
        let bytes: [UInt8]
        let layout: SignatureLayout
        let accessKeyId: String
        let sessionToken: String?

        /// Headers to add to the request: X-Amz-Date, X-Amz-Security-Token (if any), Authorization.
        /// Made when asked: the call path writes them straight into curl's header list instead.
        public var headers: [(String, String)] {
            var out: [(String, String)] = []
            out.reserveCapacity(3)
            out.append(("X-Amz-Date", String(decoding: bytes[layout.dateRange], as: UTF8.self)))
            if let sessionToken { out.append(("X-Amz-Security-Token", sessionToken)) }
            let count = layout.authorizationCount(accessKeyId: accessKeyId)
            out.append(("Authorization", String(unsafeUninitializedCapacity: count) { buf in
                guard let p = buf.baseAddress, buf.count >= count else { return 0 }
                return bytes.withUnsafeBufferPointer { layout.writeAuthorization(from: $0, accessKeyId: accessKeyId, to: p) }
            }))
            return out
        }

        public var canonicalRequest: String {
            String(decoding: bytes[..<layout.canonicalRequestEnd], as: UTF8.self)
        }
        public var stringToSign: String {
            String(decoding: bytes[layout.canonicalRequestEnd..<layout.stringToSignEnd], as: UTF8.self)
        }
        public var signature: String {
            String(decoding: bytes[layout.stringToSignEnd...], as: UTF8.self)
        }
    }

    /// Where the parts of a signature stand in its bytes (the canonical request, then the string to
    /// sign, then the signature's hex), for Signature's array and for withSignature's scratch memory.
    struct SignatureLayout {
        let canonicalRequestEnd: Int
        let stringToSignEnd: Int
        /// Where the credential scope and the signed headers stand.
        let scope: Range<Int>
        let signedHeaders: Range<Int>
        /// X-Amz-Date's bytes, at the string to sign's second line.
        let dateCount: Int

        var dateRange: Range<Int> {
            let start = canonicalRequestEnd + Layout.algorithmLine.utf8CodeUnitCount
            return start..<start + dateCount
        }

        /// The length of Authorization's value.
        func authorizationCount(accessKeyId: String) -> Int {
            Layout.credentialPrefix.utf8CodeUnitCount + accessKeyId.utf8.count + 1 + scope.count
                + Layout.signedHeadersPrefix.utf8CodeUnitCount + signedHeaders.count
                + Layout.signaturePrefix.utf8CodeUnitCount + Layout.hexDigestCount
        }

        /// "AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=..., Signature=..." at p (room for
        /// authorizationCount bytes) from the parts already written in bytes; the count written.
        func writeAuthorization(from b: UnsafeBufferPointer<UInt8>, accessKeyId: String, to p: UnsafeMutablePointer<UInt8>) -> Int {
            guard let src = b.baseAddress, stringToSignEnd + Layout.hexDigestCount <= b.count else { return 0 }
            var w = ByteWriter(p, at: 0)
            w.ascii(Layout.credentialPrefix)
            w.string(accessKeyId)
            w.byte(47)
            w.copy(src + scope.lowerBound, scope.count)
            w.ascii(Layout.signedHeadersPrefix)
            w.copy(src + signedHeaders.lowerBound, signedHeaders.count)
            w.ascii(Layout.signaturePrefix)
            w.copy(src + stringToSignEnd, Layout.hexDigestCount)
            return w.count
        }
    }

    private struct KeyID: Hashable {
        let secret: String
        let date: String
        let region: String
        let service: String
    }

    /// A signing key and its HMAC states.
    private struct KeyState {
        let key: [UInt8]
        let hmac: Digest.HMACKey
    }

    private struct Cache {
        var byID: [KeyID: KeyState] = [:]
        // The last key sign() used, compared field by field before hashing a KeyID (a client signs
        // with the same secret, day, region and service call after call). lastHMAC == nil: none yet.
        var lastSecret = ""
        var lastDate: UInt64 = 0
        var lastRegion = ""
        var lastService = ""
        var lastHMAC: Digest.HMACKey? = nil
    }

    private let cache = Locked(Cache())

    /// The SHA-256 state after the first 64 bytes of the last canonical request hashed. Those bytes
    /// (method, path, query and the first headers) are the same call after call to one operation, so
    /// the next canonical request that starts with them skips that block's compression.
    private struct PrefixState {
        var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var state = SHA256_CTX()
        var valid = false
    }

    private let prefix = Locked(PrefixState())

    public init() {}

    /// The canonical query string as bytes. The encodings are ASCII, so comparing bytes orders them
    /// as comparing the Strings did.
    static func canonicalQueryBytes(_ query: [(String, String)]) -> [UInt8] {
        func enc(_ s: String) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: URIEncoding.maxEncodedCount(s)) { buf, n in
                guard let p = buf.baseAddress else { n = 0; return }
                n = URIEncoding.write(s, keepSlash: false, to: p)
            }
        }
        let pairs = query.map { (enc($0.0), enc($0.1)) }
            .sorted { $0.0 == $1.0 ? $0.1.lexicographicallyPrecedes($1.1) : $0.0.lexicographicallyPrecedes($1.0) }
        var out = [UInt8]()
        out.reserveCapacity(pairs.reduce(0) { $0 + $1.0.count + $1.1.count + 2 })
        for (i, (k, v)) in pairs.enumerated() {
            if i > 0 { out.append(38) } // &
            out.append(contentsOf: k)
            out.append(61) // =
            out.append(contentsOf: v)
        }
        return out
    }

    /// The fixed parts of SigV4's strings and their lengths.
    private enum Layout {
        static let algorithmLine: StaticString = "AWS4-HMAC-SHA256\n"
        static let scopeTerminator: StaticString = "/aws4_request"
        static let credentialPrefix: StaticString = "AWS4-HMAC-SHA256 Credential="
        static let signedHeadersPrefix: StaticString = ", SignedHeaders="
        static let signaturePrefix: StaticString = ", Signature="
        /// X-Amz-Date (20261121T093000Z) and its day (20261121).
        static let amzDateCount = 16
        static let dayCount = 8
        /// A SHA-256 or HMAC-SHA256 in lowercase hex.
        static let hexDigestCount = 64
        /// The headers sign() always adds: host and x-amz-date (and x-amz-security-token with a token).
        static let host: StaticString = "host"
        static let amzDate: StaticString = "x-amz-date"
        static let securityToken: StaticString = "x-amz-security-token"
    }

    /// Where a canonical header's value comes from.
    private enum HeaderSource {
        case host, amzDate, securityToken
        /// Request.headers[i].
        case request(Int)
    }

    /// A header of the canonical request: its lowercased name, written in the scratch area of the
    /// output buffer, and where its value comes from.
    private struct HeaderEntry {
        var nameStart: Int
        var nameCount: Int
        var source: HeaderSource
    }

    /// Signs r: the canonical request, the string to sign and the signature, as bytes.
    public func sign(_ r: Request, credentials: Credentials, region: String, service: String,
                     time: Double) -> Signature {
        withSignature(method: r.method, path: r.path, query: r.query, headers: r.headers, host: r.host, body: r.body,
                      credentials: credentials, region: region, service: service, time: time) { bytes, layout in
            Signature(bytes: Array(bytes), layout: layout, accessKeyId: credentials.accessKeyId,
                      sessionToken: credentials.sessionToken)
        }
    }

    /// Signs a request given by its parts (borrowed: the call path passes its prepared call's fields
    /// with no Request built) and hands the signature's bytes, valid only during `use`, to `use`.
    /// The canonical request, the string to sign and the signature are written into one scratch
    /// allocation sized up front, X-Amz-Date included (no String made for it). Header names are
    /// ASCII tokens (the generator checks the models' names; CurlHeaderList refuses others).
    func withSignature<T>(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                          host: String, body: [UInt8], credentials: Credentials, region: String, service: String,
                          time: Double, _ use: (UnsafeBufferPointer<UInt8>, SignatureLayout) -> T) -> T {
        let seconds = time.isFinite && time > -9.0e18 && time < 9.0e18 ? Int(time) : 0
        // Years outside 0...9999 (never a real request) take Clock's slow path, as a String.
        let farDate = Clock.amzDateRange.contains(seconds) ? nil : Clock.amzDate(seconds)
        let dateCount = farDate?.utf8.count ?? Layout.amzDateCount
        let token = credentials.sessionToken
        let queryBytes = query.isEmpty ? [] : Self.canonicalQueryBytes(query)

        // Upper bounds of every part, so the scratch memory is allocated once.
        let headerCount = headers.count + (token == nil ? 2 : 3)
        var namesCount = Layout.host.utf8CodeUnitCount + Layout.amzDate.utf8CodeUnitCount
            + (token == nil ? 0 : Layout.securityToken.utf8CodeUnitCount)
        var valuesCount = host.utf8.count + dateCount + (token?.utf8.count ?? 0)
        for i in headers.indices {
            namesCount += headers[i].0.utf8.count
            valuesCount += headers[i].1.utf8.count
        }
        let pathBound = path.isEmpty ? 1 : URIEncoding.maxEncodedCount(path)
        let scopeCount = Layout.dayCount + 1 + region.utf8.count + 1 + service.utf8.count + Layout.scopeTerminator.utf8CodeUnitCount
        // method \n path \n query \n (name:value\n)* \n signed-headers \n hex
        let canonicalRequestBound = method.utf8.count + 1 + pathBound + 1 + queryBytes.count + 1
            + namesCount + 2 * headerCount + valuesCount + 1 + namesCount + headerCount + 1 + Layout.hexDigestCount
        // AWS4-HMAC-SHA256 \n amz-date \n scope \n hex
        let stringToSignCount = Layout.algorithmLine.utf8CodeUnitCount + dateCount + 1 + scopeCount + 1
            + Layout.hexDigestCount
        // The scratch area after the signature: X-Amz-Date, then the lowercased header names.
        let dateStart = canonicalRequestBound + stringToSignCount + Layout.hexDigestCount
        let capacity = dateStart + dateCount + namesCount

        return withUnsafeTemporaryAllocation(of: HeaderEntry.self, capacity: headerCount) { entries in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buf in
                guard let base = buf.baseAddress, let e = entries.baseAddress, entries.count >= headerCount,
                      buf.count >= capacity else {
                    return use(UnsafeBufferPointer(start: nil, count: 0),
                               SignatureLayout(canonicalRequestEnd: 0, stringToSignEnd: 0, scope: 0..<0, signedHeaders: 0..<0, dateCount: 0))
                }
                var d = ByteWriter(base, at: dateStart)
                if let farDate { d.string(farDate) } else { Clock.writeAmzDate(seconds, to: base + dateStart) }
                let date = Span(start: dateStart, count: dateCount)
                let sorted = Self.sortedHeaders(headers, hasToken: token != nil, into: UnsafeMutableBufferPointer(start: e, count: headerCount),
                                                scratch: base, at: dateStart + dateCount)
                var w = ByteWriter(base, at: 0)
                let signedHeaders = Self.writeCanonicalRequest(&w, method: method, path: path, query: queryBytes, headers: sorted,
                                                               body: body) { w, source in
                    switch source {
                    case .host: w.trimmed(host)
                    case .amzDate: w.copy(base + date.start, date.count)
                    case .securityToken: w.trimmed(token ?? "")
                    case .request(let i): w.trimmed(headers[i].1)
                    }
                }
                let canonicalRequestEnd = w.count
                var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                let scope = withUnsafeMutableBytes(of: &digest) { d in
                    canonicalRequestDigest(UnsafePointer(base), canonicalRequestEnd, into: d.baseAddress)
                    return Self.writeStringToSign(&w, date: date, region: region, service: service,
                                                  canonicalRequestDigest: UnsafeRawBufferPointer(d))
                }
                let stringToSignEnd = w.count
                let hmac = hmacKey(secret: credentials.secretAccessKey, date: base + date.start, region: region, service: service)
                Self.writeSignature(&w, hmac, stringToSign: canonicalRequestEnd..<stringToSignEnd)
                return use(UnsafeBufferPointer(start: base, count: w.count),
                           SignatureLayout(canonicalRequestEnd: canonicalRequestEnd, stringToSignEnd: stringToSignEnd,
                                           scope: scope, signedHeaders: signedHeaders, dateCount: dateCount))
            }
        }
    }

    /// Bytes already written in the scratch memory.
    private struct Span {
        let start: Int
        let count: Int
    }

    /// The canonical headers: each name lowercased into the scratch area, sorted by name (a stable
    /// sort, so a name given twice keeps its order).
    private static func sortedHeaders(_ headers: [(String, String)], hasToken: Bool, into entries: UnsafeMutableBufferPointer<HeaderEntry>,
                                      scratch base: UnsafeMutablePointer<UInt8>, at start: Int) -> UnsafeMutableBufferPointer<HeaderEntry> {
        var e = entries
        var w = ByteWriter(base, at: start)
        var n = 0
        func add(_ source: HeaderSource, _ write: (inout ByteWriter) -> Void) {
            let nameStart = w.count
            write(&w)
            e.initializeElement(at: n, to: HeaderEntry(nameStart: nameStart, nameCount: w.count - nameStart, source: source))
            n += 1
        }
        add(.host) { $0.ascii(Layout.host) }
        add(.amzDate) { $0.ascii(Layout.amzDate) }
        if hasToken { add(.securityToken) { $0.ascii(Layout.securityToken) } }
        for i in headers.indices { add(.request(i)) { $0.lowercased(headers[i].0) } }
        e.sort { a, b in
            let c = memcmp(base + a.nameStart, base + b.nameStart, min(a.nameCount, b.nameCount))
            return c != 0 ? c < 0 : a.nameCount < b.nameCount
        }
        return e
    }

    /// The canonical request: method, encoded path, canonical query, canonical headers, signed
    /// headers and the body's SHA-256; returns where the signed headers stand.
    private static func writeCanonicalRequest(_ w: inout ByteWriter, method: String, path: String, query: [UInt8],
                                              headers: UnsafeMutableBufferPointer<HeaderEntry>, body: [UInt8],
                                              value: (inout ByteWriter, HeaderSource) -> Void) -> Range<Int> {
        w.string(method)
        w.byte(10)
        if path.isEmpty { w.byte(47) } else { w.uriEncoded(path) }
        w.byte(10)
        w.bytes(query)
        w.byte(10)
        for h in headers {
            w.copy(w.base + h.nameStart, h.nameCount)
            w.byte(58) // :
            value(&w, h.source)
            w.byte(10)
        }
        w.byte(10)
        let start = w.count
        for (i, h) in headers.enumerated() {
            if i > 0 { w.byte(59) } // ;
            w.copy(w.base + h.nameStart, h.nameCount)
        }
        let signed = start..<w.count
        w.byte(10)
        w.sha256Hex(of: body)
        return signed
    }

    /// The SHA-256 of the canonical request at p (n bytes) into out (32 bytes), its first block's
    /// compression taken from the last request's when the block is the same.
    private func canonicalRequestDigest(_ p: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutableRawPointer?) {
        guard n >= 64 else { return Digest.sha256(UnsafeRawBufferPointer(start: p, count: n), into: out) }
        var ctx = SHA256_CTX()
        let hit = prefix.withValue { c -> Bool in
            guard c.valid, withUnsafeBytes(of: &c.block, { b in b.baseAddress.map { memcmp($0, p, 64) == 0 } ?? false }) else { return false }
            ctx = c.state
            return true
        }
        if !hit {
            SHA256_Init(&ctx)
            SHA256_Update(&ctx, p, 64)
            let first = ctx
            prefix.withValue { c in
                withUnsafeMutableBytes(of: &c.block) { $0.baseAddress?.copyMemory(from: p, byteCount: 64) }
                c.state = first
                c.valid = true
            }
        }
        SHA256_Update(&ctx, p + 64, n - 64)
        SHA256_Final(out?.assumingMemoryBound(to: UInt8.self), &ctx)
    }

    /// The string to sign: algorithm, X-Amz-Date (written before at date), credential scope and the
    /// canonical request's SHA-256 (given); returns where the scope stands.
    private static func writeStringToSign(_ w: inout ByteWriter, date: Span, region: String, service: String,
                                          canonicalRequestDigest digest: UnsafeRawBufferPointer) -> Range<Int> {
        w.ascii(Layout.algorithmLine)
        w.copy(w.base + date.start, date.count)
        w.byte(10)
        let scopeStart = w.count
        w.copy(w.base + date.start, Layout.dayCount)
        w.byte(47)
        w.string(region)
        w.byte(47)
        w.string(service)
        w.ascii(Layout.scopeTerminator)
        let scope = scopeStart..<w.count
        w.byte(10)
        Hex.write(digest, to: w.base + w.count)
        w.count += Layout.hexDigestCount
        return scope
    }

    /// The signature: HMAC-SHA256 of the string to sign with the signing key, in hex.
    private static func writeSignature(_ w: inout ByteWriter, _ hmac: Digest.HMACKey, stringToSign: Range<Int>) {
        var mac: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &mac) { m in
            hmac.authenticate(UnsafeRawBufferPointer(start: w.base + stringToSign.lowerBound, count: stringToSign.count),
                              into: m.baseAddress)
            Hex.write(UnsafeRawBufferPointer(m), to: w.base + w.count)
        }
        w.count += Layout.hexDigestCount
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), cached.
    func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        keyState(KeyID(secret: secret, date: date, region: region, service: service)).key
    }

    /// The HMAC states of the signing key for the day at date (X-Amz-Date's first 8 bytes): the last
    /// one used if it matches, else from the cache, else derived.
    private func hmacKey(secret: String, date: UnsafePointer<UInt8>, region: String, service: String) -> Digest.HMACKey {
        var day: UInt64 = 0
        memcpy(&day, date, Layout.dayCount)
        if let hit = cache.withValue({ c -> Digest.HMACKey? in
            guard c.lastDate == day, c.lastService == service, c.lastRegion == region, c.lastSecret == secret else {
                return nil
            }
            return c.lastHMAC
        }) { return hit }
        let id = KeyID(secret: secret, date: String(decoding: UnsafeBufferPointer(start: date, count: Layout.dayCount), as: UTF8.self),
                       region: region, service: service)
        let state = keyState(id)
        cache.withValue { c in
            c.lastSecret = secret
            c.lastDate = day
            c.lastRegion = region
            c.lastService = service
            c.lastHMAC = state.hmac
        }
        return state.hmac
    }

    private func keyState(_ id: KeyID) -> KeyState {
        if let s = cache.withValue({ $0.byID[id] }) { return s }
        var k = Digest.hmacSHA256(key: Array(("AWS4" + id.secret).utf8), id.date)
        k = Digest.hmacSHA256(key: k, id.region)
        k = Digest.hmacSHA256(key: k, id.service)
        k = Digest.hmacSHA256(key: k, "aws4_request")
        let state = KeyState(key: k, hmac: k.withUnsafeBytes { Digest.HMACKey(key: $0) })
        cache.withValue { c in
            if c.byID.count > 64 { c.byID.removeAll() } // days roll over and credentials rotate: keep it small
            c.byID[id] = state
        }
        return state
    }
}

/// Writes bytes at a cursor into memory the caller has sized (withSignature computes an upper bound for
/// everything it writes before it allocates).
private struct ByteWriter {
    let base: UnsafeMutablePointer<UInt8>
    var count: Int

    @inline(__always) init(_ base: UnsafeMutablePointer<UInt8>, at count: Int) {
        self.base = base
        self.count = count
    }

    @inline(__always) mutating func byte(_ c: UInt8) {
        base[count] = c
        count += 1
    }

    @inline(__always) mutating func copy(_ p: UnsafePointer<UInt8>, _ n: Int) {
        (base + count).update(from: p, count: n)
        count += n
    }

    @inline(__always) mutating func copy(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) {
        copy(UnsafePointer(p), n)
    }

    @inline(__always) mutating func bytes(_ b: [UInt8]) {
        b.withUnsafeBufferPointer { if let p = $0.baseAddress { copy(p, $0.count) } }
    }

    @inline(__always) mutating func ascii(_ s: StaticString) {
        copy(s.utf8Start, s.utf8CodeUnitCount)
    }

    @inline(__always) mutating func string(_ s: String) {
        withUTF8Bytes(s) { b in if let p = b.baseAddress { copy(p, b.count) } }
    }

    /// s with A-Z lowercased.
    @inline(__always) mutating func lowercased(_ s: String) {
        withUTF8Bytes(s) { b in for c in b { byte(ASCII.lower(c)) } }
    }

    @inline(__always) mutating func uriEncoded(_ s: String) {
        count += URIEncoding.write(s, keepSlash: true, to: base + count)
    }

    /// A header value trimmed and with runs of spaces and tabs collapsed, as the canonical header
    /// rules require (at most as many bytes as the value).
    mutating func trimmed(_ v: String) {
        withUTF8Bytes(v) { b in
            guard let p = b.baseAddress else { return }
            let n = b.count
            var i = 0
            while i < n && p[i] != 32 && p[i] != 9 { i += 1 }
            if i == n { // no space or tab: as is
                copy(p, n)
                return
            }
            var pending = false, any = false
            for c in b {
                if c == 32 || c == 9 {
                    pending = true
                } else {
                    if pending && any { byte(32) }
                    pending = false
                    any = true
                    byte(c)
                }
            }
        }
    }

    /// The lowercase hex of the SHA-256 of data.
    mutating func sha256Hex(of data: UnsafeRawBufferPointer) {
        var d: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &d) { m in
            Digest.sha256(data, into: m.baseAddress)
            Hex.write(UnsafeRawBufferPointer(m), to: base + count)
        }
        count += 64
    }

    mutating func sha256Hex(of data: [UInt8]) {
        data.withUnsafeBytes { sha256Hex(of: $0) }
    }
}

/// s's UTF-8 bytes, read in place (String.withUTF8 is mutating: calling it on a copy of s costs a
/// retain and a release).
@inline(__always)
func withUTF8Bytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
    var s = s
    return s.withUTF8(body)
}
