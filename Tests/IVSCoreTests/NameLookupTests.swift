import XCTest
@testable import IVSCore

/// The lookups of the C ABI's names: NameTable (bytes against sorted names), an operation by its C
/// string (the same operation as by its String), and a client's service by name or by model.
final class NameLookupTests: XCTestCase {
    private func find(_ table: NameTable, _ key: String) -> Int? {
        key.withCString { table.find($0) }
    }

    func testATableFindsEachNameAndNothingElse() {
        let names = ["b", "a", "ab", "abc", "B", "z\u{e9}", "mid"]
        let table = NameTable(names.enumerated().map { (name: $1, value: $0) })
        for (i, n) in names.enumerated() { XCTAssertEqual(find(table, n), i, n) }
        for miss in ["", "A", "aa", "abcd", "ac", "c", "z", "zz", "z\u{e9}x", "\u{ff}"] { XCTAssertNil(find(table, miss), miss) }
    }

    func testAnEmptyTableFindsNothing() {
        XCTAssertNil(find(NameTable([]), ""))
        XCTAssertNil(find(NameTable([]), "GetChannel"))
    }

    func testAnOperationByItsCStringIsTheOneByItsName() {
        for model in ServiceModel.all {
            for op in model.operations {
                for name in [op.name, op.snakeName] {
                    XCTAssertTrue(name.withCString { model.operation(cString: $0) } === model.operation(named: name), name)
                }
            }
            for miss in ["", "getchannel", "GetChannelX", "Get", "get_channel_", "GETCHANNEL"] {
                XCTAssertNil(miss.withCString { model.operation(cString: $0) }, miss)
                XCTAssertNil(model.operation(named: miss), miss)
            }
        }
    }

    func testAClientFindsItsServicesByTheirCNames() throws {
        let client = try offlineClient()
        for model in ServiceModel.all {
            let found = model.name.withCString { s in "GetChannel".withCString { o in client.find(service: s, operation: o) } }
            let op = model.operation(named: "GetChannel")
            XCTAssertEqual(found == nil, op == nil, model.name)
            if let (target, op) = found {
                XCTAssertTrue(target.model === model)
                XCTAssertTrue(target === client.target(model), "one target per service and client")
                XCTAssertEqual(target.endpoint, client.config.endpoints[model.name])
                XCTAssertEqual(op.name, "GetChannel")
            }
        }
        for (service, operation) in [("ivs", "NoSuchOperation"), ("IVS", "GetChannel"), ("", "GetChannel"), ("ivs ", "GetChannel")] {
            XCTAssertNil(service.withCString { s in operation.withCString { o in client.find(service: s, operation: o) } },
                         "\(service).\(operation)")
        }
    }

    func testAModelLibivsDoesNotServeGetsTheEndpointOfItsName() throws {
        let client = try offlineClient()
        let stranger = ServiceModel(name: "ivs", endpointPrefix: "ivs", signingName: "ivs", apiVersion: "1", serviceId: "ivs",
                                    shapes: [], operations: [])
        let target = try XCTUnwrap(client.target(stranger))
        XCTAssertTrue(target.model === stranger)
        XCTAssertEqual(target.endpoint, client.config.endpoints["ivs"])
        let nameless = ServiceModel(name: "nowhere", endpointPrefix: "x", signingName: "x", apiVersion: "1", serviceId: "x",
                                    shapes: [], operations: [])
        XCTAssertNil(client.target(nameless))
    }
}
