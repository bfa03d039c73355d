import XCTest
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
}
