import Foundation
import XCTest
@testable import IVSCore

/// The validator, for every operation: missing required members, wrong JSON types, unknown members,
/// lengths and ranges accepted at the limit and refused past it, and every problem reported at once.
final class ValidatorTests: XCTestCase {
    private func problems(_ model: ServiceModel, _ op: IVSCore.Operation, _ text: String, strict: Bool = false,
                          level: Validator.Level? = nil) throws -> [Validator.Problem] {
        let input = try Fixtures.parse(text)
        defer { JSON.release(input) }
        return Validator(model: model, level: level ?? (strict ? .strict : .on)).validate(input, shape: op.input)
    }

    /// The botocore level leaves maximums to the service (which answers ValidationException, as
    /// boto3 users expect) and keeps types, required members and minimums.
    func testBotocoreLevelChecksWhatBotocoreChecks() throws {
        let model = ServiceModel.ivs
        let op = try XCTUnwrap(model.operation(named: "CreateChannel"))
        let long = String(repeating: "a", count: 129) // name: max 128
        XCTAssertEqual(try problems(model, op, #"{"name": "\#(long)"}"#).map(\.path), ["name"])
        XCTAssertEqual(try problems(model, op, #"{"name": "\#(long)"}"#, level: .botocore).count, 0)
        XCTAssertEqual(try problems(model, op, #"{"name": 5}"#, level: .botocore).map(\.path), ["name"])
        XCTAssertEqual(try problems(model, op, #"{"bogus": 5}"#, level: .botocore).map(\.path), ["bogus"])
        let get = try XCTUnwrap(model.operation(named: "GetChannel"))
        XCTAssertEqual(try problems(model, get, #"{}"#, level: .botocore).map(\.path), ["arn"])
        XCTAssertEqual(try problems(model, get, #"{"arn": ""}"#, level: .botocore).map(\.path), ["arn"]) // min 1
    }

    /// Every operation's sample input from the botocore vectors, keyed by service.operation.
    private func samples() throws -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for v in try Fixtures.load("serializer") where v["case"] as? String == "full" {
            out["\(v["service"]!).\(v["operation"]!)"] = v["input"] as? [String: Any]
        }
        return out
    }

    func testEmptyInputReportsEveryRequiredMember() throws {
        for model in ServiceModel.all {
            for op in model.operations {
                let required = model.shapes[op.input].members.filter(\.required).map(\.name).sorted()
                let got = try problems(model, op, "{}")
                XCTAssertEqual(got.map(\.path).sorted(), required, "\(model.name).\(op.name)")
                XCTAssertTrue(got.allSatisfy { $0.problem == "Missing required parameter" })
            }
        }
    }

    func testWrongTypesAndUnknownMembersAreAllReported() throws {
        let samples = try samples()
        var checked = 0
        for model in ServiceModel.all {
            for op in model.operations {
                var input = try XCTUnwrap(samples["\(model.name).\(op.name)"])
                var expected: Set<String> = []
                for m in model.shapes[op.input].members {
                    let wrong: Any
                    switch model.shapes[m.shape].type {
                    case .string, .blob: wrong = 42
                    case .integer, .long, .float, .double: wrong = "7"
                    case .boolean: wrong = "true"
                    case .timestamp: wrong = [1]
                    case .structure, .map: wrong = [1, 2]
                    case .list: wrong = ["a": 1]
                    }
                    input[m.name] = wrong
                    expected.insert(m.name)
                }
                input["notAMember"] = 1
                let got = try problems(model, op, try Fixtures.text(input))
                let typeProblems = Set(got.filter { $0.problem.hasPrefix("Invalid type") }.map(\.path))
                XCTAssertEqual(typeProblems, expected, "\(model.name).\(op.name)")
                XCTAssertTrue(got.contains { $0.path == "notAMember" && $0.problem.hasPrefix("Unknown parameter") },
                              "\(model.name).\(op.name)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, ServiceModel.all.reduce(0) { $0 + $1.operations.count })
    }

    func testLengthsAndRangesAtTheLimitAndPastIt() throws {
        let samples = try samples()
        var limits = 0
        for model in ServiceModel.all {
            for op in model.operations {
                let base = try XCTUnwrap(samples["\(model.name).\(op.name)"])
                for m in model.shapes[op.input].members {
                    let shape = model.shapes[m.shape]
                    var cases: [(Any, Bool)] = []
                    switch shape.type {
                    case .string where shape.enumValues.isEmpty:
                        if let max = shape.max, max < 100_000 {
                            cases.append((String(repeating: "é", count: Int(max)), true))
                            cases.append((String(repeating: "é", count: Int(max) + 1), false))
                        }
                        if let min = shape.min, min > 0 {
                            cases.append((String(repeating: "a", count: Int(min)), true))
                            cases.append((String(repeating: "a", count: Int(min) - 1), false))
                        }
                    case .integer, .long:
                        if let max = shape.max { cases += [(Int(max), true), (Int(max) + 1, false)] }
                        if let min = shape.min { cases += [(Int(min), true), (Int(min) - 1, false)] }
                    case .list:
                        if let max = shape.max, max < 1000, let el = base[m.name] as? [Any], let first = el.first {
                            cases += [(Array(repeating: first, count: Int(max)), true),
                                      (Array(repeating: first, count: Int(max) + 1), false)]
                        }
                    default: break
                    }
                    for (value, ok) in cases {
                        var input = base
                        input[m.name] = value
                        let got = try problems(model, op, try Fixtures.text(input)).filter { $0.path == m.name }
                        XCTAssertEqual(got.isEmpty, ok, "\(model.name).\(op.name).\(m.name) = \(ok ? "limit" : "past limit"): \(got)")
                        limits += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(limits, 100)
    }

    func testNestedPathsNameMapKeysAndListIndexes() throws {
        let model = ServiceModel.ivs
        let op = try XCTUnwrap(model.operation(named: "CreateChannel"))
        let got = try problems(model, op, #"{"tags": {"ok": "v", "bad": 5}, "name": 7}"#)
        XCTAssertTrue(got.contains { $0.path == "tags.bad" }, "\(got)")
        XCTAssertTrue(got.contains { $0.path == "name" }, "\(got)")
        let rt = ServiceModel.ivsRealtime
        let comp = try XCTUnwrap(rt.operation(named: "StartComposition"))
        let p2 = try problems(rt, comp, #"{"stageArn": "a", "destinations": [{"channel": {"channelArn": 5}}]}"#)
        XCTAssertTrue(p2.contains { $0.path == "destinations[0].channel.channelArn" }, "\(p2)")
    }

    func testEnumsAndPatternsOnlyInStrictMode() throws {
        let model = ServiceModel.ivs
        let op = try XCTUnwrap(model.operation(named: "CreateChannel"))
        let text = #"{"latencyMode": "MEDIUM", "name": "has spaces!"}"#
        XCTAssertTrue(try problems(model, op, text).isEmpty)
        let strict = try problems(model, op, text, strict: true)
        XCTAssertTrue(strict.contains { $0.path == "latencyMode" && $0.problem.contains("valid values") }, "\(strict)")
        XCTAssertTrue(strict.contains { $0.path == "name" && $0.problem.contains("pattern") }, "\(strict)")
        XCTAssertTrue(try problems(model, op, #"{"latencyMode": "LOW", "name": "ok-name_1"}"#, strict: true).isEmpty)
    }

    func testSensitiveValuesNeverAppearInProblems() throws {
        // UserID and ChatTokenAttributes are sensitive in the ivschat model; StreamMetadata in ivs.
        let secret = "SECRET-VALUE-" + String(repeating: "x", count: 200)
        let chat = ServiceModel.ivschat
        let token = try XCTUnwrap(chat.operation(named: "CreateChatToken"))
        var got = try problems(chat, token, #"{"roomIdentifier": "r", "userId": "\#(secret)", "attributes": {"k": "\#(secret)"}}"#, strict: true)
        let ivs = ServiceModel.ivs
        let meta = try XCTUnwrap(ivs.operation(named: "PutMetadata"))
        got += try problems(ivs, meta, #"{"channelArn": "a", "metadata": "\#(secret)\#(secret)\#(secret)\#(secret)\#(secret)\#(secret)"}"#, strict: true)
        XCTAssertTrue(got.contains { $0.path == "userId" }, "\(got)")
        for p in got { XCTAssertFalse(p.problem.contains("SECRET-VALUE"), p.problem) }
    }

    func testNullMeansAbsent() throws {
        let model = ServiceModel.ivs
        let op = try XCTUnwrap(model.operation(named: "GetChannel"))
        XCTAssertEqual(try problems(model, op, #"{"arn": null}"#).map(\.path), ["arn"])
    }
}
