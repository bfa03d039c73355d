import Foundation
import XCTest
@testable import IVSCore

/// For every operation of the three services, libivs's restJson1 request equals botocore's for the
/// same input (Fixtures/serializer.json): method, path with encoded labels, query, JSON body.
final class SerializerTests: XCTestCase {
    func testEveryOperationMatchesBotocore() throws {
        let vectors = try Fixtures.load("serializer")
        var seen = Set<String>()
        for v in vectors {
            let service = v["service"] as! String, opName = v["operation"] as! String, kind = v["case"] as! String
            let label = "\(service).\(opName) (\(kind))"
            let model = try XCTUnwrap(ServiceModel.named(service))
            let op = try XCTUnwrap(model.operation(named: opName), label)
            let input = try Fixtures.parse(try Fixtures.text(v["input"]!))
            defer { JSON.release(input) }
            let problems = Validator(model: model, level: .on).validate(input, shape: op.input)
            XCTAssertTrue(problems.isEmpty, "\(label): \(problems)")
            let req = try RestJSONSerializer(model: model).serialize(op, input: input).get()
            XCTAssertEqual(req.method, v["method"] as? String, label)
            XCTAssertEqual(req.path, v["path"] as? String, label)
            let want = (v["query"] as! [[String]]).map { $0[0] + "=" + $0[1] }.sorted()
            XCTAssertEqual(req.query.map { $0.0 + "=" + $0.1 }.sorted(), want, label)
            if v["bodyEmpty"] as! Bool {
                XCTAssertTrue(req.body.isEmpty, label)
                XCTAssertNil(req.headers.first { $0.0 == "Content-Type" }, label)
            } else {
                var ours = try XCTUnwrap(Fixtures.object(req.body) as? [String: Any], label)
                // botocore fills idempotency tokens in a handler before its serializer runs; libivs fills
                // them while serializing, so an input without one gets a fresh UUID here.
                for m in model.shapes[op.input].members where m.idempotencyToken && (v["input"] as! [String: Any])[m.name] == nil {
                    XCTAssertNotNil(UUID(uuidString: ours[m.name] as? String ?? ""), label)
                    ours[m.name] = nil
                }
                XCTAssertEqual(ours as NSDictionary, v["body"] as? NSDictionary, label)
                XCTAssertEqual(req.headers.first { $0.0 == "Content-Type" }?.1, v["contentType"] as? String, label)
            }
            seen.insert("\(service).\(opName)")
        }
        XCTAssertEqual(seen.count, ServiceModel.all.reduce(0) { $0 + $1.operations.count }, "every operation has a vector")
    }

    func testIdempotencyTokenIsFilledWhenAbsent() throws {
        let model = ServiceModel.ivsRealtime
        let op = try XCTUnwrap(model.operation(named: "StartComposition"))
        let input = try Fixtures.parse(#"{"stageArn":"arn:aws:ivs:us-west-2:123456789012:stage/abcdABCD1234","destinations":[]}"#)
        defer { JSON.release(input) }
        let req = try RestJSONSerializer(model: model).serialize(op, input: input).get()
        let body = try XCTUnwrap(Fixtures.object(req.body) as? [String: Any])
        let token = try XCTUnwrap(body["idempotencyToken"] as? String)
        XCTAssertNotNil(UUID(uuidString: token), token)
        let again = try RestJSONSerializer(model: model).serialize(op, input: try Fixtures.parse(#"{"stageArn":"a","destinations":[]}"#)).get()
        XCTAssertNotEqual((try Fixtures.object(again.body) as? [String: Any])?["idempotencyToken"] as? String, token)
    }

    /// Timestamps in a request body take their shape's timestampFormat as botocore writes it (the IVS
    /// models give iso8601); the input may be ISO 8601 with any offset or epoch seconds.
    func testTimestampInputsAcceptISO8601AndEpochSeconds() throws {
        let model = ServiceModel.ivsRealtime
        let s = RestJSONSerializer(model: model)
        let tsShape = try XCTUnwrap(model.shapes.firstIndex { $0.type == .timestamp })
        XCTAssertEqual(model.shapes[tsShape].timestampFormat, .iso8601)
        let iso = try Fixtures.parse(#""2026-11-21T09:30:00Z""#), epoch = try Fixtures.parse("1795253400"),
            frac = try Fixtures.parse(#""2026-11-21T10:30:00.250+01:00""#)
        defer { [iso, epoch, frac].forEach(JSON.release) }
        for (v, want) in [(iso, "2026-11-21T09:30:00Z"), (epoch, "2026-11-21T09:30:00Z"), (frac, "2026-11-21T09:30:00.250000Z")] {
            let out = try XCTUnwrap(s.bodyValue(v, tsShape))
            XCTAssertEqual(out.stringValue, want)
            JSON.release(out)
        }
        XCTAssertEqual(RestJSONSerializer.timestampText(1795253400.75, .unixTimestamp), "1795253400")
        XCTAssertEqual(RestJSONSerializer.timestampText(1795253400, .rfc822), "Sat, 21 Nov 2026 09:30:00 GMT")
    }
}
