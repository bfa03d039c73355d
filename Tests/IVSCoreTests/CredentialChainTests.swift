import Foundation
import XCTest
@testable import IVSCore

/// The chain's order and its refresh windows, with credential sources standing in for the real ones
/// (the real sources are exercised end to end by Tests/config/test_credentials.py).
final class CredentialChainTests: XCTestCase {
    final class Source: CredentialProvider, @unchecked Sendable {
        let name: String
        let lock = Lock()
        var lifetimes: [Double?]
        var calls = 0
        init(_ name: String, lifetimes: [Double?]) { self.name = name; self.lifetimes = lifetimes }
        func credentials() throws(IVSError) -> Credentials? {
            lock.withLock {
                calls += 1
                guard !lifetimes.isEmpty else { return nil }
                let l = lifetimes.count > 1 ? lifetimes.removeFirst() : lifetimes[0]
                usleep(50_000)
                return Credentials(accessKeyId: "\(name)\(calls)", secretAccessKey: "s",
                                   expiration: l.map { Clock.now() + $0 })
            }
        }
    }

    func testFirstSourceWithCredentialsWinsAndIsCached() throws {
        let empty = Source("empty", lifetimes: [])
        let a = Source("a", lifetimes: [nil])
        let chain = CredentialChain(providers: [empty, a, Source("b", lifetimes: [nil])])
        XCTAssertEqual(try chain.resolve().accessKeyId, "a1")
        XCTAssertEqual(try chain.resolve().accessKeyId, "a1")
        XCTAssertEqual(a.calls, 1)
        XCTAssertEqual(chain.sourceName, "a")
    }

    func testRefreshInsideTheMandatoryWindowHappensOnceForConcurrentCallers() throws {
        let src = Source("t", lifetimes: [5 * 60, 3600])
        let chain = CredentialChain(providers: [src])
        XCTAssertEqual(try chain.resolve().accessKeyId, "t1")
        let results = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 32) { _ in
            if let c = try? chain.resolve() { results.withValue { $0.append(c.accessKeyId) } }
        }
        XCTAssertEqual(src.calls, 2)
        XCTAssertEqual(results.withValue { $0 }, Array(repeating: "t2", count: 32))
    }

    func testAdvisoryWindowKeepsCurrentCredentialsWhenRefreshFails() throws {
        final class Flaky: CredentialProvider, @unchecked Sendable {
            let name = "flaky"
            var calls = 0
            func credentials() throws(IVSError) -> Credentials? {
                calls += 1
                if calls == 1 { return Credentials(accessKeyId: "old", secretAccessKey: "s", expiration: Clock.now() + 12 * 60) }
                throw .credentials("endpoint down")
            }
        }
        let chain = CredentialChain(providers: [Flaky()])
        XCTAssertEqual(try chain.resolve().accessKeyId, "old")
        XCTAssertEqual(try chain.resolve().accessKeyId, "old")
    }

    func testAlreadyExpiredCredentialsAreAnError() {
        let chain = CredentialChain(providers: [Source("x", lifetimes: [-1])])
        XCTAssertThrowsError(try chain.resolve())
    }
}
