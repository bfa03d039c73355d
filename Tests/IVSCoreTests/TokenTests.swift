import XCTest
@testable import IVSCore

/// Specifications of the token layer: base64url, the JOSE ES384 signature shape, key checks and every
/// documented rule of playback and participant tokens, each at its limit and one past it.
final class TokenTests: XCTestCase {
    static let keyPair: (privatePEM: String, publicPEM: String) = {
        guard case .success(let key) = ECKey.generate(), case .success(let text) = key.keyPairJSON(),
              case .success(let j) = JSON.parse(text.string) else { fatalError("key generation failed") }
        text.free()
        defer { JSON.release(j) }
        return (j["privateKey"]!.stringValue!, j["publicKey"]!.stringValue!)
    }()

    static let channelArn = "arn:aws:ivs:us-west-2:123456789012:channel/AbCd1234"
    static let stageArn = "arn:aws:ivs:us-west-2:123456789012:stage/Stage123"
    static let publicKeyArn = "arn:aws:ivs:us-west-2:123456789012:public-key/Key123"
    static let now: Int64 = 1_795_253_400

    // MARK: helpers

    func request(_ members: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// body with the request parsed (as the C ABI parses it before the token layer sees it).
    func parsed<T>(_ text: String, _ body: (JSONPointer) -> Result<T, IVSError>) -> Result<T, IVSError> {
        guard case .success(let j) = JSON.parse(text) else { fatalError("test request is not JSON: \(text)") }
        defer { JSON.release(j) }
        return body(j)
    }

    func playback(_ extra: [String: Any], key: String? = nil) -> Result<[String: Any], IVSError> {
        var m: [String: Any] = ["privateKey": key ?? Self.keyPair.privatePEM, "channelArn": Self.channelArn]
        for (k, v) in extra { m[k] = v }
        return parsed(request(m)) { PlaybackToken.make(request: $0, now: Self.now) }.map(toFoundation)
    }

    func participant(_ extra: [String: Any], key: String? = nil) -> Result<[String: Any], IVSError> {
        var m: [String: Any] = ["privateKey": key ?? Self.keyPair.privatePEM, "publicKeyArn": Self.publicKeyArn,
                                "stageArn": Self.stageArn, "eventsUrl": "wss://global.events.live-video.net",
                                "whipUrl": "https://abc.global-bm.whip.live-video.net"]
        for (k, v) in extra { m[k] = v }
        return parsed(request(m)) { ParticipantToken.make(request: $0, now: Self.now) }.map(toFoundation)
    }

    func toFoundation(_ j: JSONPointer) -> [String: Any] {
        defer { JSON.release(j) }
        return try! JSONSerialization.jsonObject(with: Data(JSON.dump(j).utf8)) as! [String: Any]
    }

    /// The verified claims of a token (verified with IVSCore's verifier at Self.now).
    func claims(_ token: String) -> [String: Any] {
        guard case .success(let key) = ECKey.publicKey(pem: Self.keyPair.publicPEM) else { XCTFail("public key"); return [:] }
        switch TokenVerifier.verify(token: token, key: key, now: Double(Self.now)) {
        case .failure(let e): XCTFail("verify: \(e.message)"); return [:]
        case .success(let j): return toFoundation(j)["claims"] as! [String: Any]
        }
    }

    func assertRefused<T>(_ r: Result<T, IVSError>, path: String, contains text: String = "",
                          file: StaticString = #filePath, line: UInt = #line) {
        guard case .failure(let e) = r else { return XCTFail("accepted; expected a problem at \(path)", file: file, line: line) }
        XCTAssertEqual(e.kind, .validation, e.message, file: file, line: line)
        XCTAssertEqual(e.code, "ParamValidationError", file: file, line: line)
        var problems: [(path: String, problem: String)] = []
        for (_, v) in e.fields { if case .problems(let p) = v { problems = p } }
        XCTAssertTrue(problems.contains { $0.path == path && (text.isEmpty || $0.problem.contains(text)) },
                      "problems: \(problems)", file: file, line: line)
        let text = e.message + problems.map { $0.problem }.joined()
        XCTAssertFalse(Self.keyLines.contains { text.contains($0) }, "key material in the error", file: file, line: line)
    }

    /// Every base64 line of every key these tests pass; none may appear in an error.
    static let keyLines: [String] = {
        let pems = [keyPair.privatePEM, keyPair.publicPEM, TokenKeyFixtures.p256, TokenKeyFixtures.rsa,
                    TokenKeyFixtures.ed25519, TokenKeyFixtures.encrypted, TokenKeyFixtures.sec1P384]
        return pems.flatMap { $0.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") && $0.count >= 16 } }
    }()

    func value<T>(_ r: Result<T, IVSError>, file: StaticString = #filePath, line: UInt = #line) -> T? {
        switch r {
        case .success(let v): return v
        case .failure(let e): XCTFail("refused: \(e.message)", file: file, line: line); return nil
        }
    }

    // MARK: base64url

    func testBase64URLMatchesRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            XCTAssertEqual(JWT.base64URLEncode(plain), encoded)
            XCTAssertEqual(JWT.base64URLDecode(Array(encoded.utf8)), Array(plain.utf8))
        }
        // The URL-safe alphabet: standard base64 of FB FF BF is "+/+/".
        XCTAssertEqual(JWT.base64URLEncode([0xFB, 0xFF, 0xBF]), "-_-_")
        XCTAssertEqual(JWT.base64URLDecode(Array("-_-_".utf8)), [0xFB, 0xFF, 0xBF])
    }

    func testBase64URLDecodingIsStrict() {
        for bad in ["Zg==", "Zm9v+", "Zm9v/", "Z", "Zh", "Zm9", "Zm 9v", "Zm9v\n"] {
            XCTAssertNil(JWT.base64URLDecode(Array(bad.utf8)), bad)
        }
        var all = [UInt8]()
        for i in 0..<256 { all.append(UInt8(i)) }
        for n in 0...10 {
            let slice = Array(all[(n * 7)..<(n * 7 + n)])
            XCTAssertEqual(JWT.base64URLDecode(Array(JWT.base64URLEncode(slice).utf8)), slice)
        }
    }

    // MARK: keys and signatures

    func testGeneratedKeyPairIsPKCS8AndSPKIOnP384() {
        let kp = Self.keyPair
        XCTAssertTrue(kp.privatePEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        XCTAssertTrue(kp.publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        XCTAssertNotNil(value(ECKey.privateKey(pem: kp.privatePEM)))
        XCTAssertNotNil(value(ECKey.publicKey(pem: kp.publicPEM)))
        // Two generations differ.
        guard case .success(let k2) = ECKey.generate(), case .success(let pub2) = k2.publicKeyPEM() else { return XCTFail() }
        XCTAssertNotEqual(pub2, kp.publicPEM)
    }

    func testLoadedKeysAreReusedForTheSamePEM() {
        guard let a = value(ECKey.privateKey(pem: Self.keyPair.privatePEM)),
              let b = value(ECKey.privateKey(pem: Self.keyPair.privatePEM)),
              let p = value(ECKey.publicKey(pem: Self.keyPair.publicPEM)) else { return }
        XCTAssertTrue(a === b)
        XCTAssertFalse(p.hasPrivateKey)
        XCTAssertTrue(a.hasPrivateKey)
        // The private-key cache never answers for a public PEM, nor the reverse.
        assertRefused(ECKey.privateKey(pem: Self.keyPair.publicPEM), path: "privateKey", contains: "public key")
        assertRefused(ECKey.publicKey(pem: Self.keyPair.privatePEM), path: "publicKey", contains: "private key")
    }

    func testSignatureIsRawRAndSLeftPaddedAndVerifies() {
        guard let key = value(ECKey.privateKey(pem: Self.keyPair.privatePEM)),
              let pub = value(ECKey.publicKey(pem: Self.keyPair.publicPEM)) else { return }
        var message = Array("header.payload".utf8)
        var sawLeadingZero = false
        // About 1 signature in 128 has r or s below 2^376, i.e. a zero first byte of padding.
        for i in 0..<4000 {
            message[0] = UInt8(truncatingIfNeeded: i)
            guard let sig = value(message.withUnsafeBytes { key.sign($0) }) else { return }
            XCTAssertEqual(sig.count, 96)
            if sig[0] == 0 || sig[48] == 0 {
                sawLeadingZero = true
                XCTAssertTrue(message.withUnsafeBytes { pub.verify($0, signature: sig) })
                break
            }
            if i < 3 { XCTAssertTrue(message.withUnsafeBytes { pub.verify($0, signature: sig) }) }
        }
        XCTAssertTrue(sawLeadingZero, "no padded signature in 4000 (odds about e^-31)")
    }

    func testVerifyRejectsTamperedMessageAndSignature() {
        guard let key = value(ECKey.privateKey(pem: Self.keyPair.privatePEM)),
              let pub = value(ECKey.publicKey(pem: Self.keyPair.publicPEM)) else { return }
        let message = Array("a.b".utf8)
        guard var sig = value(message.withUnsafeBytes { key.sign($0) }) else { return }
        XCTAssertTrue(message.withUnsafeBytes { pub.verify($0, signature: sig) })
        XCTAssertFalse(Array("a.c".utf8).withUnsafeBytes { pub.verify($0, signature: sig) })
        XCTAssertFalse(message.withUnsafeBytes { pub.verify($0, signature: Array(sig.prefix(95))) })
        sig[60] ^= 1
        XCTAssertFalse(message.withUnsafeBytes { pub.verify($0, signature: sig) })
        XCTAssertFalse(message.withUnsafeBytes { pub.verify($0, signature: [UInt8](repeating: 0, count: 96)) })
    }

    func testBadKeysAreValidationErrorsNamingTheProblem() {
        assertRefused(ECKey.privateKey(pem: TokenKeyFixtures.p256), path: "privateKey", contains: "prime256v1")
        assertRefused(ECKey.privateKey(pem: TokenKeyFixtures.rsa), path: "privateKey", contains: "RSA")
        assertRefused(ECKey.privateKey(pem: TokenKeyFixtures.ed25519), path: "privateKey", contains: "ED25519")
        assertRefused(ECKey.privateKey(pem: TokenKeyFixtures.encrypted), path: "privateKey", contains: "encrypted")
        assertRefused(ECKey.privateKey(pem: Self.keyPair.publicPEM), path: "privateKey", contains: "public key")
        assertRefused(ECKey.privateKey(pem: "garbage"), path: "privateKey", contains: "not PEM")
        assertRefused(ECKey.privateKey(pem: ""), path: "privateKey", contains: "empty")
        assertRefused(ECKey.privateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
                      path: "privateKey", contains: "not a PEM private key")
        assertRefused(ECKey.publicKey(pem: Self.keyPair.privatePEM), path: "publicKey", contains: "private key")
        assertRefused(ECKey.publicKey(pem: "nope"), path: "publicKey")
        // SEC1 "EC PRIVATE KEY" on P-384 is accepted.
        XCTAssertNotNil(value(ECKey.privateKey(pem: TokenKeyFixtures.sec1P384)))
    }

    // MARK: playback tokens

    func testPlaybackTokenClaimsAndOutput() {
        guard let out = value(playback(["accessControlAllowOrigin": "https://a.example, https://*.b.example",
                                         "strictOriginEnforcement": true, "maximumResolution": "HD",
                                         "playbackUrl": "https://p.example/x.m3u8?a=1#t"])) else { return }
        let token = out["token"] as! String
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        XCTAssertEqual(parts.count, 3)
        XCTAssertEqual(JWT.base64URLDecode(Array(parts[0].utf8)).map { String(decoding: $0, as: UTF8.self) },
                       "{\"alg\":\"ES384\",\"typ\":\"JWT\"}")
        XCTAssertEqual(JWT.base64URLDecode(Array(parts[2].utf8))?.count, 96)
        let c = claims(token)
        XCTAssertEqual(c["aws:channel-arn"] as? String, Self.channelArn)
        XCTAssertEqual(c["aws:access-control-allow-origin"] as? String, "https://a.example,https://*.b.example")
        XCTAssertEqual(c["aws:strict-origin-enforcement"] as? Bool, true)
        XCTAssertEqual(c["aws:maximum-resolution"] as? String, "HD")
        XCTAssertEqual(c["exp"] as? Int, Int(Self.now + 3600))
        XCTAssertEqual(Set(c.keys), ["aws:channel-arn", "aws:access-control-allow-origin", "aws:strict-origin-enforcement",
                                     "aws:maximum-resolution", "exp"])
        XCTAssertEqual(out["expiresAt"] as? String, Clock.iso8601(Double(Self.now + 3600)))
        XCTAssertEqual(out["playbackUrl"] as? String, "https://p.example/x.m3u8?a=1&token=\(token)#t")
    }

    func testPlaybackURLGetsQuestionMarkWhenItHasNoQuery() {
        guard let out = value(playback(["playbackUrl": "https://p.example/x.m3u8"])) else { return }
        XCTAssertEqual(out["playbackUrl"] as? String, "https://p.example/x.m3u8?token=\(out["token"] as! String)")
        XCTAssertNil(value(playback([:]))?["playbackUrl"])
    }

    func testViewerIdAtMost40Characters() {
        let forty = String(repeating: "é", count: 40)  // characters, not bytes
        guard let out = value(playback(["viewerId": forty])) else { return }
        XCTAssertEqual(claims(out["token"] as! String)["aws:viewer-id"] as? String, forty)
        assertRefused(playback(["viewerId": forty + "x"]), path: "viewerId", contains: "40")
        assertRefused(playback(["viewerId": ""]), path: "viewerId")
    }

    func testExpiryAtMostTenMinutesWithViewerIdOrSingleUse() {
        let uuid = "123e4567-e89b-42d3-a456-426614174000"
        for restriction in [["viewerId": "viewer-1"], ["singleUseUuid": uuid]] as [[String: Any]] {
            // Default lifetime becomes 600.
            guard let d = value(playback(restriction)) else { return }
            XCTAssertEqual(claims(d["token"] as! String)["exp"] as? Int, Int(Self.now + 600))
            var at = restriction; at["expiresIn"] = 600
            guard let ok = value(playback(at)) else { return }
            XCTAssertEqual(claims(ok["token"] as! String)["exp"] as? Int, Int(Self.now + 600))
            var past = restriction; past["expiresIn"] = 601
            assertRefused(playback(past), path: "expiresIn", contains: "600")
        }
        // Without them, longer lifetimes are fine.
        guard let long = value(playback(["expiresIn": 86400])) else { return }
        XCTAssertEqual(claims(long["token"] as! String)["exp"] as? Int, Int(Self.now + 86400))
        assertRefused(playback(["expiresIn": 0]), path: "expiresIn")
        assertRefused(playback(["expiresIn": PlaybackToken.maxLifetime + 1]), path: "expiresIn")
        assertRefused(playback(["expiresIn": "600"]), path: "expiresIn", contains: "integer")
    }

    func testSingleUseUuidMustBeAUUID() {
        guard let out = value(playback(["singleUseUuid": "123E4567-E89B-42D3-A456-426614174000"])) else { return }
        XCTAssertNotNil(claims(out["token"] as! String)["aws:single-use-uuid"])
        assertRefused(playback(["singleUseUuid": "not-a-uuid"]), path: "singleUseUuid")
    }

    func testAtMostFiveOriginsWithStrictOriginEnforcement() {
        let five = (1...5).map { "https://o\($0).example" }
        let six = five + ["https://o6.example"]
        XCTAssertNotNil(value(playback(["accessControlAllowOrigin": five.joined(separator: ","), "strictOriginEnforcement": true])))
        XCTAssertNotNil(value(playback(["accessControlAllowOrigin": five, "strictOriginEnforcement": true])))
        assertRefused(playback(["accessControlAllowOrigin": six.joined(separator: ","), "strictOriginEnforcement": true]),
                      path: "accessControlAllowOrigin", contains: "at most 5")
        assertRefused(playback(["accessControlAllowOrigin": six, "strictOriginEnforcement": true]),
                      path: "accessControlAllowOrigin", contains: "at most 5")
        // No maximum without strict enforcement.
        guard let out = value(playback(["accessControlAllowOrigin": six, "strictOriginEnforcement": false])) else { return }
        XCTAssertEqual(claims(out["token"] as! String)["aws:access-control-allow-origin"] as? String, six.joined(separator: ","))
        assertRefused(playback(["accessControlAllowOrigin": "https://a.example,,https://b.example"]), path: "accessControlAllowOrigin")
    }

    func testPlaybackMemberChecks() {
        assertRefused(playback(["maximumResolution": "4K"]), path: "maximumResolution")
        for r in ["SD", "HD", "FULL_HD"] { XCTAssertNotNil(value(playback(["maximumResolution": r]))) }
        assertRefused(playback(["viewerSessionVersion": -1]), path: "viewerSessionVersion")
        guard let v = value(playback(["viewerId": "v", "viewerSessionVersion": 3])) else { return }
        XCTAssertEqual(claims(v["token"] as! String)["aws:viewer-session-version"] as? Int, 3)
        assertRefused(playback(["channelArn": "arn:aws:ivs:us-west-2:123456789012:stage/x"]), path: "channelArn")
        assertRefused(playback(["channelArn": 5]), path: "channelArn", contains: "string")
        assertRefused(playback(["strictOriginEnforcement": "yes"]), path: "strictOriginEnforcement")
        assertRefused(playback(["playbackUrl": "ftp://x"]), path: "playbackUrl")
        assertRefused(playback(["channelARN": Self.channelArn]), path: "channelARN", contains: "unknown member")
        assertRefused(playback([:], key: TokenKeyFixtures.p256), path: "privateKey", contains: "P-384")
        let missing = parsed("{}") { PlaybackToken.make(request: $0) }
        assertRefused(missing, path: "privateKey", contains: "required")
        assertRefused(missing, path: "channelArn", contains: "required")
    }

    // MARK: participant tokens

    func testParticipantTokenClaimsAndOutput() {
        guard let out = value(participant(["participantId": "p_1-x", "userId": "alice", "attributes": ["role": "host"],
                                           "capabilities": ["SUBSCRIBE"], "duration": 60])) else { return }
        let pt = out["participantToken"] as! [String: Any]
        let token = pt["token"] as! String
        let header = JWT.base64URLDecode(Array(token.split(separator: ".")[0].utf8)).map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(header, "{\"alg\":\"ES384\",\"typ\":\"JWT\",\"kid\":\"\(Self.publicKeyArn)\"}")
        let c = claims(token)
        XCTAssertEqual(c["exp"] as? Int, Int(Self.now + 3600))
        XCTAssertEqual(c["iat"] as? Int, Int(Self.now))
        XCTAssertEqual(c["jti"] as? String, "p_1-x")
        XCTAssertEqual(c["resource"] as? String, Self.stageArn)
        XCTAssertEqual(c["topic"] as? String, "Stage123")
        XCTAssertEqual(c["events_url"] as? String, "wss://global.events.live-video.net")
        XCTAssertEqual(c["whip_url"] as? String, "https://abc.global-bm.whip.live-video.net")
        XCTAssertEqual(c["user_id"] as? String, "alice")
        XCTAssertEqual(c["attributes"] as? [String: String], ["role": "host"])
        XCTAssertEqual(c["capabilities"] as? [String: Bool], ["allow_publish": false, "allow_subscribe": true])
        XCTAssertEqual(c["version"] as? String, "1.0")
        XCTAssertEqual(pt["participantId"] as? String, "p_1-x")
        XCTAssertEqual(pt["userId"] as? String, "alice")
        XCTAssertEqual(pt["attributes"] as? [String: String], ["role": "host"])
        XCTAssertEqual(pt["capabilities"] as? [String], ["SUBSCRIBE"])
        XCTAssertEqual(pt["duration"] as? Int, 60)
        XCTAssertEqual(pt["expirationTime"] as? String, Clock.iso8601(Double(Self.now + 3600)))
    }

    func testParticipantDefaults() {
        guard let out = value(participant([:])) else { return }
        let pt = out["participantToken"] as! [String: Any]
        let id = pt["participantId"] as! String
        XCTAssertTrue(ParticipantToken.isParticipantId(id) && id.count == 12, id)
        XCTAssertEqual(pt["capabilities"] as? [String], ["PUBLISH", "SUBSCRIBE"])
        XCTAssertEqual(pt["duration"] as? Int, 720)
        XCTAssertNil(pt["userId"]); XCTAssertNil(pt["attributes"])
        let c = claims(pt["token"] as! String)
        XCTAssertEqual(c["exp"] as? Int, Int(Self.now + 720 * 60))
        XCTAssertEqual(c["jti"] as? String, id)
        XCTAssertEqual(c["capabilities"] as? [String: Bool], ["allow_publish": true, "allow_subscribe": true])
        XCTAssertNil(c["user_id"]); XCTAssertNil(c["attributes"])
        XCTAssertNotEqual(value(participant([:]))?["participantToken"].flatMap { ($0 as! [String: Any])["participantId"] as? String }, id)
    }

    func testDurationAtMost14Days() {
        guard let out = value(participant(["duration": 20160])) else { return }
        XCTAssertEqual(claims((out["participantToken"] as! [String: Any])["token"] as! String)["exp"] as? Int,
                       Int(Self.now + 20160 * 60))
        assertRefused(participant(["duration": 20161]), path: "duration", contains: "20160")
        assertRefused(participant(["duration": 0]), path: "duration")
        XCTAssertNotNil(value(participant(["duration": 1])))
    }

    func testUserIdAtMost128Characters() {
        let max = String(repeating: "ü", count: 128)
        XCTAssertNotNil(value(participant(["userId": max])))
        assertRefused(participant(["userId": max + "u"]), path: "userId", contains: "128")
    }

    func testAttributesAtMostOneKilobyte() {
        // "k" + 1023 bytes = 1024 bytes in all.
        XCTAssertNotNil(value(participant(["attributes": ["k": String(repeating: "v", count: 1023)]])))
        assertRefused(participant(["attributes": ["k": String(repeating: "v", count: 1024)]]), path: "attributes", contains: "1024")
        assertRefused(participant(["attributes": ["a": String(repeating: "v", count: 600), "b": String(repeating: "v", count: 500)]]),
                      path: "attributes")
        assertRefused(participant(["attributes": ["k": 1]]), path: "attributes.k", contains: "string")
        assertRefused(participant(["attributes": ["k", "v"]]), path: "attributes")
    }

    func testParticipantIdPattern() {
        XCTAssertNotNil(value(participant(["participantId": String(repeating: "a", count: 64)])))
        assertRefused(participant(["participantId": String(repeating: "a", count: 65)]), path: "participantId")
        for bad in ["", "a b", "a.b", "ä", "a/b"] { assertRefused(participant(["participantId": bad]), path: "participantId") }
        XCTAssertNotNil(value(participant(["participantId": "AZaz09_-"])))
    }

    func testParticipantMemberChecks() {
        assertRefused(participant(["capabilities": ["PUBLISH", "ADMIN"]]), path: "capabilities[1]")
        assertRefused(participant(["capabilities": "PUBLISH"]), path: "capabilities")
        assertRefused(participant(["stageArn": Self.channelArn]), path: "stageArn")
        assertRefused(participant(["publicKeyArn": "arn:aws:ivs:us-west-2:123456789012:playback-key/x"]), path: "publicKeyArn")
        assertRefused(participant(["eventsUrl": "not a url"]), path: "eventsUrl")
        assertRefused(participant([:], key: TokenKeyFixtures.rsa), path: "privateKey", contains: "RSA")
        assertRefused(participant([:], key: Self.keyPair.publicPEM), path: "privateKey", contains: "public key")
        guard let empty = value(participant(["capabilities": [String]()])) else { return }
        let pt = empty["participantToken"] as! [String: Any]
        XCTAssertEqual(claims(pt["token"] as! String)["capabilities"] as? [String: Bool],
                       ["allow_publish": false, "allow_subscribe": false])
    }

    // MARK: verification

    func testVerifierChecksAlgorithmSignatureAndExpiry() {
        guard let out = value(playback(["expiresIn": 60])), let pub = value(ECKey.publicKey(pem: Self.keyPair.publicPEM)) else { return }
        let token = out["token"] as! String
        XCTAssertNotNil(value(TokenVerifier.verify(token: token, key: pub, now: Double(Self.now + 59))))
        assertRefused(TokenVerifier.verify(token: token, key: pub, now: Double(Self.now + 60)), path: "token", contains: "expired")

        let parts = token.split(separator: ".").map(String.init)
        let none = JWT.base64URLEncode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + "."
        assertRefused(TokenVerifier.verify(token: none, key: pub, now: Double(Self.now)), path: "token", contains: "ES384")
        let hs = JWT.base64URLEncode("{\"alg\":\"HS384\"}") + "." + parts[1] + "." + parts[2]
        assertRefused(TokenVerifier.verify(token: hs, key: pub, now: Double(Self.now)), path: "token", contains: "ES384")
        let forged = parts[0] + "." + JWT.base64URLEncode("{\"aws:channel-arn\":\"x\",\"exp\":9999999999}") + "." + parts[2]
        assertRefused(TokenVerifier.verify(token: forged, key: pub, now: Double(Self.now)), path: "token", contains: "signature")
        guard case .success(let other) = ECKey.generate(), case .success(let otherPEM) = other.publicKeyPEM(),
              let otherPub = value(ECKey.publicKey(pem: otherPEM)) else { return XCTFail() }
        assertRefused(TokenVerifier.verify(token: token, key: otherPub, now: Double(Self.now)), path: "token", contains: "signature")
        for junk in ["", "a.b", "a.b.c.d", "!!.??.##", parts[0] + "." + parts[1] + "." + parts[2] + "A"] {
            assertRefused(TokenVerifier.verify(token: junk, key: pub, now: Double(Self.now)), path: "token")
        }
    }
}

/// Throwaway test keys that must be refused (or, for sec1P384, accepted).
enum TokenKeyFixtures {
    static let p256 = """
    -----BEGIN PRIVATE KEY-----
    MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgajImk+aKA/a5NZaW
    IkV8QCzVBXyL1BxPEWlcEgyF5DOhRANCAARh+CjVUyYKOck7NSfvGefhz7tUYgrI
    LyRO3NLNbhs+I6ICEfzof7RpmMposBK8OGIh+iNC/FQFZtAJwR6Unzib
    -----END PRIVATE KEY-----

    """
    static let rsa = """
    -----BEGIN PRIVATE KEY-----
    MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBANkvmSbXj3ZhSZ+2
    1I4X3un1fUIMpaKeQLB30Hfxt4wn6XhDD1hBi6jUyrqxGJTlXFyhqy2CK7JF90CO
    fcx/5aCe5Cw1UZvQ0o8fqJrl3oLChLQcKntQTz3ml50aH8fHyYEAZQZiu2kdu2Ig
    7K3ndPDxlkV3u+utlQsSWxf0emo1AgMBAAECgYBZKxSrANeS19CddTgBesV3suWR
    Z5XdlTGkAh0iEai1L3HIgWfcaVTIpUzyp2EbSKvKEEoybf44vEcORzJY8q24qcS5
    tVYoTCxnOThivyT1xJ6GS1SyhTVuTMu8Mx0GsAVsdR75cZm0Hrp/01NyFLR5kCxg
    o9amGSMCkcqHasyxoQJBAOxUerI294C6+9/YBVYkKNBSPIGsMPxMgxm9YTM/lP6A
    UMFe1Mh+aQj8AS0htQXGIHSp9DuRQ5gHcocMMhQT9y0CQQDrQzabPjWosRCaZ1ju
    e7D6GcdORlQ0cV24WVNO8MYrzg9ZqPVOIeMpwjfcptBs8A0T/bEvKGvca0MA3/gk
    C6QpAkAhPoT/+tF4L1VtGJMvmeiP3XGbgCBn7U9n2IcK0X/hCSXS/ccK6RVXaTO1
    KI+xXzyDjMDJfFa41RtcOe/1eRWFAkEAl1g12Mi8XDkMJUg2vbR0tW+/92rm4JXN
    ZLqSDUZ3NdbpqRQ4OnsyV7rJlPj7PBlxUFrzkRK/0JxwDjAGwal7gQJAcNE68MFF
    ZQSucMj0SFooEf5p3/lxbc/ybKI8t7Iam94oJxFFU65kPBu/1BiUQLyU6DoDbf7x
    VKt35g3AegEbug==
    -----END PRIVATE KEY-----

    """
    static let ed25519 = """
    -----BEGIN PRIVATE KEY-----
    MC4CAQAwBQYDK2VwBCIEIPI0SYycftB9YHxunZHwjrx9RoJo8Gi4ezou5lHCJ8ms
    -----END PRIVATE KEY-----

    """
    static let encrypted = """
    -----BEGIN ENCRYPTED PRIVATE KEY-----
    MIIBHDBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIQX/9tWQcKfoCAggA
    MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAECBBCcocYTDsDDQazcJ1alalC2BIHA
    ooz+g6nDr0F1BrE4uqW0J0m4xlcKawlNeICCVED9SzGZlvVBsuDOHm9KgGV48x/L
    yK/sG79AvjBQ+LtavPna7DACmyMXrN5XZaicTr/L7JDCzZrWy8xKjjputWnsdQBJ
    RjMFLDYqdLjTAW62/If+OU7decDJsrvFVPifJLhw2ohVeFURnoXGblYNmSygaVKg
    qtNwYq0jACBH5rQJuECQPeFm8yE8aMhvN/I9h6cVsv39VMpAtR/MafFyIPZN1Rlp
    -----END ENCRYPTED PRIVATE KEY-----

    """
    static let sec1P384 = """
    -----BEGIN EC PRIVATE KEY-----
    MIGkAgEBBDDItUmMz9B0Qc2suZ97X+Ufl+P1uWRdhyPCpi8Vy1vIca3MpbAKJdGU
    5ME+NXYwG5egBwYFK4EEACKhZANiAATK4fTLGMEJMDsAQ4SKo4n16Lap/Ez7BePN
    6k0z3TjumOtDiJtwzyxaRplOgShFO6K/2NBjwKrR3ykzYC+w/jcd/X7UVtNxoTVE
    XrV81g6GzFvD8R0oAUp9aGPQ7ZWCa5M=
    -----END EC PRIVATE KEY-----

    """
}
