// Fuzz target "tokens": verifying tokens, and the playback and participant token requests.
//
// Input: byte 0 picks what the rest is (modulo 5):
//   0  a token for ivs_token_verify, checked against the fixed public key below
//   1  claims JSON (or header JSON, a NUL byte, claims JSON): signed with the fixed private key and
//      verified, so that the checks after the signature (exp, nbf, types) see fuzzed values
//   2  an ivs_playback_token request (its privateKey replaced by the fixed key); a token made must verify
//   3  an ivs_participant_token request, the same way
//   4  a PEM text, loaded as a public and as a private key
// "Now" is fixed, so an input always behaves the same.
@testable import IVSCore
import CJansson
#if canImport(Glibc)
import Glibc
#endif

enum TokenTarget {
    /// A P-384 key pair made for fuzzing (not a secret: it signs nothing but fuzz inputs).
    /// tools/fuzz/make_seeds.py reads these two literals to sign the seed tokens.
    static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDAZKIJfd3g9lYUhzlbe
        vfvgs4GOuAV8i7Suukru8nxopa4Lu0MqNkuqva7OhX9rAnWhZANiAARZYa8FMltU
        9qBHIDWIhNjq+9GBy2ZwhI9bPtGNiFHefv1Ve87B4ZUp0ojYndbmB5sicPdFpnyd
        THWwKCNAnu8SMAmIFSV8fJhR0tX+tscWf9TLV/fa/NctZ6DJY7ogaAo=
        -----END PRIVATE KEY-----

        """
    static let publicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEWWGvBTJbVPagRyA1iITY6vvRgctmcISP
        Wz7RjYhR3n79VXvOweGVKdKI2J3W5gebInD3RaZ8nUx1sCgjQJ7vEjAJiBUlfHyY
        UdLV/rbHFn/Uy1f32vzXLWegyWO6IGgK
        -----END PUBLIC KEY-----

        """
    /// 2026-11-21T09:30:00Z.
    static let now: Int64 = 1_795_253_400

    static let privateKey: ECKey = {
        guard case .success(let k) = ECKey.privateKey(pem: privateKeyPEM) else { fatalError("the fuzz private key does not load") }
        return k
    }()
    static let publicKey: ECKey = {
        guard case .success(let k) = ECKey.publicKey(pem: publicKeyPEM) else { fatalError("the fuzz public key does not load") }
        return k
    }()

    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(data)
        let mode = input.byte() % 5
        let rest = input.rest
        switch mode {
        case 0:
            // As ivs_token_verify calls it: the token up to its NUL, the PEM's bytes.
            var pem = publicKeyPEM
            let r = withCString(rest) { token in
                pem.withUTF8 { TokenVerifier.verify(token: String(cString: token), publicKeyPEM: UnsafeRawBufferPointer($0), now: Double(now)) }
            }
            JSON.release(checkVerified(r, "verify"))
        case 1: signAndVerify(rest)
        case 2: request(rest, playback: true)
        case 3: request(rest, playback: false)
        default:
            let pem = UnsafeRawBufferPointer(rest)
            if case .failure(let e) = ECKey.publicKey(pem: pem) { checkErrorJSON(e, "public key") }
            if case .failure(let e) = ECKey.privateKey(pem: pem) { checkErrorJSON(e, "private key") }
        }
    }

    /// A verification's result is {"header", "claims"} or a validation error.
    @discardableResult
    static func checkVerified(_ r: Result<JSONPointer, IVSError>, _ what: String) -> JSONPointer? {
        switch r {
        case .success(let out):
            invariant(out["header"]?.kind == .object && out["claims"]?.kind == .object, "\(what): output lacks header or claims")
            let text = JSON.dumpC(out)
            JSON.release(mustParse(text, "\(what) output"))
            free(text)
            return out
        case .failure(let e):
            invariant(e.kind == .validation || e.kind == .invalidArgument, "\(what) failed as \(e.kind) \(e.code)")
            checkErrorJSON(e, what)
            return nil
        }
    }

    static func signAndVerify(_ rest: UnsafeBufferPointer<UInt8>) {
        let nul = rest.firstIndex(of: 0)
        let header: JSONPointer?
        if let nul {
            guard case .success(let h) = JSON.parse(bytes: UnsafeBufferPointer(rebasing: rest[..<nul])) else { return }
            header = h
        } else {
            header = JWT.header()
        }
        guard let header else { return }
        defer { JSON.release(header) }
        let claimsBytes = nul.map { UnsafeBufferPointer(rebasing: rest[($0 + 1)...]) } ?? rest
        guard case .success(let claims) = JSON.parse(bytes: claimsBytes) else { return }
        defer { JSON.release(claims) }
        guard header.kind == .object, claims.kind == .object else { return }
        let token: String
        switch JWT.sign(header: header, claims: claims, key: privateKey) {
        case .success(let t): token = t
        case .failure(let e): checkErrorJSON(e, "sign"); return
        }
        let out = checkVerified(TokenVerifier.verify(token: token, key: publicKey, now: Double(now)), "verify signed claims")
        if let out {
            invariant(json_equal(out["claims"], claims) == 1, "the verified claims differ from the claims signed")
            JSON.release(out)
        }
    }

    /// A token request with the fixed private key (parsed as the C ABI parses request_json); a token
    /// it makes must verify with the public key.
    static func request(_ rest: UnsafeBufferPointer<UInt8>, playback: Bool) {
        let made: Result<JSONPointer, IVSError> = withCString(rest) { text in
            withJSONObject(text, "request_json", nullIsEmpty: false) { root in
                root.set("privateKey", JSON.string(privateKeyPEM))
                return playback ? PlaybackToken.make(request: root, now: now) : ParticipantToken.make(request: root, now: now)
            }
        }
        switch made {
        case .success(let out):
            defer { JSON.release(out) }
            let text = JSON.dumpC(out)
            JSON.release(mustParse(text, "token output"))
            free(text)
            let token = playback ? out["token"]?.stringValue : out["participantToken"]?["token"]?.stringValue
            invariant(token != nil, "a token request succeeded without a token")
            if let token {
                let verified = checkVerified(TokenVerifier.verify(token: token, key: publicKey, now: Double(now)), "verify minted")
                invariant(verified != nil, "a token libivs made does not verify")
                JSON.release(verified)
            }
        case .failure(let e):
            invariant(e.kind == .validation || e.kind == .invalidArgument, "a token request failed as \(e.kind) \(e.code)")
            checkErrorJSON(e, "token request")
        }
    }
}
