#if canImport(Glibc)
import Glibc
#endif
import CJansson

/// Turns a restJson1 HTTP response into the contract's output (as JSON text or as a tree) or a service
/// error. For ivs_call's text, JSONReader first reads the body against the output shape: where the
/// body already is the output (valid, nothing to convert, drop or add) its own bytes are passed
/// through without a parse. Everything else goes the jansson path: parse, then pass through or build
/// the output tree and dump it.
public struct ResponseParser {
    let model: ServiceModel

    public init(model: ServiceModel) { self.model = model }

    // MARK: Output

    /// The output object (owned): the output shape's members as the model names them, timestamps as
    /// ISO 8601, header-bound members from the response headers. ResponseMetadata is the caller's.
    public func parseOutput(_ op: Operation, _ response: HTTPResponse, parsed: JSONPointer? = nil) -> Result<JSONPointer, IVSError> {
        guard let out = JSON.object() else { return .failure(.internal("out of memory")) }
        guard let shape = model.shape(at: op.output) else { return .success(out) }
        let body: JSONPointer?
        if let parsed { body = JSON.retain(parsed) } else {
            switch parseBody(response) {
            case .success(let b): body = b
            case .failure(let e):
                JSON.release(out)
                return .failure(e)
            }
        }
        defer { JSON.release(body) }
        do throws(InvalidValue) {
            for m in shape.members {
                switch m.location {
                case .header:
                    if let v = response.header(m.locationName.lowercased()) { out.set(m.name, JSON.string(v)) }
                case .body:
                    if let b = body, b.kind == .object, let v = json_object_get(b, m.cString), v.kind != .null {
                        out.set(m.name, try outputValue(v, m.shape, path: m.name, depth: 0))
                    }
                default: break
                }
            }
        } catch {
            JSON.release(out)
            return .failure(IVSError(.service, code: ErrorCode.invalidResponse,
                                     "the service's response has an invalid value at \(error.path): \(error.problem)",
                                     httpStatus: response.status, requestId: Self.requestId(response)))
        }
        return .success(out)
    }

    /// The output as JSON text with the metadata member spliced in before the closing brace. When
    /// JSONReader finds the body already is the output, the service's own bytes are passed through
    /// unparsed; otherwise the jansson path (outputTextByTree) decides, and its output or error is the
    /// call's. The two give the same bytes for every body (the differential fuzzer's check).
    public func outputText(_ op: Operation, _ response: HTTPResponse, metadata: ResponseMetadata) -> Result<OutputText, IVSError> {
        if op.output >= 0 {
            let verdict = response.body.withUnsafeBufferPointer {
                JSONReader.scan($0, shape: op.output, in: ReaderShapes.of(model))
            }
            if case .passThrough(let close, let empty) = verdict {
                return response.body.withUnsafeBufferPointer { bytes in
                    var end = min(close, bytes.count)
                    while end > 0, Self.isSpace(bytes[end - 1]) { end -= 1 }
                    let prefix = empty ? Self.openBrace : UnsafeBufferPointer(rebasing: bytes[0..<end])
                    if let n = metadata.plainMemberLength() { // the metadata written in place: one buffer, one copy
                        let total = prefix.count + (empty ? 0 : 1) + n + 1
                        guard let p = malloc(total + 1)?.assumingMemoryBound(to: UInt8.self) else {
                            return .failure(.internal("out of memory"))
                        }
                        if let base = prefix.baseAddress { memcpy(p, base, prefix.count) }
                        var at = prefix.count
                        if !empty { p[at] = 44; at += 1 }
                        at += metadata.writePlainMember(p + at)
                        p[at] = 125
                        p[at + 1] = 0
                        return .success(OutputText(UnsafeMutableRawPointer(p).assumingMemoryBound(to: CChar.self)))
                    }
                    var member: [UInt8] = []
                    metadata.appendMember(to: &member)
                    return Self.joined(prefix, comma: !empty, member)
                }
            }
        }
        return outputTextByTree(op, response, metadata: metadata)
    }

    /// The jansson path of outputText, and the reference JSONReader is held to: the body parsed by
    /// jansson; passed through when the parsed body needs no conversion, otherwise the output tree
    /// built and dumped. Its errors (InvalidResponse, with jansson's message) are the call's.
    public func outputTextByTree(_ op: Operation, _ response: HTTPResponse, metadata: ResponseMetadata) -> Result<OutputText, IVSError> {
        var body: JSONPointer? = nil
        if op.output >= 0 {
            switch parseBody(response) {
            case .success(let b): body = b
            case .failure(let e): return .failure(e)
            }
        }
        defer { JSON.release(body) }
        var member: [UInt8] = []
        metadata.appendMember(to: &member)
        if let b = body, b.kind == .object, passesThrough(b, op.output) {
            // The parse proved the body is one object: its last non-space byte is the closing brace.
            return response.body.withUnsafeBufferPointer { bytes in
                var end = bytes.count
                while end > 0, bytes[end - 1] != 125 { end -= 1 }
                if end > 0 { end -= 1 }
                while end > 0, Self.isSpace(bytes[end - 1]) { end -= 1 }
                if b.count == 0 { return Self.joined(Self.openBrace, comma: false, member) }
                return Self.joined(UnsafeBufferPointer(rebasing: bytes[0..<end]), comma: true, member)
            }
        }
        let tree: JSONPointer
        switch parseOutput(op, response, parsed: body) {
        case .success(let t): tree = t
        case .failure(let e): return .failure(e)
        }
        defer { JSON.release(tree) }
        guard let text = JSON.dumpC(tree) else { return .failure(.internal("out of memory")) }
        defer { free(text) }
        let n = strlen(text)
        return text.withMemoryRebound(to: UInt8.self, capacity: n) { t in
            Self.joined(UnsafeBufferPointer(start: t, count: max(0, n - 1)), comma: tree.count > 0, member)
        }
    }

    private static let openBrace = UnsafeBufferPointer(start: ("{" as StaticString).utf8Start, count: 1)

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }

    /// prefix (an object's text without its closing brace), an optional comma, the metadata member and
    /// the closing brace, in one buffer.
    static func joined(_ prefix: UnsafeBufferPointer<UInt8>, comma: Bool, _ member: [UInt8]) -> Result<OutputText, IVSError> {
        let total = prefix.count + (comma ? 1 : 0) + member.count + 1
        guard let p = malloc(total + 1)?.assumingMemoryBound(to: UInt8.self) else { return .failure(.internal("out of memory")) }
        var at = 0
        if let base = prefix.baseAddress { memcpy(p, base, prefix.count) }
        at += prefix.count
        if comma { p[at] = 44; at += 1 }
        member.withUnsafeBufferPointer { m in
            if let base = m.baseAddress { memcpy(p + at, base, m.count) }
        }
        at += member.count
        p[at] = 125
        p[at + 1] = 0
        return .success(OutputText(UnsafeMutableRawPointer(p).assumingMemoryBound(to: CChar.self)))
    }

    /// Whether the parsed body is already exactly the output: only members the model knows, no nulls,
    /// and nothing to convert (timestamps) or to add (header-bound members).
    func passesThrough(_ body: JSONPointer, _ shape: Int) -> Bool {
        guard shape >= 0, shape < model.shapes.count, !model.shapes[shape].containsTimestamp,
              !model.shapes[shape].hasBoundMembers else { return false }
        return model.shapes.withUnsafeBufferPointer { onlyKnown(body, shape, $0, depth: 0) }
    }

    /// The walk behind passesThrough, over the shape table in place (no Shape is copied per value).
    private func onlyKnown(_ v: JSONPointer, _ shape: Int, _ shapes: UnsafeBufferPointer<Shape>, depth: Int) -> Bool {
        guard shape >= 0, shape < shapes.count, depth < 64 else { return false }
        switch (v.pointee.type, shapes[shape].type) {
        case (JSON_NULL, _): return false
        case (JSON_OBJECT, .structure):
            return shapes[shape].members.withUnsafeBufferPointer { members in
                var it = json_object_iter(v)
                while let i = it {
                    guard let k = json_object_iter_key(i), let value = json_object_iter_value(i),
                          let m = Self.memberIndex(members, k),
                          onlyKnown(value, members[m].shape, shapes, depth: depth + 1) else { return false }
                    it = json_object_iter_next(v, i)
                }
                return true
            }
        case (JSON_OBJECT, .map):
            let element = shapes[shape].element
            var it = json_object_iter(v)
            while let i = it {
                guard let value = json_object_iter_value(i), onlyKnown(value, element, shapes, depth: depth + 1) else { return false }
                it = json_object_iter_next(v, i)
            }
            return true
        case (JSON_ARRAY, .list):
            let element = shapes[shape].element
            for i in 0..<json_array_size(v) {
                guard let e = json_array_get(v, i), onlyKnown(e, element, shapes, depth: depth + 1) else { return false }
            }
            return true
        case (JSON_OBJECT, _), (JSON_ARRAY, _):
            return false // a container where the model has a scalar: let the tree path decide
        case (_, .structure), (_, .list), (_, .map):
            return false
        default:
            return true
        }
    }

    @inline(__always)
    private static func memberIndex(_ members: UnsafeBufferPointer<Member>, _ key: UnsafePointer<CChar>) -> Int? {
        for i in 0..<members.count where members[i].named(key) { return i }
        return nil
    }

    /// A value in the response that the output cannot carry (a timestamp with no ISO 8601 form).
    struct InvalidValue: Error {
        let path: String
        let problem: String
    }

    /// Converts a parsed body value by its shape (owned). Members unknown to the model are dropped,
    /// as botocore drops them. A timestamp becomes ISO 8601 UTC or the response is invalid: epoch
    /// seconds and ISO 8601 or HTTP-date strings are read; anything outside the years 1-9999, any
    /// impossible date and any other JSON type is refused (the output never carries a value that is
    /// not a timestamp where the model promises one).
    func outputValue(_ v: JSONPointer, _ shapeIndex: Int, path: @autoclosure () -> String, depth: Int) throws(InvalidValue) -> JSONPointer? {
        guard let shape = model.shape(at: shapeIndex), depth < 64 else { return JSON.retain(v) }
        switch shape.type {
        case .timestamp:
            let seconds: Double?
            if let d = v.numberValue { seconds = d }
            else if let s = v.stringValue { seconds = Clock.parseISO8601(s) ?? Clock.parseHTTPDate(s) }
            else { seconds = nil }
            guard let text = seconds.flatMap({ Clock.iso8601($0) }) else {
                throw InvalidValue(path: path(), problem: "not a timestamp of the years 1 to 9999 (epoch seconds, ISO 8601 or an HTTP date)")
            }
            return JSON.string(text)
        case .structure where v.kind == .object:
            guard let o = JSON.object() else { return nil }
            do {
                for m in shape.members {
                    if let mv = json_object_get(v, m.cString), mv.kind != .null {
                        o.set(m.name, try outputValue(mv, m.shape, path: path() + "." + m.name, depth: depth + 1))
                    }
                }
            } catch { JSON.release(o); throw error }
            return o
        case .list where v.kind == .array:
            if reusableAsIs(shape) { return JSON.retain(v) }
            guard let a = JSON.array() else { return nil }
            do {
                for i in 0..<v.count {
                    if let e = v.element(i) { a.append(try outputValue(e, shape.element, path: path() + "[\(i)]", depth: depth + 1)) }
                }
            } catch { JSON.release(a); throw error }
            return a
        case .map where v.kind == .object:
            if reusableAsIs(shape) { return JSON.retain(v) }
            guard let o = JSON.object() else { return nil }
            var it = json_object_iter(v)
            do {
                while let i = it {
                    if let k = json_object_iter_key(i), let value = json_object_iter_value(i) {
                        let key = String(cString: k)
                        o.set(key, try outputValue(value, shape.element,
                                                   path: path() + "." + (shape.sensitive ? Redactor.mask : key), depth: depth + 1))
                    }
                    it = json_object_iter_next(v, i)
                }
            } catch { JSON.release(o); throw error }
            return o
        default:
            return JSON.retain(v)
        }
    }

    /// A list or map whose elements hold no timestamp and no structure (whose unknown members would
    /// need dropping) is already the output: it is shared, not copied.
    private func reusableAsIs(_ shape: Shape) -> Bool {
        guard !shape.containsTimestamp, let element = model.shape(at: shape.element) else { return false }
        return element.type != .structure
    }

    // MARK: Bodies and errors

    /// The response body parsed by jansson (owned; nil for an empty body).
    func parseBody(_ response: HTTPResponse) -> Result<JSONPointer?, IVSError> {
        guard !response.body.isEmpty else { return .success(nil) }
        return JSON.parse(bytes: response.body).map { Optional($0) }.mapError { e in
            IVSError(.service, code: ErrorCode.invalidResponse, "the service's response is not valid JSON: \(e.message)",
                     httpStatus: response.status, requestId: Self.requestId(response))
        }
    }

    static func requestId(_ r: HTTPResponse) -> String? {
        r.header("x-amzn-requestid") ?? r.header("x-amz-request-id")
    }

    /// The service error in a non-2xx response: the code from x-amzn-ErrorType, __type or code; the
    /// message from message or Message; the body's other members as fields, and the members the error
    /// shape binds to headers (as botocore's error response has them).
    public func parseError(_ response: HTTPResponse) -> IVSError {
        var code: String? = response.header("x-amzn-errortype").map(Self.cleanCode)
        var message = ""
        var fields: [(String, IVSError.FieldValue)] = []
        if case .success(let parsed) = parseBody(response), let b = parsed {
            defer { JSON.release(b) }
            if b.kind == .object {
                if code == nil || code == "" {
                    code = (b["__type"]?.stringValue ?? b["code"]?.stringValue ?? b["Code"]?.stringValue).map(Self.cleanCode)
                }
                message = b["message"]?.stringValue ?? b["Message"]?.stringValue ?? b["errorMessage"]?.stringValue ?? ""
                b.forEachMember { k, v in
                    switch k {
                    case "message", "Message", "__type", "code", "Code": return
                    default:
                        if let s = v.stringValue { fields.append((k, .string(s))) }
                        else { fields.append((k, .json(JSON.dump(v)))) }
                    }
                }
            }
        }
        let finalCode = code.flatMap { $0.isEmpty ? nil : $0 } ?? Self.codeForStatus(response.status)
        if let shape = model.errorShape(named: finalCode) {
            for m in shape.members where m.location == .header {
                if let v = response.header(m.locationName.lowercased()), !fields.contains(where: { $0.0 == m.name }) {
                    fields.append((m.name, .string(v)))
                }
            }
        }
        if message.isEmpty { message = "the service answered HTTP \(response.status) \(finalCode)" }
        return IVSError(.service, code: finalCode, message, httpStatus: response.status,
                        requestId: Self.requestId(response), fields: fields)
    }

    /// "aws.ivs#ValidationException:http://..." -> "ValidationException".
    static func cleanCode(_ raw: String) -> String {
        var s = Substring(raw)
        if let colon = s.firstIndex(of: ":") { s = s[..<colon] }
        if let hash = s.lastIndex(of: "#") { s = s[s.index(after: hash)...] }
        return Text.excerpt(Text.trimmed(s), limit: 128) // a code is a word; a header can be 256 KB
    }

    static func codeForStatus(_ status: Int) -> String {
        switch status {
        case 400: return "BadRequest"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 429: return "TooManyRequestsException"
        case 500: return "InternalServerError"
        case 502: return "BadGateway"
        case 503: return "ServiceUnavailable"
        case 504: return "GatewayTimeout"
        default: return "HTTP\(status)"
        }
    }
}
