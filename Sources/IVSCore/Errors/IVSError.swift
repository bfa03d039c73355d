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
        /// A call in flight that ivs_cancel (or ivs_client_free) stopped.
        case cancelled
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
    /// The response's metadata when the service answered (an error response), as boto3 puts it
    /// beside the error.
    public var metadata: ResponseMetadata? = nil

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

    public static func invalidArgument(_ message: String, code: String = ErrorCode.invalidArgument) -> IVSError {
        IVSError(.invalidArgument, code: code, message)
    }

    public static func config(_ message: String, code: String = ErrorCode.invalidConfiguration) -> IVSError {
        IVSError(.config, code: code, message)
    }

    public static func credentials(_ message: String, code: String = ErrorCode.noCredentials) -> IVSError {
        IVSError(.credentials, code: code, message)
    }

    public static func `internal`(_ message: String) -> IVSError {
        IVSError(.internal, code: ErrorCode.internalError, message)
    }

    public static func validation(_ problems: [(path: String, problem: String)]) -> IVSError {
        let summary = problems.map { $0.path.isEmpty ? $0.problem : "\($0.path): \($0.problem)" }
        return IVSError(.validation, code: ErrorCode.paramValidation,
                        "Parameter validation failed:\n" + summary.joined(separator: "\n"),
                        fields: [("problems", .problems(problems))])
    }
}
