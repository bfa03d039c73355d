/// Everything that can go wrong in a call, as a value with a stable kind and code. The C ABI maps it
/// once to a status and the fixed error JSON shape.
public struct IVSError: Error, Sendable {
    public enum Kind: String, Sendable {
        case invalidArgument = "invalid_argument"
        case validation
        case config
        case credentials
        case network
        case service
        case `internal`

        /// The ivs_status value of this kind.
        public var status: Int32 {
            switch self {
            case .invalidArgument: return 1
            case .validation: return 2
            case .config: return 3
            case .credentials: return 4
            case .network: return 5
            case .service: return 6
            case .internal: return 7
            }
        }
    }

    public var kind: Kind
    public var code: String
    public var message: String
    public var httpStatus: Int?
    public var requestId: String?
    public var retryable: Bool
    public var attempts: Int
    /// Extra members, as compact JSON text per key (e.g. the service error's exceptionMessage).
    public var fields: [(String, FieldValue)]

    public enum FieldValue: Sendable {
        case string(String)
        case json(String)
        case problems([(path: String, problem: String)])
    }

    public init(_ kind: Kind, code: String, _ message: String, httpStatus: Int? = nil, requestId: String? = nil,
                retryable: Bool = false, attempts: Int = 0, fields: [(String, FieldValue)] = []) {
        self.kind = kind
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestId = requestId
        self.retryable = retryable
        self.attempts = attempts
        self.fields = fields
    }

    public static func invalidArgument(_ message: String, code: String = "InvalidArgument") -> IVSError {
        IVSError(.invalidArgument, code: code, message)
    }

    public static func config(_ message: String, code: String = "InvalidConfiguration") -> IVSError {
        IVSError(.config, code: code, message)
    }

    public static func credentials(_ message: String, code: String = "NoCredentialsError") -> IVSError {
        IVSError(.credentials, code: code, message)
    }

    public static func `internal`(_ message: String) -> IVSError {
        IVSError(.internal, code: "InternalError", message)
    }

    public static func validation(_ problems: [(path: String, problem: String)]) -> IVSError {
        let summary = problems.map { $0.path.isEmpty ? $0.problem : "\($0.path): \($0.problem)" }
        return IVSError(.validation, code: "ParamValidationError",
                        "Parameter validation failed:\n" + summary.joined(separator: "\n"),
                        fields: [("problems", .problems(problems))])
    }

    /// The fixed error JSON object (owned).
    public func toJSON() -> JSONPointer? {
        guard let e = JSON.object(), let root = JSON.object() else { return nil }
        e.set("kind", JSON.string(kind.rawValue))
        e.set("code", JSON.string(code))
        e.set("message", JSON.string(message))
        e.set("httpStatus", httpStatus.map { JSON.integer(Int64($0)) } ?? JSON.null())
        e.set("requestId", requestId.map { JSON.string($0) } ?? JSON.null())
        e.set("retryable", JSON.bool(retryable))
        e.set("attempts", JSON.integer(Int64(attempts)))
        let f = JSON.object()
        for (k, v) in fields {
            switch v {
            case .string(let s): f?.set(k, JSON.string(s))
            case .json(let text):
                if case .success(let p) = JSON.parse(text) { f?.set(k, p) }
            case .problems(let ps):
                let arr = JSON.array()
                for p in ps {
                    let o = JSON.object()
                    o?.set("path", JSON.string(p.path))
                    o?.set("problem", JSON.string(p.problem))
                    arr?.append(o)
                }
                f?.set(k, arr)
            }
        }
        e.set("fields", f)
        root.set("error", e)
        return root
    }

    /// The error JSON as a malloc'd C string for the ABI.
    public func toCString() -> UnsafeMutablePointer<CChar>? {
        guard let j = toJSON() else { return nil }
        defer { JSON.release(j) }
        return JSON.dumpC(j)
    }
}
