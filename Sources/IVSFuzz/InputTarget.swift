// Fuzz target "input": ivs_call's input JSON, everything before a byte is sent.
//
// Input: byte 0 picks the operation (modulo 96, model order: ivs, ivs-realtime, ivschat), the rest
// is input_json (up to a NUL, as a C string ends). It is parsed as ivs_call parses it, validated
// (validation "on" and "strict"), shown as the trace log would show it (Redactor), serialized as
// with validation "off" (anything reaches the serializer then), signed and turned into curl's
// header lines. Nothing is sent.
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum InputTarget {
    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(data)
        let (model, op) = allOperations[Int(input.byte()) % allOperations.count]
        let parsed = withCString(input.rest) { Client.parseInput($0) }
        let object: JSONPointer
        switch parsed {
        case .success(let o): object = o
        case .failure(let e):
            invariant(e.kind == .invalidArgument, "unparsable input_json is \(e.kind) \(e.code)")
            checkErrorJSON(e, "input_json")
            return
        }
        defer { JSON.release(object) }

        for strict in [false, true] {
            let problems = Validator(model: model, strict: strict).validate(object, shape: op.input)
            if !problems.isEmpty { checkErrorJSON(.validation(problems), "validation") }
        }
        let shown = Redactor.input(object, shape: op.input, model: model)
        if case .success(let v) = JSON.parse(shown) { JSON.release(v) }
        else { invariant(false, "the redacted input is not JSON: \(shown.prefix(300))") }

        switch RestJSONSerializer(model: model).serialize(op, input: object) {
        case .success(let request): RequestCheck.sign(model, request)
        case .failure(let e): checkErrorJSON(e, "serialize")
        }
    }
}
