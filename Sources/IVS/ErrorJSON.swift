// How an IVSError reaches C: its ivs_status and the fixed error JSON of include/ivs.h.
import IVSCore

extension IVSError.Kind {
    /// The ivs_status value of this kind (fixed values, include/ivs.h).
    var status: Int32 {
        switch self {
        case .invalidArgument: return 1
        case .validation: return 2
        case .config: return 3
        case .credentials: return 4
        case .network: return 5
        case .service: return 6
        case .internal: return 7
        case .cancelled: return 8
        }
    }
}

extension IVSError {
    var status: Int32 { kind.status }

    /// {"error": {"kind", "code", "message", "httpStatus", "requestId", "retryable", "attempts",
    /// "fields"}} (owned). No string in it holds U+0000 (shown as \x00): JSON allows it, but C
    /// callers' readers refuse it (jansson without JSON_ALLOW_NUL), and the error would be unreadable.
    func json() -> JSONPointer? {
        guard let e = JSON.object(), let root = JSON.object() else { return nil }
        func string(_ s: String) -> JSONPointer? { JSON.string(Text.withoutNUL(s)) }
        e.set("kind", JSON.string(kind.rawValue))
        e.set("code", string(code))
        e.set("message", string(message))
        e.set("httpStatus", httpStatus.map { JSON.integer(Int64($0)) } ?? JSON.null())
        e.set("requestId", requestId.map { string($0) } ?? JSON.null())
        e.set("retryable", JSON.bool(retryable))
        e.set("attempts", JSON.integer(Int64(attempts)))
        let f = JSON.object()
        for (k, v) in fields {
            switch v {
            case .string(let s): f?.set(k, string(s))
            case .json(let text):
                if case .success(let p) = JSON.parse(text) { f?.set(k, p) }
            case .problems(let ps):
                let arr = JSON.array()
                for p in ps {
                    let o = JSON.object()
                    o?.set("path", string(p.path))
                    o?.set("problem", string(p.problem))
                    arr?.append(o)
                }
                f?.set(k, arr)
            }
        }
        e.set("fields", f)
        root.set("error", e)
        if let m = metadata { root.set("ResponseMetadata", m.tree()) }
        return root
    }

    /// The error JSON as text for the caller (nil only when out of memory).
    func text() -> OutputText? {
        guard let j = json() else { return nil }
        defer { JSON.release(j) }
        return OutputText.dump(j)
    }
}
