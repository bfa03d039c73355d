import XCTest
@testable import IVSCore

/// The compiled rule sets (Generated/Endpoints.swift) against botocore's EndpointProvider on the same
/// rule sets and partitions (Fixtures/endpoints.json, written by Tests/config/make_fixtures.py).
final class EndpointRuleSetTests: XCTestCase {
    func testEveryRowMatchesBotocore() throws {
        let rows = try Fixtures.load("endpoints")
        XCTAssertGreaterThan(rows.count, 1000)
        for row in rows {
            let service = try XCTUnwrap(row["service"] as? String)
            let params = EndpointParams(region: row["region"] as? String, useFIPS: row["fips"] as? Bool ?? false,
                                        useDualStack: row["dualstack"] as? Bool ?? false,
                                        endpoint: row["endpoint"] as? String)
            let expected: EndpointRuleResult = try (row["url"] as? String).map { .endpoint($0) }
                ?? .error(try XCTUnwrap(row["error"] as? String))
            XCTAssertEqual(EndpointPartitions.resolve(service: service, params), expected, "\(row)")
        }
    }

    func testPartitionsByListAndRegex() {
        XCTAssertEqual(EndpointPartitions.partition(for: "aws-us-gov-global").name, "aws-us-gov")
        XCTAssertEqual(EndpointPartitions.partition(for: "cn-east-7").dnsSuffix, "amazonaws.com.cn")
        XCTAssertEqual(EndpointPartitions.partition(for: "mars-1").name, "aws")
    }

    func testConfiguredEndpointsAndPrecedence() throws {
        func resolve(_ env: [String: String], _ config: ClientConfig = ClientConfig()) throws -> [String: String] {
            var env = env
            env["HOME"] = "/nonexistent"
            env["AWS_REGION"] = env["AWS_REGION"] ?? "us-west-2"
            let r = try ConfigResolver(config: config, env: Environment(overrides: env)).resolve()
            return r.endpoints.mapValues(\.url)
        }
        XCTAssertEqual(try resolve([:])["ivs-realtime"], "https://ivsrealtime.us-west-2.amazonaws.com")
        XCTAssertEqual(try resolve(["AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true",
                                    "AWS_REGION": "us-gov-west-1"])["ivschat"],
                       "https://ivschat-fips.us-gov-west-1.api.aws")
        let env = ["AWS_ENDPOINT_URL": "http://all.example", "AWS_ENDPOINT_URL_IVS_REALTIME": "http://rt.example:81/x/"]
        var r = try resolve(env)
        XCTAssertEqual(r["ivs"], "http://all.example")
        XCTAssertEqual(r["ivs-realtime"], "http://rt.example:81/x")
        var config = ClientConfig()
        config.endpointUrls = ["ivs": "http://mine.example"]
        r = try resolve(env.merging(["AWS_USE_FIPS_ENDPOINT": "true"]) { $1 }, config)
        XCTAssertEqual(r["ivs"], "http://mine.example")       // FIPS does not apply to configured endpoints
        XCTAssertEqual(r["ivschat"], "http://all.example")
        r = try resolve(env.merging(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) { $1 }, config)
        XCTAssertEqual(r["ivs"], "http://mine.example")       // the client config still counts
        XCTAssertEqual(r["ivschat"], "https://ivschat.us-west-2.amazonaws.com")
    }
}
