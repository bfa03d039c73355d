/// Checks an input JSON object against an operation's input shape before anything is sent, and reports
/// every problem at once, each with its path (`tags.myKey`, `destinations[0].s3`). Levels:
/// `botocore` checks what botocore's ParamValidator checks (members, required members, JSON types,
/// minimum lengths and values; maximums go to the service, which answers ValidationException); `on`
/// also checks maximums; `strict` also enums and patterns. Values of sensitive shapes never appear in
/// a problem.
public struct Validator {
    public typealias Problem = (path: String, problem: String)
    public enum Level: Sendable { case botocore, on, strict }

    let model: ServiceModel
    let level: Level
    var strict: Bool { level == .strict }

    public init(model: ServiceModel, level: Level) {
        self.model = model
        self.level = level
    }

    public func validate(_ input: JSONPointer, shape: Int) -> [Problem] {
        var problems: [Problem] = []
        check(input, shape, "", sensitive: false, &problems)
        return problems
    }

    private static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : path + "." + name
    }

    private static func typeName(_ v: JSONPointer) -> String {
        switch v.kind {
        case .object: return "object"
        case .array: return "array"
        case .string: return "string"
        case .integer: return "integer"
        case .real: return "number"
        case .bool: return "boolean"
        case .null: return "null"
        }
    }

    /// Checks v against the shape; `sensitive` is set below a shape the model marks sensitive, where
    /// no value and no map key may appear in a problem (a key of ChatTokenAttributes is as secret as
    /// its value): such keys show as `***1`, `***2` in the path, as the log redactor shows them.
    private func check(_ v: JSONPointer, _ shapeIndex: Int, _ path: String, sensitive inherited: Bool,
                       _ out: inout [Problem]) {
        guard shapeIndex >= 0, shapeIndex < model.shapes.count else { return }
        let shape = model.shapes[shapeIndex]
        let sensitive = inherited || shape.sensitive
        let at = path.isEmpty ? "input" : path
        func wrongType(_ expected: String) {
            out.append((at, "Invalid type: expected \(expected), got \(Self.typeName(v))"))
        }
        switch shape.type {
        case .structure:
            guard v.kind == .object else { return wrongType("object") }
            var present = 0
            var unknown = 0
            v.forEachMember { name, value in
                guard let m = shape.member(named: name) else {
                    unknown += 1
                    let valid = shape.members.map(\.name).joined(separator: ", ")
                    out.append((Self.join(path, sensitive ? "\(Redactor.mask)\(unknown)" : name),
                                "Unknown parameter" + (valid.isEmpty ? "" : ", must be one of: " + valid)))
                    return
                }
                if value.kind == .null { return } // null means absent, as None does in boto3
                present += 1
                check(value, m.shape, Self.join(path, name), sensitive: sensitive, &out)
            }
            for m in shape.members where m.required {
                let value = v[m.name]
                if value == nil || value?.kind == .null {
                    out.append((Self.join(path, m.name), "Missing required parameter"))
                }
            }
            if shape.isUnion && present != 1 {
                out.append((at, "Invalid number of parameters set for tagged union structure: "
                            + "exactly one of \(shape.members.map(\.name).joined(separator: ", ")) must be set"))
            }
        case .list:
            guard v.kind == .array else { return wrongType("array") }
            checkLength(v.count, shape, at, "length", &out)
            for i in 0..<v.count {
                if let e = v.element(i) { check(e, shape.element, path + "[\(i)]", sensitive: sensitive, &out) }
            }
        case .map:
            guard v.kind == .object else { return wrongType("object") }
            if level != .botocore { checkLength(v.count, shape, at, "length", &out) }
            let keyShape = shape.key >= 0 && shape.key < model.shapes.count ? model.shapes[shape.key] : nil
            let hideKeys = sensitive || keyShape?.sensitive == true
            var n = 0
            v.forEachMember { key, value in
                n += 1
                let p = Self.join(path, hideKeys ? "\(Redactor.mask)\(n)" : key)
                if let ks = keyShape {
                    checkLength(key.unicodeScalars.count, ks, p, "key length", &out)
                    checkStrict(key, ks, p, "key", sensitive: hideKeys, &out)
                }
                check(value, shape.element, p, sensitive: sensitive, &out)
            }
        case .string:
            guard v.kind == .string, let n = v.stringCodePoints else { return wrongType("string") }
            checkLength(n, shape, at, "length", &out)
            if strict, let s = v.stringValue { checkStrict(s, shape, at, "value", sensitive: sensitive, &out) }
        case .blob:
            guard v.kind == .string else { return wrongType("string") }
        case .integer, .long:
            guard v.kind == .integer, let i = v.intValue else { return wrongType("integer") }
            if shape.type == .integer && (i < Int64(Int32.min) || i > Int64(Int32.max)) {
                out.append((at, sensitive ? "Invalid value: out of range for a 32-bit integer"
                                          : "Invalid value \(i): out of range for a 32-bit integer"))
            }
            checkRange(Double(i), shape, at, sensitive: sensitive, &out)
        case .float, .double:
            guard let d = v.numberValue else { return wrongType("number") }
            checkRange(d, shape, at, sensitive: sensitive, &out)
        case .boolean:
            guard v.kind == .bool else { return wrongType("boolean") }
        case .timestamp:
            // Only instants that have an ISO 8601 form (years 1-9999) can be sent.
            switch v.kind {
            case .integer, .real:
                if let d = v.numberValue, !Clock.iso8601Range.contains(d) {
                    out.append((at, "Invalid timestamp: epoch seconds must fall within the years 1 to 9999"))
                }
            case .string:
                if let s = v.stringValue, !(Clock.parseISO8601(s).map { Clock.iso8601Range.contains($0) } ?? false) {
                    out.append((at, "Invalid timestamp: expected an ISO 8601 string (years 1 to 9999) or epoch seconds"))
                }
            default: wrongType("timestamp (ISO 8601 string or epoch seconds)")
            }
        }
    }

    private func checkLength(_ n: Int, _ shape: Shape, _ at: String, _ what: String, _ out: inout [Problem]) {
        if let min = shape.min, n < min { out.append((at, "Invalid \(what) \(n), valid min \(what): \(min)")) }
        if level != .botocore, let max = shape.max, n > max { out.append((at, "Invalid \(what) \(n), valid max \(what): \(max)")) }
    }

    private func checkRange(_ d: Double, _ shape: Shape, _ at: String, sensitive: Bool, _ out: inout [Problem]) {
        let shown = sensitive ? "" : " " + (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d))
        if let min = shape.min, d < Double(min) { out.append((at, "Invalid value\(shown), valid min value: \(min)")) }
        if level != .botocore, let max = shape.max, d > Double(max) { out.append((at, "Invalid value\(shown), valid max value: \(max)")) }
    }

    /// Enum and pattern checks, in strict mode only.
    private func checkStrict(_ s: String, _ shape: Shape, _ at: String, _ what: String, sensitive: Bool,
                             _ out: inout [Problem]) {
        guard strict else { return }
        if !shape.enumValues.isEmpty && !shape.enumValues.contains(s) {
            let shown = sensitive || shape.sensitive ? "" : " \"\(s)\""
            out.append((at, "Invalid \(what)\(shown), valid values: \(shape.enumValues.joined(separator: ", "))"))
        }
        if let p = shape.pattern, let matches = PatternCache.shared.matches(p, s), !matches {
            out.append((at, "Invalid \(what): does not match the pattern \(p)"))
        }
    }
}

/// Compiled model patterns, built on first use. Patterns Swift's Regex cannot compile are skipped
/// (the service checks them anyway).
final class PatternCache: @unchecked Sendable {
    static let shared = PatternCache()
    private let cache = Locked<[String: Regex<AnyRegexOutput>?]>([:])

    /// Whether the whole of s matches pattern (AWS services apply model patterns to the whole value:
    /// IVS refuses the channel name "a b" although "[a-zA-Z0-9-_]*" matches its empty prefix); nil if
    /// the pattern cannot be compiled.
    func matches(_ pattern: String, _ s: String) -> Bool? {
        let regex: Regex<AnyRegexOutput>? = cache.withValue { c in
            if let r = c[pattern] { return r }
            let r = try? Regex(pattern)
            c[pattern] = .some(r)
            return r
        }
        guard let regex else { return nil }
        return (try? regex.wholeMatch(in: s)) != nil
    }
}
