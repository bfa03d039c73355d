// Fuzz target "input": ivs_call's input JSON, everything before a byte is sent.
//
// Input: byte 0 picks the operation (modulo the number of operations, model order: ivs, ivs-realtime, ivschat), the rest
// is input_json (up to a NUL, as a C string ends). It is parsed as the C ABI parses it (Marshal.swift),
// validated at every level (botocore, on, strict), shown as the trace log would show it (Redactor),
// then prepared with validation off (so anything reaches the serializer), signed and turned into
// curl's header lines. Nothing is sent.
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum InputTarget {
    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(data)
        let (model, op) = allOperations[Int(input.byte()) % allOperations.count]
        let parsed = withCString(input.rest) { jsonObject($0, "input_json", nullIsEmpty: true) }
        let object: JSONPointer
        switch parsed {
        case .success(let o): object = o
        case .failure(let e):
            invariant(e.kind == .invalidArgument, "unparsable input_json is \(e.kind) \(e.code)")
            checkErrorJSON(e, "input_json")
            return
        }
        defer { JSON.release(object) }

        for level in [Validator.Level.botocore, .on, .strict] {
            let problems = Validator(model: model, level: level).validate(object, shape: op.input)
            if !problems.isEmpty { checkErrorJSON(.validation(problems), "validation") }
        }
        let shown = Redactor.input(object, shape: op.input, model: model)
        if case .success(let v) = JSON.parse(shown) { JSON.release(v) }
        else { invariant(false, "the redacted input is not JSON: \(shown.prefix(300))") }

        RequestCheck.prepareAndSign(model, op, object)
    }
}
