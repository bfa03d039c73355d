/// What logs may show of a request: the input walked by its shape with every member the model marks
/// sensitive replaced by "***", and headers or a canonical request without credentials.
public enum Redactor {
    public static let mask = "***"
    /// Header names whose values are secrets (lowercase).
    static let secretHeaders: Set<String> = ["authorization", "x-amz-security-token", "x-amz-sso_bearer_token"]

    /// The input as compact JSON text with sensitive members masked. Members the model does not
    /// declare are masked too (nothing says they are safe). Nesting is bounded.
    public static func input(_ value: JSONPointer, shape: Int, model: ServiceModel) -> String {
        guard let copy = redacted(value, shape: shape, model: model, depth: 0) else { return "{}" }
        defer { JSON.release(copy) }
        return JSON.dump(copy)
    }

    static func redacted(_ v: JSONPointer, shape index: Int, model: ServiceModel, depth: Int) -> JSONPointer? {
        guard index >= 0, index < model.shapes.count, depth < 64 else { return JSON.string(mask) }
        let shape = model.shapes[index]
        if shape.sensitive { return JSON.string(mask) }
        switch (shape.type, v.kind) {
        case (.structure, .object):
            guard let out = JSON.object() else { return nil }
            v.forEachMember { k, mv in
                if let m = shape.members.first(where: { $0.name == k }) {
                    out.set(k, redacted(mv, shape: m.shape, model: model, depth: depth + 1))
                } else {
                    out.set(k, JSON.string(mask))
                }
            }
            return out
        case (.list, .array):
            guard let out = JSON.array() else { return nil }
            for i in 0..<v.count {
                if let e = v.element(i) { out.append(redacted(e, shape: shape.element, model: model, depth: depth + 1)) }
            }
            return out
        case (.map, .object):
            guard let out = JSON.object() else { return nil }
            let keySensitive = shape.key >= 0 && shape.key < model.shapes.count && model.shapes[shape.key].sensitive
            var n = 0
            v.forEachMember { k, mv in
                n += 1
                out.set(keySensitive ? "\(mask)\(n)" : k, redacted(mv, shape: shape.element, model: model, depth: depth + 1))
            }
            return out
        case (.structure, _), (.list, _), (.map, _), (_, .object), (_, .array):
            return JSON.string(mask) // wrong type for the shape: show nothing of it
        default:
            return JSON.retain(v)
        }
    }

    /// Headers as "name: value" lines with credential values masked.
    public static func headers(_ headers: [(String, String)]) -> String {
        headers.map { (k, v) in k + ": " + (secretHeaders.contains(k.lowercased()) ? mask : v) }.joined(separator: "\n")
    }

    /// A SigV4 canonical request with the session token's header value masked (the only secret it holds).
    public static func canonicalRequest(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            for h in secretHeaders where line.lowercased().hasPrefix(h + ":") { return h + ":" + mask }
            return String(line)
        }.joined(separator: "\n")
    }
}
