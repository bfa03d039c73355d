import CCurl
import XCTest
@testable import IVSCore

/// The call path writes an attempt's headers straight into curl's list (Client.signedHeaderList);
/// it must give the very lines CurlHeaderList.make gives for the headers Client.sign returns, or
/// the same failure, for any request, credentials and time.
final class SignedHeaderListTests: XCTestCase {
    private func lines(_ list: CurlHeaderList) -> [String] {
        var out: [String] = []
        var node: UnsafeMutablePointer<curl_slist>? = list.head
        while let n = node, out.count < 100 {
            out.append(n.pointee.data.map { String(cString: $0) } ?? "<nil>")
            node = n.pointee.next
        }
        return out
    }

    /// Lines or the failure's kind and message, whichever the result holds (the list is freed).
    private func outcome(_ r: Result<CurlHeaderList, TransportError>) -> String {
        switch r {
        case .success(let list):
            defer { list.release() }
            return lines(list).joined(separator: "\n")
        case .failure(let e):
            return "failure \(e.kind): \(e.message)"
        }
    }

    private func assertSame(_ client: Client, _ call: PreparedCall, _ creds: Credentials?, time: Double,
                            _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let direct = outcome(client.signedHeaderList(call, creds, time: time))
        let viaSign = outcome(CurlHeaderList.make(client.sign(call, creds, time: time).headers))
        XCTAssertEqual(direct, viaSign, what, file: file, line: line)
    }

    func testTheListIsTheOneMadeFromSignsHeaders() throws {
        let client = try offlineClient()
        let service = try XCTUnwrap(client.target(.ivs))
        let op = try XCTUnwrap(ServiceModel.ivs.operation(named: "GetChannel"))
        var g = SeededGenerator(seed: 16)
        let names = ["Content-Type", "content-type", "X-Custom", "x_under", "bad name", "Ünï", ""]
        let values = ["application/json", "", " a  b ", "tab\there", "é", "line\nbreak", "cr\r", "del\u{7f}",
                      String(repeating: "v", count: 200), "x\u{1}y"]
        let keys = ["AKIDEXAMPLE", "AKIDÜ", "AKID\r\nInjected: 1", "AKID\tTAB"]
        let tokens: [String?] = [nil, "IQoJEXAMPLETOKEN", "tok en", "bad\ntoken", String(repeating: "t", count: 900)]
        for n in 0..<300 {
            var headers: [(String, String)] = []
            for _ in 0..<Int.random(in: 0...3, using: &g) {
                headers.append((names[Int.random(in: 0..<names.count, using: &g)], values[Int.random(in: 0..<values.count, using: &g)]))
            }
            let body = (0..<Int.random(in: 0...120, using: &g)).map { _ in UInt8.random(in: 32...126, using: &g) }
            let request = SerializedRequest(method: ["POST", "GET", "DELETE"][n % 3], path: ["/GetChannel", "/tags/a%2Fb", ""][n % 3],
                                            query: n % 4 == 0 ? [("maxResults", "5"), ("nextToken", "a b")] : [],
                                            headers: headers, body: body)
            let call = PreparedCall(service: service, op: op, request: request)
            let creds: Credentials? = n % 9 == 0 ? nil
                : Credentials(accessKeyId: keys[n % keys.count], secretAccessKey: "secret\(n % 3)",
                              sessionToken: tokens[n % tokens.count])
            let time = Double(Int.random(in: 0...4_000_000_000, using: &g))
            assertSame(client, call, creds, time: time, "request \(n): \(headers) \(String(describing: creds?.accessKeyId))")
        }
    }

    func testAPreparedCallsListMatchesWithAndWithoutASessionToken() throws {
        let client = try offlineClient()
        let input = try Fixtures.parse(#"{"arn":"arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD1234"}"#)
        defer { JSON.release(input) }
        let call = try client.prepare(.ivs, XCTUnwrap(ServiceModel.ivs.operation(named: "GetChannel")), input).get()
        let creds = try client.credentials.resolve()
        let now = Clock.now()
        assertSame(client, call, creds, time: now, "with the client's credentials (a session token)")
        assertSame(client, call, Credentials(accessKeyId: "AKID", secretAccessKey: "s"), time: now, "no token")
        assertSame(client, call, nil, time: now, "unsigned")
        // X-Amz-Date longer than 16 bytes (the year 10000): the list is sized for it.
        assertSame(client, call, creds, time: 253_402_300_800, "a five-digit year")
    }
}
