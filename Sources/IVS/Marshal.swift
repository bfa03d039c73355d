// Marshalling between the C ABI and IVSCore: NULL checks, C strings in, JSON arguments parsed, results
// and errors out as status + text. Every entry point sets each out-pointer it is given.
import IVSCore
#if canImport(Glibc)
import Glibc
#endif

public typealias CStringOut = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

let invalidArgumentStatus = IVSError.Kind.invalidArgument.status

/// Hands an error to the caller: the error JSON into *out (when out is given) and the status back.
func fail(_ e: IVSError, _ out: CStringOut?) -> Int32 {
    out?.pointee = e.text()?.pointer
    return e.status
}

/// Hands text to the caller (ownership passes with it).
func deliver(_ r: Result<OutputText, IVSError>, _ out: CStringOut) -> Int32 {
    switch r {
    case .failure(let e): return fail(e, out)
    case .success(let text):
        out.pointee = text.pointer
        return 0
    }
}

/// Hands a result object to the caller as text, releasing it.
func deliver(_ r: Result<JSONPointer, IVSError>, _ out: CStringOut) -> Int32 {
    deliver(r.flatMap { j in
        defer { JSON.release(j) }
        return OutputText.dump(j).map { .success($0) } ?? .failure(.internal("out of memory"))
    }, out)
}

/// A C string argument that must not be NULL.
func required(_ p: UnsafePointer<CChar>?, _ name: String) -> Result<UnsafePointer<CChar>, IVSError> {
    p.map { .success($0) } ?? .failure(.invalidArgument("\(name) must not be NULL"))
}

/// A JSON object argument (owned result). NULL is an empty object when nullIsEmpty, else an error.
/// Malformed JSON and other values are IVS_E_INVALID_ARGUMENT naming the argument; the message
/// never quotes the text (it may hold secrets).
func jsonObject(_ text: UnsafePointer<CChar>?, _ name: String, nullIsEmpty: Bool,
                code: String = ErrorCode.malformedInput) -> Result<JSONPointer, IVSError> {
    guard let text else {
        guard nullIsEmpty else { return .failure(.invalidArgument("\(name) must not be NULL")) }
        return JSON.object().map { .success($0) } ?? .failure(.internal("out of memory"))
    }
    switch JSON.parse(text) {
    case .failure(let e):
        return .failure(.invalidArgument("\(name) is not valid JSON: \(e.message) (line \(e.line), column \(e.column))",
                                         code: code))
    case .success(let p):
        guard p.kind == .object else {
            JSON.release(p)
            return .failure(.invalidArgument("\(name) must be a JSON object", code: code))
        }
        return .success(p)
    }
}

/// Runs body with a parsed JSON object argument, releasing it afterwards.
func withJSONObject<T>(_ text: UnsafePointer<CChar>?, _ name: String, nullIsEmpty: Bool,
                       _ body: (JSONPointer) -> Result<T, IVSError>) -> Result<T, IVSError> {
    jsonObject(text, name, nullIsEmpty: nullIsEmpty).flatMap { j in
        defer { JSON.release(j) }
        return body(j)
    }
}

/// The Client behind an ivs_client handle.
func client(from p: OpaquePointer?) -> Result<Client, IVSError> {
    guard let p else { return .failure(.invalidArgument("client must not be NULL")) }
    return .success(Unmanaged<Client>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue())
}
