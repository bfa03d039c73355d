#if canImport(Glibc)
import Glibc
#endif
import CJansson

/// restJson1 from the model: the HTTP method and URI template of the operation, members bound to
/// the URI, query string and headers, and a JSON body of the remaining members (as botocore's
/// RestJSONSerializer does, including "{}" for an empty body of an operation that has body members).
public struct RestJSONSerializer {
    let model: ServiceModel

    public init(model: ServiceModel) { self.model = model }

    public func serialize(_ op: Operation, input: JSONPointer) -> Result<SerializedRequest, IVSError> {
        var req = SerializedRequest(method: op.method, path: "", query: [], headers: [], body: [])
        guard let shape = model.shape(at: op.input) else {
            req.path = op.requestUri
            return .success(req)
        }
        var labels: [String: String] = [:]
        guard let body = JSON.object() else { return .failure(.internal("out of memory")) }
        defer { JSON.release(body) }
        var hasBodyMembers = false
        for m in shape.members {
            if m.location == .body { hasBodyMembers = true }
            var value = json_object_get(input, m.cString)
            if value?.kind == .null { value = nil }
            if value == nil && m.idempotencyToken {
                let token = JSON.string(RandomID.uuid())
                input.set(m.name, token)
                value = token
            }
            guard let v = value else { continue }
            switch m.location {
            case .uri:
                labels[m.locationName] = scalarText(v, m.shape, defaultFormat: .iso8601)
            case .querystring:
                if v.kind == .array {
                    let element = model.shape(at: m.shape)?.element ?? -1
                    for i in 0..<v.count {
                        if let e = v.element(i) { req.query.append((m.locationName, scalarText(e, element, defaultFormat: .iso8601))) }
                    }
                } else {
                    req.query.append((m.locationName, scalarText(v, m.shape, defaultFormat: .iso8601)))
                }
            case .header:
                req.headers.append((m.locationName, scalarText(v, m.shape, defaultFormat: .rfc822)))
            case .body:
                body.set(m.name, bodyValue(v, m.shape))
            }
        }
        // Members the model does not know (validation off) travel in the body, unchanged.
        input.forEachMember { name, v in
            if shape.member(named: name) == nil { body.set(name, JSON.retain(v)) }
        }
        switch renderURI(op.requestUri, labels) {
        case .success(let p): req.path = p
        case .failure(let e): return .failure(e)
        }
        if body.count > 0 || hasBodyMembers {
            guard let text = JSON.dumpC(body) else { return .failure(.internal("out of memory")) }
            defer { free(text) }
            req.body = Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
            req.headers.append(("Content-Type", "application/json"))
        }
        return .success(req)
    }

    /// Expands {label} and {label+} (greedy: '/' kept) with percent-encoded values.
    func renderURI(_ template: String, _ labels: [String: String]) -> Result<String, IVSError> {
        if labels.isEmpty && !template.utf8.contains(123) { return .success(template) } // no labels: "/GetChannel"
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            var name = String(rest[rest.index(after: open)..<close])
            let greedy = name.hasSuffix("+")
            if greedy { name.removeLast() }
            guard let v = labels[name], !v.isEmpty else {
                return .failure(.validation([(name, "Missing required parameter (URI label)")]))
            }
            out += URIEncoding.encode(v, keepSlash: greedy)
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return .success(out)
    }

    /// A timestamp as botocore serializes one in a request, in the shape's timestampFormat (else the
    /// location's default): ISO 8601 with six fraction digits when there is a fraction, an HTTP date,
    /// or whole epoch seconds. nil outside the years 1-9999 (validation refuses those).
    static func timestampText(_ seconds: Double, _ format: TimestampFormat) -> String? {
        switch format {
        case .iso8601: return Clock.iso8601(seconds, fractionDigits: 6)
        case .rfc822: return Clock.httpDate(seconds)
        case .unixTimestamp:
            guard Clock.iso8601Range.contains(seconds) else { return nil }
            return String(Int64(seconds.rounded(.down)))
        }
    }

    /// A scalar as text for the URI, query string or a header.
    private func scalarText(_ v: JSONPointer, _ shapeIndex: Int, defaultFormat: TimestampFormat) -> String {
        let shape = model.shape(at: shapeIndex)
        let timestamp = shape?.type == .timestamp
        let format = shape?.timestampFormat ?? defaultFormat
        switch v.kind {
        case .string:
            let s = v.stringValue ?? ""
            if timestamp, let t = Clock.parseISO8601(s), let text = Self.timestampText(t, format) { return text }
            return s
        case .integer, .real:
            if timestamp, let d = v.numberValue, let text = Self.timestampText(d, format) { return text }
            if let i = v.intValue { return String(i) }
            return v.numberValue.map { String($0) } ?? ""
        case .bool: return v.boolValue == true ? "true" : "false"
        default: return JSON.dump(v)
        }
    }

    /// A body value (owned). Timestamps take their shape's timestampFormat (epoch seconds by default,
    /// restJson1's rule); containers are copied only where a timestamp inside them needs converting.
    func bodyValue(_ v: JSONPointer, _ shapeIndex: Int) -> JSONPointer? {
        guard let shape = model.shape(at: shapeIndex) else { return JSON.retain(v) }
        switch shape.type {
        case .timestamp:
            let seconds = v.kind == .string ? v.stringValue.flatMap(Clock.parseISO8601) : v.numberValue
            guard let t = seconds, Clock.iso8601Range.contains(t) else { return JSON.retain(v) }
            let format = shape.timestampFormat ?? .unixTimestamp
            if format == .unixTimestamp { return JSON.integer(Int64(t.rounded(.down))) }
            return Self.timestampText(t, format).flatMap(JSON.string) ?? JSON.retain(v)
        case .structure where v.kind == .object:
            guard shape.containsTimestamp else { return JSON.retain(v) }
            let o = JSON.object()
            v.forEachMember { name, value in
                if let m = shape.member(named: name) { o?.set(name, bodyValue(value, m.shape)) }
                else { o?.set(name, JSON.retain(value)) }
            }
            return o
        case .list where v.kind == .array:
            guard shape.containsTimestamp else { return JSON.retain(v) }
            let a = JSON.array()
            for i in 0..<v.count { if let e = v.element(i) { a?.append(bodyValue(e, shape.element)) } }
            return a
        case .map where v.kind == .object:
            guard shape.containsTimestamp else { return JSON.retain(v) }
            let o = JSON.object()
            v.forEachMember { k, value in o?.set(k, bodyValue(value, shape.element)) }
            return o
        default:
            return JSON.retain(v)
        }
    }
}
