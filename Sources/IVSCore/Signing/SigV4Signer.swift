#if canImport(Glibc)
import Glibc
#endif
import COpenSSL

/// AWS Signature Version 4 for the IVS services (non-S3 rules: the path is encoded once more in the
/// canonical request; no x-amz-content-sha256 header). Signing keys are cached per secret, day,
/// region and service, with their HMAC states, so a call costs two SHA-256 and one HMAC beyond the
/// canonical strings.
///
/// The hot path writes the canonical request and the string to sign as bytes into one buffer sized
/// up front (no String concatenation); only X-Amz-Date and Authorization become Strings. The
/// canonical request, string to sign and signature are decoded from that buffer only when read.
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
        /// Headers to add to the request: X-Amz-Date, X-Amz-Security-Token (if any), Authorization.
        public let headers: [(String, String)]
        /// The canonical request, then the string to sign, then the signature's hex.
        let bytes: [UInt8]
        let canonicalRequestEnd: Int
        let stringToSignEnd: Int

        public var canonicalRequest: String {
            String(decoding: bytes[..<canonicalRequestEnd], as: UTF8.self)
        }
        public var stringToSign: String {
            String(decoding: bytes[canonicalRequestEnd..<stringToSignEnd], as: UTF8.self)
        }
        public var signature: String {
            String(decoding: bytes[stringToSignEnd...], as: UTF8.self)
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

    public init() {}

    /// The canonical query string: parameters sorted by encoded key, then encoded value.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        String(decoding: canonicalQueryBytes(query), as: UTF8.self)
    }

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

    /// A header of the canonical request: where its lowercased name sits in the scratch area of the
    /// output buffer, and which value it has (see `value(_:)` in sign).
    private struct HeaderEntry {
        var nameStart: Int
        var nameCount: Int
        var value: Int // -1 host, -2 x-amz-date, -3 x-amz-security-token, else index in Request.headers
    }

    public func sign(_ r: Request, credentials: Credentials, region: String, service: String,
                     time: Double) -> Signature {
        let seconds = time.isFinite && time > -9.0e18 && time < 9.0e18 ? Int(time) : 0
        let amzDate = Clock.amzDate(seconds)
        let token = credentials.sessionToken
        let hmac = hmacKey(secret: credentials.secretAccessKey, amzDate: amzDate, region: region, service: service)

        // Header names: ASCII-lowercased byte by byte; a name with other bytes takes the old way
        // (String.lowercased() and String ordering) so that the output never changes.
        var lowered: [String]? = nil
        for (k, _) in r.headers where !Self.isASCII(k) {
            lowered = r.headers.map { $0.0.lowercased() }
            break
        }
        let headerCount = r.headers.count + (token == nil ? 2 : 3)
        var namesCount = 4 + 10 + (token == nil ? 0 : 20)
        var valuesCount = r.host.utf8.count + amzDate.utf8.count + (token?.utf8.count ?? 0)
        for (i, (k, v)) in r.headers.enumerated() {
            namesCount += lowered?[i].utf8.count ?? k.utf8.count
            valuesCount += v.utf8.count
        }
        let query = r.query.isEmpty ? [] : Self.canonicalQueryBytes(r.query)
        let pathBound = r.path.isEmpty ? 1 : URIEncoding.maxEncodedCount(r.path)
        let scopeCount = 8 + 1 + region.utf8.count + 1 + service.utf8.count + 13
        // method \n path \n query \n (name:value\n)* \n signed-headers \n hex
        let crBound = r.method.utf8.count + 1 + pathBound + 1 + query.count + 1
            + namesCount + 2 * headerCount + valuesCount + 1 + namesCount + headerCount + 1 + 64
        // AWS4-HMAC-SHA256 \n amz-date \n scope \n hex
        let stsCount = 17 + amzDate.utf8.count + 1 + scopeCount + 1 + 64
        // then the signature's hex, then a scratch area for the lowercased names
        let capacity = crBound + stsCount + 64 + namesCount

        var signedHeaders = 0..<0, scope = 0..<0
        var crEnd = 0, stsEnd = 0
        let bytes = withUnsafeTemporaryAllocation(of: HeaderEntry.self, capacity: headerCount) { entries in
            [UInt8](unsafeUninitializedCapacity: capacity) { buf, written in
                guard let base = buf.baseAddress, let e = entries.baseAddress, entries.count >= headerCount else {
                    written = 0
                    return
                }
                var w = ByteWriter(base, at: crBound + stsCount + 64)
                // The names, in the order the old code sorted them from (a stable sort keeps it for ties).
                func name(_ i: Int, _ s: String, _ value: Int) {
                    (e + i).initialize(to: HeaderEntry(nameStart: w.count, nameCount: s.utf8.count, value: value))
                    w.lowercased(s)
                }
                name(0, "host", -1)
                name(1, "x-amz-date", -2)
                if token != nil { name(2, "x-amz-security-token", -3) }
                let first = token == nil ? 2 : 3
                for (i, (k, _)) in r.headers.enumerated() { name(first + i, lowered?[i] ?? k, i) }
                var sorted = UnsafeMutableBufferPointer(start: e, count: headerCount)
                if let lowered {
                    func key(_ h: HeaderEntry) -> String {
                        switch h.value {
                        case -1: return "host"
                        case -2: return "x-amz-date"
                        case -3: return "x-amz-security-token"
                        default: return lowered[h.value]
                        }
                    }
                    sorted.sort { key($0) < key($1) }
                } else {
                    sorted.sort { a, b in
                        let c = memcmp(base + a.nameStart, base + b.nameStart, min(a.nameCount, b.nameCount))
                        return c != 0 ? c < 0 : a.nameCount < b.nameCount
                    }
                }
                func value(_ h: HeaderEntry) -> String {
                    switch h.value {
                    case -1: return r.host
                    case -2: return amzDate
                    case -3: return token ?? ""
                    default: return r.headers[h.value].1
                    }
                }

                w = ByteWriter(base, at: 0)
                w.string(r.method)
                w.byte(10)
                if r.path.isEmpty { w.byte(47) } else { w.uriEncoded(r.path) }
                w.byte(10)
                w.bytes(query)
                w.byte(10)
                for h in sorted {
                    w.copy(base + h.nameStart, h.nameCount)
                    w.byte(58) // :
                    w.trimmed(value(h))
                    w.byte(10)
                }
                w.byte(10)
                let shStart = w.count
                for (i, h) in sorted.enumerated() {
                    if i > 0 { w.byte(59) } // ;
                    w.copy(base + h.nameStart, h.nameCount)
                }
                signedHeaders = shStart..<w.count
                w.byte(10)
                w.sha256Hex(of: r.body)
                crEnd = w.count

                w.ascii("AWS4-HMAC-SHA256\n")
                w.string(amzDate)
                w.byte(10)
                let scopeStart = w.count
                w.copy(base + crEnd + 17, 8) // the day, from the X-Amz-Date just written
                w.byte(47)
                w.string(region)
                w.byte(47)
                w.string(service)
                w.ascii("/aws4_request")
                scope = scopeStart..<w.count
                w.byte(10)
                w.sha256Hex(of: UnsafeRawBufferPointer(start: base, count: crEnd))
                stsEnd = w.count

                var mac: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                withUnsafeMutableBytes(of: &mac) { m in
                    hmac.authenticate(UnsafeRawBufferPointer(start: base + crEnd, count: stsEnd - crEnd),
                                      into: m.baseAddress)
                    Hex.write(UnsafeRawBufferPointer(m), to: base + stsEnd)
                }
                written = stsEnd + 64
            }
        }

        let akid = credentials.accessKeyId
        let authCount = 28 + akid.utf8.count + 1 + scope.count + 16 + signedHeaders.count + 12 + 64
        let authorization = bytes.withUnsafeBufferPointer { b in
            String(unsafeUninitializedCapacity: authCount) { out in
                guard let p = out.baseAddress, let src = b.baseAddress, out.count >= authCount,
                      stsEnd + 64 <= b.count else { return 0 }
                var w = ByteWriter(p, at: 0)
                w.ascii("AWS4-HMAC-SHA256 Credential=")
                w.string(akid)
                w.byte(47)
                w.copy(src + scope.lowerBound, scope.count)
                w.ascii(", SignedHeaders=")
                w.copy(src + signedHeaders.lowerBound, signedHeaders.count)
                w.ascii(", Signature=")
                w.copy(src + stsEnd, 64)
                return w.count
            }
        }
        var out: [(String, String)] = []
        out.reserveCapacity(3)
        out.append(("X-Amz-Date", amzDate))
        if let token { out.append(("X-Amz-Security-Token", token)) }
        out.append(("Authorization", authorization))
        return Signature(headers: out, bytes: bytes, canonicalRequestEnd: crEnd, stringToSignEnd: stsEnd)
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), cached.
    func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        keyState(KeyID(secret: secret, date: date, region: region, service: service)).key
    }

    /// The HMAC states of the signing key for the day of amzDate: the last one used if it matches,
    /// else from the cache, else derived.
    private func hmacKey(secret: String, amzDate: String, region: String, service: String) -> Digest.HMACKey {
        var day: UInt64 = 0
        if amzDate.utf8.withContiguousStorageIfAvailable({ b -> Void in
            if b.count >= 8, let p = b.baseAddress { memcpy(&day, p, 8) }
        }) == nil {
            for (i, c) in amzDate.utf8.prefix(8).enumerated() { day |= UInt64(c) << (8 * UInt64(i)) }
        }
        if let hit = cache.withValue({ c -> Digest.HMACKey? in
            guard c.lastDate == day, c.lastService == service, c.lastRegion == region, c.lastSecret == secret else {
                return nil
            }
            return c.lastHMAC
        }) { return hit }
        let id = KeyID(secret: secret, date: String(decoding: amzDate.utf8.prefix(8), as: UTF8.self),
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

    @inline(__always)
    private static func isASCII(_ s: String) -> Bool {
        s.utf8.withContiguousStorageIfAvailable({ b in !b.contains { $0 >= 0x80 } })
            ?? !s.utf8.contains { $0 >= 0x80 }
    }

    /// Trims and collapses runs of spaces, as the canonical header rules require.
    static func trimHeaderValue(_ v: String) -> String {
        guard v.utf8.contains(where: { $0 == 32 || $0 == 9 }) else { return v }
        return v.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

/// Writes bytes at a cursor into memory the caller has sized (sign() computes an upper bound for
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
        if s.utf8.withContiguousStorageIfAvailable({ b -> Void in if let p = b.baseAddress { copy(p, b.count) } }) == nil {
            for c in s.utf8 { byte(c) }
        }
    }

    /// s with A-Z lowercased.
    @inline(__always) mutating func lowercased(_ s: String) {
        func each(_ c: UInt8) { byte(ASCII.lower(c)) }
        if s.utf8.withContiguousStorageIfAvailable({ b -> Void in for c in b { each(c) } }) == nil {
            for c in s.utf8 { each(c) }
        }
    }

    @inline(__always) mutating func uriEncoded(_ s: String) {
        count += URIEncoding.write(s, keepSlash: true, to: base + count)
    }

    /// A header value trimmed and with runs of spaces and tabs collapsed, as
    /// SigV4Signer.trimHeaderValue does (at most as many bytes as the value).
    mutating func trimmed(_ v: String) {
        let done: Bool? = v.utf8.withContiguousStorageIfAvailable { b in
            guard let p = b.baseAddress else { return true }
            let n = b.count
            var i = 0
            while i < n && p[i] != 32 && p[i] != 9 { i += 1 }
            if i == n { // no space or tab: as is
                copy(p, n)
                return true
            }
            // With non-ASCII bytes, a space or tab can start a grapheme (a combining mark after it),
            // which String's split does not cut at: leave that to trimHeaderValue.
            if b.contains(where: { $0 >= 0x80 }) { return false }
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
            return true
        }
        if done != true { string(SigV4Signer.trimHeaderValue(v)) }
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
