import XCTest
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
@testable import IVSCore

/// The signer must produce, byte for byte, the canonical request, string to sign and Authorization
/// header that botocore's SigV4Auth produced for the same request (Fixtures/sigv4.json).
final class SigV4SignerTests: XCTestCase {
    func testMatchesBotocoreByteForByte() throws {
        let vectors = try Fixtures.load("sigv4")
        XCTAssertGreaterThanOrEqual(vectors.count, 7)
        let signer = SigV4Signer()
        for v in vectors {
            let name = v["name"] as! String
            let request = SigV4Signer.Request(
                method: v["method"] as! String, path: v["path"] as! String,
                query: (v["query"] as! [[String]]).map { ($0[0], $0[1]) },
                headers: (v["headers"] as! [[String]]).map { ($0[0], $0[1]) },
                host: v["host"] as! String, body: Array((v["body"] as! String).utf8))
            let creds = Credentials(accessKeyId: v["accessKeyId"] as! String, secretAccessKey: v["secretAccessKey"] as! String,
                                    sessionToken: v["sessionToken"] as? String)
            let sig = signer.sign(request, credentials: creds, region: v["region"] as! String,
                                  service: v["service"] as! String, time: Double(v["time"] as! Int))
            XCTAssertEqual(sig.canonicalRequest, v["canonicalRequest"] as? String, name)
            XCTAssertEqual(sig.stringToSign, v["stringToSign"] as? String, name)
            let headers = Dictionary(uniqueKeysWithValues: sig.headers)
            XCTAssertEqual(headers["Authorization"], v["authorization"] as? String, name)
            XCTAssertEqual(headers["X-Amz-Date"], v["amzDate"] as? String, name)
            XCTAssertEqual(headers["X-Amz-Security-Token"], v["sessionToken"] as? String, name)
        }
    }

    func testSigningKeyIsCachedPerDayRegionAndService() {
        let signer = SigV4Signer()
        let a = signer.signingKey(secret: "s", date: "20261121", region: "us-west-2", service: "ivs")
        XCTAssertEqual(a, signer.signingKey(secret: "s", date: "20261121", region: "us-west-2", service: "ivs"))
        XCTAssertNotEqual(a, signer.signingKey(secret: "s", date: "20261122", region: "us-west-2", service: "ivs"))
        XCTAssertNotEqual(a, signer.signingKey(secret: "s", date: "20261121", region: "eu-west-1", service: "ivs"))
        XCTAssertNotEqual(a, signer.signingKey(secret: "s", date: "20261121", region: "us-west-2", service: "ivschat"))
        XCTAssertNotEqual(a, signer.signingKey(secret: "t", date: "20261121", region: "us-west-2", service: "ivs"))
    }

    func testSecretsStayOutOfDescriptions() {
        let c = Credentials(accessKeyId: "AKID", secretAccessKey: "very-secret", sessionToken: "tok")
        XCTAssertFalse(String(describing: c).contains("very-secret"))
        XCTAssertFalse(String(describing: c).contains("tok"))
    }

    func testURIEncodingKeepsOnlyUnreserved() {
        XCTAssertEqual(URIEncoding.encode("arn:aws:ivs:us-west-2:1:channel/ab~c-d.e_f g"),
                       "arn%3Aaws%3Aivs%3Aus-west-2%3A1%3Achannel%2Fab~c-d.e_f%20g")
        XCTAssertEqual(URIEncoding.encode("a/b c", keepSlash: true), "a/b%20c")
        XCTAssertEqual(URIEncoding.encode("é"), "%C3%A9")
    }

    /// A String-concatenating signer written the way the SigV4 documentation reads, as the reference:
    /// the byte-writing signer must produce exactly what it produces, for any request. (Header names
    /// are ASCII tokens; values may hold any UTF-8.)
    private func referenceSign(_ r: SigV4Signer.Request, _ c: Credentials, region: String, service: String,
                               time: Double) -> (cr: String, sts: String, auth: String) {
        let amzDate = referenceAmzDate(Int(time))
        let date = String(amzDate.utf8.prefix(8))!
        var headers: [(String, String)] = [("host", r.host), ("x-amz-date", amzDate)]
        if let token = c.sessionToken { headers.append(("x-amz-security-token", token)) }
        for (k, v) in r.headers { headers.append((k.lowercased(), v)) }
        headers.sort { $0.0 < $1.0 }
        let pairs: [(String, String)] = r.query.map { (URIEncoding.encode($0.0), URIEncoding.encode($0.1)) }
        let enc = pairs.sorted { (a: (String, String), b: (String, String)) -> Bool in a.0 == b.0 ? a.1 < b.1 : a.0 < b.0 }
        let query = enc.map { (p: (String, String)) -> String in p.0 + "=" + p.1 }.joined(separator: "&")
        let signedHeaders = headers.map { $0.0 }.joined(separator: ";")
        var cr = r.method + "\n" + URIEncoding.encode(r.path.isEmpty ? "/" : r.path, keepSlash: true) + "\n" + query + "\n"
        for (k, v) in headers { cr += k + ":" + v.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") + "\n" }
        cr += "\n" + signedHeaders + "\n" + Hex.encode(Digest.sha256(r.body))
        let scope = date + "/" + region + "/" + service + "/aws4_request"
        let sts = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + Digest.sha256Hex(cr)
        var k = Digest.hmacSHA256(key: Array(("AWS4" + c.secretAccessKey).utf8), date)
        for part in [region, service, "aws4_request"] { k = Digest.hmacSHA256(key: k, part) }
        let auth = "AWS4-HMAC-SHA256 Credential=" + c.accessKeyId + "/" + scope + ", SignedHeaders=" + signedHeaders
            + ", Signature=" + Hex.encode(Digest.hmacSHA256(key: k, sts))
        return (cr, sts, auth)
    }

    /// gmtime_r and zero padding: an independent reference for Clock.amzDate.
    private func referenceAmzDate(_ seconds: Int) -> String {
        var t = time_t(seconds), tm = tm()
        gmtime_r(&t, &tm)
        func pad(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return pad(tm.tm_year + 1900, 4) + pad(tm.tm_mon + 1, 2) + pad(tm.tm_mday, 2) + "T"
            + pad(tm.tm_hour, 2) + pad(tm.tm_min, 2) + pad(tm.tm_sec, 2) + "Z"
    }

    func testMatchesTheStringSignerOnRandomRequests() {
        var g = SystemRandomNumberGenerator()
        let names = ["Content-Type", "content-type", "X-Amz-Target", "X-Extra", "x-extra", "A", "Zeta", "HOST",
                     "X-Amz-Date", "user-agent", "X-Amz-Client-Context", "x_under", "X-9"]
        let values = ["application/json", "  a   b  c ", "\t tab\tsep \t", "", " ", "x y", "é  è",
                      "libivs/0.1 (linux; x86_64)", "ünï  code\t", "日本 語"]
        let paths = ["", "/", "/CreateChannel", "/tags/arn%3Aaws%3Aivs%3Aus-west-2%3A1%3Achannel%2Fab", "/a b/ü~", "//x/./y"]
        let queryParts = ["tagKeys", "b key", "a=1&2", "ü/~", "", "Z", "a"]
        let signer = SigV4Signer()
        for n in 0..<400 {
            var headers: [(String, String)] = []
            for _ in 0..<Int.random(in: 0...6, using: &g) {
                headers.append((names.randomElement(using: &g) ?? "", values.randomElement(using: &g) ?? ""))
            }
            var query: [(String, String)] = []
            for _ in 0..<Int.random(in: 0...3, using: &g) {
                query.append((queryParts.randomElement(using: &g) ?? "", queryParts.randomElement(using: &g) ?? ""))
            }
            let body = (0..<Int.random(in: 0...200, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            let r = SigV4Signer.Request(method: ["GET", "POST", "DELETE"][n % 3], path: paths.randomElement(using: &g) ?? "",
                                        query: query, headers: headers,
                                        host: n % 5 == 0 ? " ivs.us-west-2.amazonaws.com " : "ivs.us-west-2.amazonaws.com",
                                        body: body)
            let c = Credentials(accessKeyId: n % 7 == 0 ? "AKIDÜ" : "AKIDEXAMPLE",
                                secretAccessKey: String(repeating: "s", count: n % 90),
                                sessionToken: n % 2 == 0 ? nil : "tok en \(n)")
            let region = ["us-west-2", "eu-central-1", "ap-northeast-1"][n % 3]
            let service = n % 4 == 0 ? "ivschat" : "ivs"
            let time = Double(Int.random(in: 0...4_000_000_000, using: &g))
            let sig = signer.sign(r, credentials: c, region: region, service: service, time: time)
            let ref = referenceSign(r, c, region: region, service: service, time: time)
            XCTAssertEqual(sig.canonicalRequest, ref.cr, "request \(n)")
            XCTAssertEqual(sig.stringToSign, ref.sts, "request \(n)")
            XCTAssertEqual(sig.headers.map { $0.0 },
                           c.sessionToken == nil ? ["X-Amz-Date", "Authorization"] : ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
            XCTAssertEqual(sig.headers.last?.1, ref.auth, "request \(n)")
            XCTAssertEqual(sig.headers.first?.1, referenceAmzDate(Int(time)))
            XCTAssertEqual(sig.signature, String(ref.auth.utf8.suffix(64)), "request \(n)")
        }
    }

    /// An instant whose year is outside 0...9999 (never a real request) takes Clock's slow date, which
    /// may be longer than 16 bytes; a time that is not finite signs as 0. Either way the signature is
    /// the reference's, and the direct list carries the same X-Amz-Date.
    func testInstantsOutsideFourDigitYearsSignAsTheReference() throws {
        let signer = SigV4Signer()
        let r = SigV4Signer.Request(method: "POST", path: "/GetChannel", query: [], headers: [("Content-Type", "application/json")],
                                    host: "ivs.us-west-2.amazonaws.com", body: Array("{}".utf8))
        let c = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "tok")
        for time in [253_402_300_800.0, 253_402_387_199, 1e15, -62_167_219_201, -1e12, .nan, .infinity] {
            let sig = signer.sign(r, credentials: c, region: "us-west-2", service: "ivs", time: time)
            let ref = referenceSign(r, c, region: "us-west-2", service: "ivs", time: time.isFinite ? time : 0)
            XCTAssertEqual(sig.canonicalRequest, ref.cr, "\(time)")
            XCTAssertEqual(sig.stringToSign, ref.sts, "\(time)")
            XCTAssertEqual(sig.headers.last?.1, ref.auth, "\(time)")
        }
        XCTAssertEqual(signer.sign(r, credentials: c, region: "us-west-2", service: "ivs", time: 253_402_300_800).headers.first?.1,
                       "100000101T000000Z")
    }

    /// The first block of a canonical request is hashed once for requests that start alike: a
    /// request that shares it, one that differs only after it and one that differs inside it, in
    /// turns, each signed as the reference signs it.
    func testCanonicalRequestsSharingAFirstBlockSignAlike() {
        let signer = SigV4Signer()
        let c = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")
        let long = "/" + String(repeating: "p", count: 70)
        let requests = [
            SigV4Signer.Request(method: "POST", path: "/GetChannel", query: [], headers: [("Content-Type", "application/json")],
                                host: "ivs.us-west-2.amazonaws.com", body: Array(#"{"arn":"a"}"#.utf8)),
            SigV4Signer.Request(method: "POST", path: "/GetChannel", query: [], headers: [("Content-Type", "application/json")],
                                host: "ivs.us-west-2.amazonaws.com", body: Array(#"{"arn":"b"}"#.utf8)),
            SigV4Signer.Request(method: "POST", path: "/GetStream", query: [], headers: [("Content-Type", "application/json")],
                                host: "ivs.us-west-2.amazonaws.com", body: []),
            SigV4Signer.Request(method: "POST", path: long, query: [], headers: [], host: "h", body: []),
            SigV4Signer.Request(method: "POST", path: long + "q", query: [], headers: [], host: "h", body: []),
            SigV4Signer.Request(method: "GET", path: "/", query: [], headers: [], host: "h", body: []), // under 64 bytes
        ]
        for round in 0..<3 {
            for (i, r) in requests.enumerated() {
                let time = 1_700_000_000.0 + Double(round * 7 + i)
                let sig = signer.sign(r, credentials: c, region: "us-west-2", service: "ivs", time: time)
                let ref = referenceSign(r, c, region: "us-west-2", service: "ivs", time: time)
                XCTAssertEqual(sig.stringToSign, ref.sts, "round \(round), request \(i)")
                XCTAssertEqual(sig.headers.last?.1, ref.auth, "round \(round), request \(i)")
            }
        }
    }

    func testAmzDateMatchesGmtime() {
        var g = SystemRandomNumberGenerator()
        let edges = [0, -1, 1, 86399, 86400, -86400, -86401, 951_782_400, 951_868_799, 4_107_542_400,
                     -62_167_219_200, -62_167_219_199, 253_402_300_799, 253_402_300_800, -62_167_219_201, 1_795_253_400]
        for s in edges { XCTAssertEqual(Clock.amzDate(s), referenceAmzDate(s), "\(s)") }
        for _ in 0..<20_000 {
            let s = Int.random(in: -62_167_219_200...253_402_300_799, using: &g)
            XCTAssertEqual(Clock.amzDate(s), referenceAmzDate(s), "\(s)")
        }
    }

    func testHMACMatchesRFC4231() {
        func hex(_ s: String) -> [UInt8] {
            var out: [UInt8] = [], i = s.startIndex
            while i < s.endIndex {
                let j = s.index(i, offsetBy: 2)
                out.append(UInt8(s[i..<j], radix: 16) ?? 0)
                i = j
            }
            return out
        }
        func mac(_ key: [UInt8], _ data: [UInt8]) -> String {
            data.withUnsafeBytes { Hex.encode(Digest.hmacSHA256(key: key, $0)) }
        }
        XCTAssertEqual(mac([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8)),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(mac(Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(mac([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        XCTAssertEqual(mac([UInt8](repeating: 0xaa, count: 64), []), mac(hex(String(repeating: "aa", count: 64)), []))
        XCTAssertEqual(Digest.hmacSHA256(key: [], ""), hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"))
    }

    func testConcurrentSigningWithManyKeys() {
        let signer = SigV4Signer()
        let r = SigV4Signer.Request(method: "POST", path: "/GetChannel", query: [],
                                    headers: [("Content-Type", "application/json")], host: "ivs.us-west-2.amazonaws.com",
                                    body: Array("{}".utf8))
        let regions = ["us-west-2", "eu-west-1", "ap-south-1", "us-east-1"]
        let expected = regions.map { region in
            referenceSign(r, Credentials(accessKeyId: "AKID", secretAccessKey: "secret-" + region), region: region,
                          service: "ivs", time: 1_795_253_400).auth
        }
        let failures = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for i in 0..<500 {
                let k = (t + i) % regions.count
                let sig = signer.sign(r, credentials: Credentials(accessKeyId: "AKID", secretAccessKey: "secret-" + regions[k]),
                                      region: regions[k], service: "ivs", time: 1_795_253_400)
                if sig.headers.last?.1 != expected[k] { failures.withValue { $0 += 1 } }
            }
        }
        XCTAssertEqual(failures.withValue { $0 }, 0)
    }
}
