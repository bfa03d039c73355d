import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// An ECDSA P-384 key (private, or public only) held as an OpenSSL EVP_PKEY: the key IVS playback
/// key pairs and Real-Time public keys use. Loading checks the type and the curve, so every ECKey
/// signs or verifies ES384. Key material never leaves this type except as the PEM of generate().
public final class ECKey: @unchecked Sendable {
    let pkey: OpaquePointer
    public let hasPrivateKey: Bool

    private init(_ pkey: OpaquePointer, hasPrivateKey: Bool) {
        self.pkey = pkey
        self.hasPrivateKey = hasPrivateKey
    }

    deinit { EVP_PKEY_free(pkey) }  // frees (and for private keys, clears) the key material

    /// The one curve IVS accepts, as OpenSSL names it.
    static let curve = "secp384r1"
    /// No PEM key is anywhere near this size; refusing larger input early keeps the parser bounded.
    static let maxPEMBytes = 65_536
    /// SHA-384, fetched once (an implicit fetch per signature costs a provider lookup each time).
    static let sha384: OpaquePointer? = EVP_MD_fetch(nil, "SHA384", nil)

    /// A problem with a key argument: IVS_E_VALIDATION naming the argument, never its content.
    static func problem(_ path: String, _ text: String) -> IVSError {
        .validation([(path: path, problem: text)])
    }

    // MARK: Generation

    /// A new P-384 key pair.
    public static func generate() -> Result<ECKey, IVSError> {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { return .failure(opensslFailure("EVP_PKEY_CTX_new_from_name")) }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen_init(ctx) == 1, EVP_PKEY_CTX_set_group_name(ctx, "P-384") == 1,
              EVP_PKEY_generate(ctx, &key) == 1, let key else {
            return .failure(opensslFailure("EC P-384 key generation"))
        }
        return .success(ECKey(key, hasPrivateKey: true))
    }

    /// The key pair as JSON text {"privateKey": PKCS#8 PEM, "publicKey": SPKI PEM}, written straight
    /// into one malloc'd buffer the caller frees with free() (ivs_free). Building it by hand rather
    /// than through jansson keeps the private key out of intermediate heap copies that would be freed
    /// without being cleared; the PEM buffer inside OpenSSL is cleared when its BIO is freed.
    public func keyPairJSON() -> Result<OutputText, IVSError> {
        guard hasPrivateKey else { return .failure(.internal("keyPairJSON needs a private key")) }
        return withPEM(write: { PEM_write_bio_PrivateKey($0, pkey, nil, nil, 0, nil, nil) }) { priv in
            withPEM(write: { PEM_write_bio_PUBKEY($0, pkey) }) { pub in
                ECKey.writeKeyPairJSON(privatePEM: priv, publicPEM: pub)
            }
        }
    }

    /// The public key as SubjectPublicKeyInfo PEM.
    public func publicKeyPEM() -> Result<String, IVSError> {
        withPEM(write: { PEM_write_bio_PUBKEY($0, pkey) }) { pem in
            .success(String(decoding: pem, as: UTF8.self))
        }
    }

    private func withPEM<T>(write: (OpaquePointer) -> Int32,
                            _ body: (UnsafeRawBufferPointer) -> Result<T, IVSError>) -> Result<T, IVSError> {
        guard let bio = BIO_new(BIO_s_mem()) else { return .failure(ECKey.opensslFailure("BIO_new")) }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { return .failure(ECKey.opensslFailure("PEM_write_bio")) }
        var data: UnsafeMutablePointer<CChar>? = nil
        let n = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data)  // BIO_get_mem_data
        guard n > 0, let data else { return .failure(ECKey.opensslFailure("BIO_get_mem_data")) }
        return body(UnsafeRawBufferPointer(start: data, count: n))
    }

    static func writeKeyPairJSON(privatePEM: UnsafeRawBufferPointer,
                                 publicPEM: UnsafeRawBufferPointer) -> Result<OutputText, IVSError> {
        let parts: [(prefix: StaticString, value: UnsafeRawBufferPointer)] =
            [("{\"privateKey\":\"", privatePEM), ("\",\"publicKey\":\"", publicPEM)]
        let suffix: StaticString = "\"}"
        var size = suffix.utf8CodeUnitCount + 1
        for p in parts { size += p.prefix.utf8CodeUnitCount + PEMJSONEscaping.escapedLength(p.value) }
        guard let raw = malloc(size) else { return .failure(.internal("out of memory")) }
        let out = raw.assumingMemoryBound(to: UInt8.self)
        var i = 0
        func put(_ s: StaticString) {
            s.withUTF8Buffer { b in for c in b { out[i] = c; i += 1 } }
        }
        for p in parts {
            put(p.prefix)
            i += PEMJSONEscaping.writeEscaped(p.value, into: out + i)
        }
        put(suffix)
        out[i] = 0
        return .success(OutputText(raw.assumingMemoryBound(to: CChar.self)))
    }

    // MARK: Loading

    /// Loads a private key from PEM (PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY"), checking it is
    /// an unencrypted ECDSA P-384 key. `path` names the argument in error messages.
    public static func privateKey(pem: UnsafeRawBufferPointer, path: String = "privateKey") -> Result<ECKey, IVSError> {
        cached(pem, path, privateKeys, loadPrivateKey)
    }

    /// A key from PEM through the cache of keys already loaded (by the PEM's digest).
    private static func cached(_ pem: UnsafeRawBufferPointer, _ path: String, _ cache: KeyCache,
                               _ load: (UnsafeRawBufferPointer, String) -> Result<ECKey, IVSError>) -> Result<ECKey, IVSError> {
        if let e = checkPEMEnvelope(pem, path: path) { return .failure(e) }
        let digest = Digest.sha256(pem)
        if let k = cache.get(digest) { return .success(k) }
        let r = load(pem, path)
        if case .success(let k) = r { cache.put(digest, k) }
        return r
    }

    private static func loadPrivateKey(_ pem: UnsafeRawBufferPointer, _ path: String) -> Result<ECKey, IVSError> {
        if contains(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----") || contains(pem, "Proc-Type: 4,ENCRYPTED") {
            return .failure(problem(path, "is an encrypted PEM; pass the unencrypted key (PKCS#8 \"PRIVATE KEY\" or \"EC PRIVATE KEY\")"))
        }
        defer { ERR_clear_error() }
        if let key = readPEM(pem, { PEM_read_bio_PrivateKey($0, nil, noPassword, nil) }) {
            let k = ECKey(key, hasPrivateKey: true)
            if let e = k.checkCurve(path: path) { return .failure(e) }
            return .success(k)
        }
        if let pub = readPEM(pem, { PEM_read_bio_PUBKEY($0, nil, noPassword, nil) }) {
            EVP_PKEY_free(pub)
            return .failure(problem(path, "is a public key; signing needs the private key (\"PRIVATE KEY\" PEM)"))
        }
        return .failure(problem(path, "is not a PEM private key (expected \"-----BEGIN PRIVATE KEY-----\" or \"-----BEGIN EC PRIVATE KEY-----\")"))
    }

    /// Loads a public key from SubjectPublicKeyInfo PEM ("PUBLIC KEY"), checking it is ECDSA P-384.
    public static func publicKey(pem: UnsafeRawBufferPointer, path: String = "publicKey") -> Result<ECKey, IVSError> {
        cached(pem, path, publicKeys, loadPublicKey)
    }

    private static func loadPublicKey(_ pem: UnsafeRawBufferPointer, _ path: String) -> Result<ECKey, IVSError> {
        defer { ERR_clear_error() }
        if let key = readPEM(pem, { PEM_read_bio_PUBKEY($0, nil, noPassword, nil) }) {
            let k = ECKey(key, hasPrivateKey: false)
            if let e = k.checkCurve(path: path) { return .failure(e) }
            return .success(k)
        }
        if contains(pem, "PRIVATE KEY-----") {
            return .failure(problem(path, "is a private key; pass the public key (\"PUBLIC KEY\" PEM) instead"))
        }
        return .failure(problem(path, "is not a PEM public key (expected \"-----BEGIN PUBLIC KEY-----\")"))
    }

    public static func privateKey(pem: String, path: String = "privateKey") -> Result<ECKey, IVSError> {
        var pem = pem
        return pem.withUTF8 { privateKey(pem: UnsafeRawBufferPointer($0), path: path) }
    }

    public static func publicKey(pem: String, path: String = "publicKey") -> Result<ECKey, IVSError> {
        var pem = pem
        return pem.withUTF8 { publicKey(pem: UnsafeRawBufferPointer($0), path: path) }
    }

    /// Parsed keys by SHA-256 of their PEM text. OpenSSL 3's PEM decoding costs about twice an ES384
    /// signature, and a server signs many tokens with one key; a loaded EVP_PKEY is immutable and safe
    /// to share between threads. Small, so few keys stay in memory beyond their use.
    static let privateKeys = KeyCache(capacity: 8)
    static let publicKeys = KeyCache(capacity: 8)

    private static func checkPEMEnvelope(_ pem: UnsafeRawBufferPointer, path: String) -> IVSError? {
        if pem.isEmpty { return problem(path, "is empty") }
        if pem.count > maxPEMBytes { return problem(path, "is too large to be a PEM key (\(pem.count) bytes)") }
        if !contains(pem, "-----BEGIN ") { return problem(path, "is not PEM (no \"-----BEGIN\" line)") }
        return nil
    }

    /// Never prompt for a pass phrase (OpenSSL's default callback would read the terminal).
    private static let noPassword: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in 0 }

    private static func readPEM(_ pem: UnsafeRawBufferPointer, _ read: (OpaquePointer) -> OpaquePointer?) -> OpaquePointer? {
        // A key's PEM is a few hundred bytes; anything past Int32 cannot be one (and cannot be passed).
        guard let base = pem.baseAddress, let length = Int32(exactly: pem.count),
              let bio = BIO_new_mem_buf(base, length) else { return nil }
        defer { BIO_free(bio) }
        return read(bio)
    }

    private static func contains(_ hay: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { n in
            guard n.count <= hay.count, let first = n.first else { return false }
            var i = 0
            while i + n.count <= hay.count {
                if hay[i] == first {
                    var j = 1
                    while j < n.count && hay[i + j] == n[j] { j += 1 }
                    if j == n.count { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// nil when the key is ECDSA on P-384; otherwise the problem, naming what the key is.
    private func checkCurve(path: String) -> IVSError? {
        guard EVP_PKEY_is_a(pkey, "EC") == 1 else {
            let type = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "unknown"
            return ECKey.problem(path, "is a \(type) key; IVS needs an ECDSA P-384 (secp384r1) key")
        }
        var name = [CChar](repeating: 0, count: 80)
        var len = 0
        guard EVP_PKEY_get_group_name(pkey, &name, name.count, &len) == 1 else {
            return ECKey.problem(path, "is an EC key without a named curve; IVS needs an ECDSA P-384 (secp384r1) key")
        }
        let group = String(cString: name)
        guard group == ECKey.curve else {
            let nist = EC_curve_nid2nist(OBJ_sn2nid(group)).map { String(cString: $0) + " (\(group))" } ?? group
            return ECKey.problem(path, "is an EC key on curve \(nist); IVS needs P-384 (secp384r1)")
        }
        return nil
    }

    static func opensslFailure(_ what: String) -> IVSError {
        ERR_clear_error()
        return .internal("libcrypto: \(what) failed")
    }

    // MARK: ES384

    /// Size of each of r and s in a JOSE ES384 signature.
    static let coordinateBytes = 48

    /// The JOSE ES384 signature of message: r || s, 48 bytes each, big-endian, left-padded.
    public func sign(_ message: UnsafeRawBufferPointer) -> Result<[UInt8], IVSError> {
        guard hasPrivateKey else { return .failure(ECKey.problem("privateKey", "is a public key; signing needs the private key")) }
        guard let ctx = EVP_MD_CTX_new() else { return .failure(ECKey.opensslFailure("EVP_MD_CTX_new")) }
        defer { EVP_MD_CTX_free(ctx) }
        var der = [UInt8](repeating: 0, count: 160)  // a DER P-384 signature is at most 104 bytes
        var derLen = der.count
        guard EVP_DigestSignInit(ctx, nil, ECKey.sha384, nil, pkey) == 1,
              der.withUnsafeMutableBufferPointer({ d in
                  EVP_DigestSign(ctx, d.baseAddress, &derLen, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
              }) == 1 else {
            return .failure(ECKey.opensslFailure("EVP_DigestSign"))
        }
        let sig: OpaquePointer? = der.withUnsafeBufferPointer { d in
            var p: UnsafePointer<UInt8>? = d.baseAddress
            return d2i_ECDSA_SIG(nil, &p, derLen)
        }
        guard let sig else { return .failure(ECKey.opensslFailure("d2i_ECDSA_SIG")) }
        defer { ECDSA_SIG_free(sig) }
        var r: OpaquePointer? = nil, s: OpaquePointer? = nil
        ECDSA_SIG_get0(sig, &r, &s)
        let n = ECKey.coordinateBytes
        var raw = [UInt8](repeating: 0, count: 2 * n)
        let ok = raw.withUnsafeMutableBufferPointer { out -> Bool in
            guard let base = out.baseAddress else { return false }
            return BN_bn2binpad(r, base, Int32(n)) == n && BN_bn2binpad(s, base + n, Int32(n)) == n
        }
        guard ok else { return .failure(ECKey.opensslFailure("BN_bn2binpad")) }
        return .success(raw)
    }

    /// Whether signature (JOSE r || s, 96 bytes) is a valid ES384 signature of message by this key.
    public func verify(_ message: UnsafeRawBufferPointer, signature: [UInt8]) -> Bool {
        let n = ECKey.coordinateBytes
        guard signature.count == 2 * n else { return false }
        defer { ERR_clear_error() }
        guard let sig = ECDSA_SIG_new() else { return false }
        defer { ECDSA_SIG_free(sig) }
        let (r, s) = signature.withUnsafeBufferPointer { b in
            (BN_bin2bn(b.baseAddress, Int32(n), nil), BN_bin2bn(b.baseAddress.map { $0 + n }, Int32(n), nil))
        }
        guard let r, let s else { BN_free(r); BN_free(s); return false }
        guard ECDSA_SIG_set0(sig, r, s) == 1 else { BN_free(r); BN_free(s); return false }
        let derLen = i2d_ECDSA_SIG(sig, nil)
        guard derLen > 0 else { return false }
        var der = [UInt8](repeating: 0, count: Int(derLen))
        let written = der.withUnsafeMutableBufferPointer { d -> Int32 in
            var p: UnsafeMutablePointer<UInt8>? = d.baseAddress
            return i2d_ECDSA_SIG(sig, &p)
        }
        guard written == derLen, let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, ECKey.sha384, nil, pkey) == 1 else { return false }
        return der.withUnsafeBufferPointer { d in
            EVP_DigestVerify(ctx, d.baseAddress, d.count, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
        } == 1
    }
}

/// A small most-recently-used cache of loaded keys, keyed by a digest of their PEM.
final class KeyCache: @unchecked Sendable {
    private let lock = Lock()
    private var entries: [(digest: [UInt8], key: ECKey)] = []
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func get(_ digest: [UInt8]) -> ECKey? {
        lock.withLock {
            guard let i = entries.firstIndex(where: { $0.digest == digest }) else { return nil }
            let e = entries.remove(at: i)
            entries.append(e)
            return e.key
        }
    }

    func put(_ digest: [UInt8], _ key: ECKey) {
        lock.withLock {
            entries.removeAll { $0.digest == digest }
            entries.append((digest, key))
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }
}

/// Writing JSON string contents without an intermediate copy (for key material).
private enum PEMJSONEscaping {
    fileprivate static func escapedLength(_ s: UnsafeRawBufferPointer) -> Int {
        var n = 0
        for b in s {
            switch b {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09: n += 2
            case 0..<0x20: n += 6
            default: n += 1
            }
        }
        return n
    }

    /// Writes s escaped into out (which has escapedLength(s) bytes free); returns the count written.
    fileprivate static func writeEscaped(_ s: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let hex = Array("0123456789abcdef".utf8)
        var i = 0
        func put(_ c: UInt8) { out[i] = c; i += 1 }
        for b in s {
            switch b {
            case 0x22: put(0x5C); put(0x22)
            case 0x5C: put(0x5C); put(0x5C)
            case 0x0A: put(0x5C); put(0x6E)
            case 0x0D: put(0x5C); put(0x72)
            case 0x09: put(0x5C); put(0x74)
            case 0..<0x20:
                put(0x5C); put(0x75); put(0x30); put(0x30); put(hex[Int(b >> 4)]); put(hex[Int(b & 0xF)])
            default: put(b)
            }
        }
        return i
    }
}
