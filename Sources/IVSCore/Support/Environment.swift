#if canImport(Glibc)
import Glibc
#endif

/// Read access to the process environment (getenv), with an override table for tests and for
/// resolving configuration deterministically.
public struct Environment: Sendable {
    private let overrides: [String: String]?

    public static let process = Environment(overrides: nil)

    public init(overrides: [String: String]?) { self.overrides = overrides }

    public subscript(_ name: String) -> String? {
        if let o = overrides { return o[name] }
        guard let v = getenv(name) else { return nil }
        return String(cString: v)
    }

    /// The variable's value, or nil when it is unset or empty (as the AWS SDKs treat empty variables).
    public func nonEmpty(_ name: String) -> String? {
        guard let v = self[name], !v.isEmpty else { return nil }
        return v
    }
}
