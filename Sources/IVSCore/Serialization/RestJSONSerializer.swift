#if canImport(Glibc)
import Glibc
#endif

/// One operation's request as restJson1 puts it on the wire, before signing.
public struct SerializedRequest {
    public var method: String
    /// The path with labels percent-encoded (A-Za-z0-9-._~ kept).
    public var path: String
    /// Query parameters, unencoded, in member order.
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// path?query as sent, with the query encoded.
    public var target: String {
        query.isEmpty ? path : path + "?" + query.map { URIEncoding.encode($0.0) + "=" + URIEncoding.encode($0.1) }
            .joined(separator: "&")
    }
}

/// restJson1 from the model: the HTTP method and URI template of the operation, members bound to
/// the URI, query string and headers, and a JSON body of the remaining members (as botocore's
/// RestJSONSerializer does, including "{}" for an empty body of an operation that has body members).
public struct RestJSONSerializer {
    let model: ServiceModel

    public init(model: ServiceModel) { self.model = model }

    public func serialize(_ op: Operation, input: JSONPointer) -> Result<SerializedRequest, IVSError> {
        var req = SerializedRequest(method: op.method, path: "", query: [], headers: [], body: [])
        guard op.input >= 0, op.input < model.shapes.count else {
            req.path = op.requestUri
            return .success(req)
        }
        let shape = model.shapes[op.input]
        var labels: [String: String] = [:]
        guard let body = JSON.object() else { return .failure(.internal("out of memory")) }
        defer { JSON.release(body) }
        var hasBodyMembers = false
        for m in shape.members {
            if m.location == .body { hasBodyMembers = true }
            var value = input[m.name]
            if value?.kind == .null { value = nil }
            if value == nil && m.idempotencyToken {
                let token = JSON.string(RandomID.uuid())
                input.set(m.name, token)
                value = token
            }
            guard let v = value else { continue }
            switch m.location {
            case .uri:
                labels[m.locationName] = scalarText(v, m.shape, queryTimestamp: true)
            case .querystring:
                if v.kind == .array {
                    for i in 0..<v.count {
                        if let e = v.element(i) {
                            req.query.append((m.locationName, scalarText(e, elementShape(m.shape), queryTimestamp: true)))
                        }
                    }
                } else {
                    req.query.append((m.locationName, scalarText(v, m.shape, queryTimestamp: true)))
                }
            case .header:
                req.headers.append((m.locationName, scalarText(v, m.shape, queryTimestamp: false)))
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

    private func elementShape(_ i: Int) -> Int {
        guard i >= 0, i < model.shapes.count else { return -1 }
        return model.shapes[i].element
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

    /// A scalar as text for the URI, query string or a header.
    private func scalarText(_ v: JSONPointer, _ shapeIndex: Int, queryTimestamp: Bool) -> String {
        let type = shapeIndex >= 0 && shapeIndex < model.shapes.count ? model.shapes[shapeIndex].type : .string
        switch v.kind {
        case .string:
            let s = v.stringValue ?? ""
            if type == .timestamp, let t = Clock.parseISO8601(s), let text = Clock.iso8601(t) { return text }
            return s
        case .integer, .real:
            if type == .timestamp, let d = v.numberValue, let text = Clock.iso8601(d) { return text }
            if let i = v.intValue { return String(i) }
            return v.numberValue.map { String($0) } ?? ""
        case .bool: return v.boolValue == true ? "true" : "false"
        default: return JSON.dump(v)
        }
    }

    /// A body value (owned). Timestamps become epoch seconds; containers are copied only where a
    /// timestamp inside them needs converting.
    func bodyValue(_ v: JSONPointer, _ shapeIndex: Int) -> JSONPointer? {
        guard shapeIndex >= 0, shapeIndex < model.shapes.count else { return JSON.retain(v) }
        let shape = model.shapes[shapeIndex]
        switch shape.type {
        case .timestamp:
            if v.kind == .string, let s = v.stringValue, let t = Clock.parseISO8601(s) {
                return t == t.rounded() ? JSON.integer(Int64(t)) : JSON.real(t)
            }
            return JSON.retain(v)
        case .structure where v.kind == .object:
            guard shapeContainsTimestamp(shapeIndex) else { return JSON.retain(v) }
            let o = JSON.object()
            v.forEachMember { name, value in
                if let m = shape.member(named: name) { o?.set(name, bodyValue(value, m.shape)) }
                else { o?.set(name, JSON.retain(value)) }
            }
            return o
        case .list where v.kind == .array:
            guard shapeContainsTimestamp(shapeIndex) else { return JSON.retain(v) }
            let a = JSON.array()
            for i in 0..<v.count { if let e = v.element(i) { a?.append(bodyValue(e, shape.element)) } }
            return a
        case .map where v.kind == .object:
            guard shapeContainsTimestamp(shapeIndex) else { return JSON.retain(v) }
            let o = JSON.object()
            v.forEachMember { k, value in o?.set(k, bodyValue(value, shape.element)) }
            return o
        default:
            return JSON.retain(v)
        }
    }

    private func shapeContainsTimestamp(_ i: Int) -> Bool { ShapeFacts.of(model).containsTimestamp(i) }
}
