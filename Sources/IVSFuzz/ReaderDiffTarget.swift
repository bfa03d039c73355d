// The differential fuzz target "reader-diff" (issue 16): the proof that ivs_call with the readers
// gives exactly what the jansson path gives. Its response half (here): ResponseParser.outputText,
// which asks JSONReader first, against ResponseParser.outputTextByTree (today's path, the reference),
// for every response body. Its request half: RequestDiff (ReaderDiffRequests.swift); the bodies and
// inputs: BodyGenerator (ReaderDiffBodies.swift). The counts of ReaderDiffStats are printed at exit.
//
// Input: byte 0 picks the operation (modulo their count, 103, in model order: ivs, ivs-realtime, ivschat); byte 1
// picks what is made and how: bit 7 a request (RequestDiff) rather than a response; bits 0-1: 0 a
// valid body, 1 and 2 a body with faults, rarely and often, 3 the rest of the input as the body
// itself; bits 2-6: headers, status and attempts (the validation level for a request); the rest
// drives BodyGenerator, which writes a body for the operation's output (or input) shape.
//
// Both paths get the same response; they must both give output, byte for byte the same, or both
// fail with the same error (kind, code, message, HTTP status, request id). Anything else stops the
// run with both results printed: libFuzzer saves the input as the reproducer.
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum ResponseDiff {
    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(data)
        let (model, op) = allOperations[Int(input.byte()) % allOperations.count]
        let how = input.byte()
        if how & 0x80 != 0 { return RequestDiff.run(model, op, &input, how & 0x7F) }
        let body: [UInt8]
        switch how & 3 {
        case 3:
            body = Array(input.rest)
        default:
            var g = BodyGenerator(model: model, decisions: input, faults: how & 3 == 0 ? 0 : (how & 3 == 1 ? 24 : 6))
            g.value(op.output, depth: 0)
            g.mutate()
            body = g.out
        }
        var response = HTTPResponse(status: how & 16 != 0 ? 201 : 200, headerCapacity: 256)
        headers(how, &input, &response)
        response.body = body
        let metadata = ResponseMetadata(response, attempts: 1 + Int((how >> 5) & 3))
        compare(model, op, response, metadata)
    }

    /// The response's headers, as the transport receives them (ResponseCollector's path): usually
    /// what AWS sends; with bit 2 of `how`, headers from the input: names repeated or differing in
    /// case, the request id in either header or none, values that are empty, need escaping or are not
    /// UTF-8 (ResponseMetadata writes them all).
    static func headers(_ how: UInt8, _ input: inout FuzzInput, _ r: inout HTTPResponse) {
        func add(_ name: [UInt8], _ value: [UInt8]) {
            let line = name + Array(": ".utf8) + value + [13, 10]
            _ = line.withUnsafeBytes { r.receiveHeaderLine($0) }
        }
        add(Array("x-amzn-RequestId".utf8), Array("4f3c0b7a-0a5e-4a4b-9a55-0123456789ab".utf8))
        add(Array("Content-Type".utf8), Array("application/json".utf8))
        if how & 8 != 0 { add(Array("Access-Control-Allow-Origin".utf8), Array("*".utf8)) }
        guard how & 4 != 0 else { return }
        let names = ["x-amzn-RequestId", "X-Amzn-RequestId", "x-amz-request-id", "Date", "Set-Cookie", "x-a", "X-A"]
        let values: [[UInt8]] = [[], Array("v".utf8), Array("a \"quoted\" \\ value".utf8), [0xC3, 0xA9], [0xFF, 0x41],
                                 [0x09, 0x41, 0x01, 0x42], Array("12345678901234567".utf8), [0xE2, 0x82]]
        r.removeHeaders()
        for _ in 0..<input.below(6) {
            add(Array(names[input.below(names.count)].utf8), values[input.below(values.count)])
        }
    }

    static func compare(_ model: ServiceModel, _ op: IVSCore.Operation, _ response: HTTPResponse,
                        _ metadata: ResponseMetadata) {
        let parser = ResponseParser(model: model)
        let verdict: JSONReader.Verdict = op.output < 0 ? .fallback(.noOutputShape, at: 0)
            : response.body.withUnsafeBufferPointer { JSONReader.scan($0, shape: op.output, in: ReaderShapes.of(model)) }
        ReaderDiffStats.count(verdict)
        let reader = parser.outputText(op, response, metadata: metadata)
        let jansson = parser.outputTextByTree(op, response, metadata: metadata)
        defer {
            if case .success(let t) = reader { t.free() }
            if case .success(let t) = jansson { t.free() }
        }
        switch (reader, jansson) {
        case (.success(let a), .success(let b)):
            ReaderDiffStats.outputs += 1
            if strcmp(a.pointer, b.pointer) != 0 {
                differ(model, op, response, verdict, "outputs differ", "reader path: \(a.string)\njansson path: \(b.string)")
            }
        case (.failure(let a), .failure(let b)):
            ReaderDiffStats.errors += 1
            if a.kind != b.kind || a.code != b.code || a.message != b.message || a.httpStatus != b.httpStatus
                || a.requestId != b.requestId {
                differ(model, op, response, verdict, "errors differ",
                       "reader path: \(a.kind) \(a.code) \(a.message)\njansson path: \(b.kind) \(b.code) \(b.message)")
            }
        case (.success(let a), .failure(let b)):
            differ(model, op, response, verdict, "the reader path gave output where the jansson path failed",
                   "reader path: \(a.string)\njansson path: \(b.kind) \(b.code) \(b.message)")
        case (.failure(let a), .success(let b)):
            differ(model, op, response, verdict, "the reader path failed where the jansson path gave output",
                   "reader path: \(a.kind) \(a.code) \(a.message)\njansson path: \(b.string)")
        }
    }

    static func differ(_ model: ServiceModel, _ op: IVSCore.Operation, _ response: HTTPResponse,
                       _ verdict: JSONReader.Verdict, _ what: String, _ detail: String) {
        let body = String(decoding: response.body.prefix(2000), as: UTF8.self)
        fputs("libivs reader-diff (response): \(what) for \(model.name).\(op.name) (reader: \(verdict))\n"
              + "body (\(response.body.count) bytes): \(body.debugDescription)\n\(detail)\n", stderr)
        abort()
    }
}

/// How the bodies went: printed when the process ends, so a run shows it reached both sides (bodies
/// passed through, and every reason to fall back).
enum ReaderDiffStats {
    nonisolated(unsafe) static var bodies = 0
    nonisolated(unsafe) static var passed = 0
    nonisolated(unsafe) static var outputs = 0
    nonisolated(unsafe) static var errors = 0
    nonisolated(unsafe) static var reasons: [String: Int] = [:]
    nonisolated(unsafe) static var requests = 0
    nonisolated(unsafe) static var requestsWritten = 0

    static func countRequest(_ written: Bool) {
        requests += 1
        if written { requestsWritten += 1 }
    }

    static func count(_ v: JSONReader.Verdict) {
        bodies += 1
        switch v {
        case .passThrough: passed += 1
        case .fallback(let r, _): reasons["\(r)", default: 0] += 1
        }
    }

    static func print() {
        var text = "reader-diff: \(bodies) response bodies: \(passed) passed through by the reader, \(bodies - passed) to "
            + "the jansson path; \(outputs) gave output and \(errors) an error on both paths alike\n  fallbacks:"
        for (r, n) in reasons.sorted(by: { $0.value > $1.value }) { text += " \(r) \(n)," }
        text = String(text.dropLast()) + "\nreader-diff: \(requests) request inputs: \(requestsWritten) written by the "
            + "reader and equal to the jansson path's request, \(requests - requestsWritten) left to the jansson path\n"
        fputs(text, stderr)
    }
}
