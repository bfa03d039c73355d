#if canImport(Glibc)
import Glibc
#endif

/// ivs_call's request body from the caller's input text itself (issue 16, the request side): one pass
/// over the text against the operation's input shape that checks what Validator checks and writes
/// what RestJSONSerializer writes (jansson's compact dump of the members, top-level ones in model
/// order), with no jansson tree, no dump and no second copy.
///
/// Only for the plain case, which is what an ivs_call usually is: an input shape whose members all go
/// in the body (nothing bound to the URI, the query or a header), with no timestamp to convert and no
/// idempotency token to fill in; an input that is valid JSON (as JSONReader reads it, the same rules
/// jansson applies), only members the model knows, no nulls, no string with an escape (jansson's dump
/// would rewrite it), no real numbers and no -0 (it would reformat them), every check of the
/// validation level passing, and a level other than strict (patterns). For anything else `body`
/// returns nil and the caller takes the jansson path (parse, Validator, RestJSONSerializer), which then
/// gives the request or the error exactly as always. The differential fuzzer holds the two equal.
struct RequestReader {
    typealias Stop = JSONReader.Stop

    /// The body RestJSONSerializer would write for text, or nil.
    static func body(_ text: UnsafeBufferPointer<UInt8>, shape: Int, in table: ReaderShapes,
                     level: Validator.Level?) -> [UInt8]? {
        guard let top = table.entry(shape), top.kind == .structure, top.plain, top.count > 0,
              !table.limits(shape).idempotent, level != .strict,
              let base = text.baseAddress, text.count > 0, text.count < Int(Int32.max) else { return nil }
        return withUnsafeTemporaryAllocation(of: Frame.self, capacity: JSONReader.maxDepth) { frames in
            withUnsafeTemporaryAllocation(of: JSONReader.KeySpan.self, capacity: JSONReader.maxMapKeys) { keys in
                withUnsafeTemporaryAllocation(of: JSONReader.KeySpan.self, capacity: ReaderShapes.maxMembers) { spans in
                    withUnsafeTemporaryAllocation(of: JSONReader.Frame.self, capacity: 1) { unused in
                        guard let f = frames.baseAddress, let k = keys.baseAddress, let s = spans.baseAddress,
                              let u = unused.baseAddress else { return nil }
                        // The tokenizer's own frames stay unused: the walk is this reader's.
                        var reader = RequestReader(r: JSONReader(p: base, n: text.count, table: table, frames: u, keys: k),
                                                   frames: f, spans: s, level: level ?? .on)
                        do throws(Stop) {
                            return try reader.run(shape, top)
                        } catch {
                            return nil
                        }
                    }
                }
            }
        }
    }

    /// One open object or array (32 bytes).
    struct Frame {
        /// A structure's members seen (bit k: member k).
        var seen: UInt64
        /// The container's own shape.
        var shape: Int32
        /// A structure's first member (ReaderShapes.Entry.first); a list's or map's element shape.
        var a: Int32
        var slotBase: Int32
        /// Members or elements read so far.
        var count: Int32
        var keyBase: Int16
        var container: JSONReader.Container
        var slotBits: UInt8
    }

    /// The tokenizer (strings, numbers, literals, whitespace), shared with the response reader.
    var r: JSONReader
    let frames: UnsafeMutablePointer<Frame>
    /// Where each top-level member's value lies in `out` (by member index), to put them in model order.
    let spans: UnsafeMutablePointer<JSONReader.KeySpan>
    /// nil (validation off) reads as on: a check that fails only sends the call the jansson way.
    let level: Validator.Level
    var depth = 0
    var out: [UInt8] = []
    /// Top-level members seen in model order so far (then `out` is the body as it stands).
    var inOrder = true
    var lastTop = -1
    /// The top-level member whose value is being read, and where it starts in `out`.
    var pendingTop = -1
    var pendingStart = 0

    @inline(__always)
    func stop() -> Stop { Stop(reason: .syntax, at: r.i) }

    mutating func run(_ topShape: Int, _ top: ReaderShapes.Entry) throws(Stop) -> [UInt8] {
        out.reserveCapacity(r.n)
        r.skipSpace()
        guard r.byte(r.i) == 123 else { throw stop() }
        var shape = topShape
        while true {
            r.skipSpace()
            let start = r.i
            switch r.byte(r.i) {
            case 123: // {
                guard let e = r.table.entry(shape) else { throw stop() }
                switch e.kind {
                case .structure:
                    try push(Frame(seen: 0, shape: Int32(truncatingIfNeeded: shape), a: e.first, slotBase: e.slotBase, count: 0,
                                   keyBase: Int16(r.keyTop), container: .structure, slotBits: e.slotBits))
                case .map:
                    try push(Frame(seen: 0, shape: Int32(truncatingIfNeeded: shape), a: e.element, slotBase: 0, count: 0,
                                   keyBase: Int16(r.keyTop), container: .map, slotBits: 0))
                default: throw stop()
                }
                out.append(123)
                r.i += 1
                r.skipSpace()
                if r.byte(r.i) != 125 {
                    shape = try key()
                    continue
                }
            case 91: // [
                guard let e = r.table.entry(shape), e.kind == .list else { throw stop() }
                try push(Frame(seen: 0, shape: Int32(truncatingIfNeeded: shape), a: e.element, slotBase: 0, count: 0,
                               keyBase: Int16(r.keyTop), container: .list, slotBits: 0))
                out.append(91)
                r.i += 1
                r.skipSpace()
                if r.byte(r.i) != 93 {
                    frames[depth - 1].count &+= 1
                    shape = Int(e.element)
                    continue
                }
            case 34: // "
                let type = try scalarType(shape)
                guard type == .string || type == .blob else { throw stop() }
                guard try !r.string() else { throw stop() } // an escape: jansson's dump may write it otherwise
                if type == .string { try checkLength(Self.codePoints(r.p + start + 1, r.i - start - 2), shape) }
                copy(start)
            case 116, 102: // true false
                guard try scalarType(shape) == .boolean else { throw stop() }
                if r.byte(r.i) == 116 {
                    try r.literal(0x65757274, 4)
                } else {
                    guard r.byte(r.i + 4) == 101 else { throw stop() }
                    try r.literal(0x736c6166, 5)
                }
                copy(start)
            case 45, 48...57: // - 0-9
                let type = try scalarType(shape)
                guard try r.number() else { throw stop() } // a real: jansson's dump reformats it
                let value = Self.integer(r.p + start, r.i - start)
                if value == 0 && r.p[start] == 45 { throw stop() } // -0: dumped as 0
                try checkNumber(value, type, shape)
                copy(start)
            default:
                throw stop() // null included: the tree path drops it
            }
            // After a value: close what ends here, then the next member or element.
            while true {
                r.skipSpace()
                guard depth > 0 else { throw stop() }
                if depth == 1, pendingTop >= 0 {
                    spans[pendingTop] = JSONReader.KeySpan(start: Int32(truncatingIfNeeded: pendingStart),
                                                           length: Int32(truncatingIfNeeded: out.count - pendingStart))
                    pendingTop = -1
                }
                let c = r.byte(r.i)
                let f = frames[depth - 1]
                if c == 44 { // ,
                    out.append(44)
                    r.i += 1
                    r.skipSpace()
                    if f.container == .list {
                        frames[depth - 1].count &+= 1
                        shape = Int(f.a)
                    } else {
                        shape = try key()
                    }
                    break
                }
                guard c == (f.container == .list ? 93 : 125) else { throw stop() }
                try closing(f)
                out.append(c)
                r.i += 1
                depth -= 1
                r.keyTop = Int(f.keyBase)
                if depth == 0 {
                    r.skipSpace()
                    guard r.i == r.n else { throw stop() }
                    return inOrder ? out : reordered(top, f.seen)
                }
            }
        }
    }

    @inline(__always)
    mutating func push(_ f: Frame) throws(Stop) {
        guard depth < JSONReader.maxDepth else { throw stop() }
        frames[depth] = f
        depth += 1
    }

    /// The bytes of the token that started at start, as they stand (whitespace is never inside one).
    @inline(__always)
    mutating func copy(_ start: Int) {
        out.append(contentsOf: UnsafeBufferPointer(start: r.p + start, count: r.i - start))
    }

    /// A member's key at r.i in the innermost open object, copied with its colon; returns the shape of
    /// the value that follows.
    mutating func key() throws(Stop) -> Int {
        guard r.byte(r.i) == 34 else { throw stop() }
        let start = r.i + 1
        guard try !r.string() else { throw stop() }
        let length = r.i - 1 - start
        let d = depth - 1
        let f = frames[d]
        let shape: Int
        if f.container == .structure {
            guard let k = r.table.member(first: f.a, slotBase: f.slotBase, slotBits: f.slotBits, r.p + start, length,
                                         head: r.head(start, length)) else { throw stop() }
            let bit: UInt64 = 1 << UInt64(k)
            guard f.seen & bit == 0 else { throw stop() }
            frames[d].seen = f.seen | bit
            shape = r.table.memberShape(first: f.a, k)
            if depth == 1 {
                if k < lastTop { inOrder = false }
                lastTop = k
                pendingTop = k
            }
        } else {
            var j = Int(f.keyBase)
            while j < r.keyTop {
                let other = r.keys[j]
                if Int(other.length) == length, memcmp(r.p + Int(other.start), r.p + start, length) == 0 { throw stop() }
                j += 1
            }
            guard r.keyTop < JSONReader.maxMapKeys else { throw stop() }
            r.keys[r.keyTop] = JSONReader.KeySpan(start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: length))
            r.keyTop += 1
            // The key's own shape: its length in code points (Validator checks it at every level).
            let keyShape = Int(r.table.limits(Int(f.shape)).key)
            if r.table.entry(keyShape) != nil { try checkLength(Self.codePoints(r.p + start, length), keyShape) }
            shape = Int(f.a)
        }
        frames[d].count &+= 1
        out.append(contentsOf: UnsafeBufferPointer(start: r.p + start - 1, count: length + 2))
        r.skipSpace()
        guard r.byte(r.i) == 58 else { throw stop() }
        r.i += 1
        out.append(58)
        if depth == 1 { pendingStart = out.count }
        return shape
    }

    // MARK: Validator's checks

    /// The shape's type, which must be a scalar's.
    @inline(__always)
    func scalarType(_ shape: Int) throws(Stop) -> ShapeType {
        guard let e = r.table.entry(shape), e.kind == .scalar else { throw stop() }
        return r.table.limits(shape).type
    }

    /// Validator.checkLength: below min at every level, above max except at botocore's.
    @inline(__always)
    func checkLength(_ n: Int, _ shape: Int) throws(Stop) {
        let l = r.table.limits(shape)
        if l.hasMin, Int64(n) < l.min { throw stop() }
        if level != .botocore, l.hasMax, Int64(n) > l.max { throw stop() }
    }

    /// Validator's checks of an integer value: a JSON integer for integer and long (32 bits for
    /// integer), any number for float and double, then checkRange (compared as doubles, as it does).
    func checkNumber(_ value: Int64, _ type: ShapeType, _ shape: Int) throws(Stop) {
        switch type {
        case .integer: guard value >= Int64(Int32.min), value <= Int64(Int32.max) else { throw stop() }
        case .long, .float, .double: break
        default: throw stop()
        }
        let l = r.table.limits(shape), d = Double(value)
        if l.hasMin, d < Double(l.min) { throw stop() }
        if level != .botocore, l.hasMax, d > Double(l.max) { throw stop() }
    }

    /// What closing a container checks: a structure's required members and a union's one member, a
    /// list's length, a map's length (not at botocore's level).
    func closing(_ f: Frame) throws(Stop) {
        let l = r.table.limits(Int(f.shape))
        switch f.container {
        case .structure:
            guard f.seen & l.required == l.required else { throw stop() }
            if l.isUnion, f.seen.nonzeroBitCount != 1 { throw stop() }
        case .list:
            try checkLength(Int(f.count), Int(f.shape))
        case .map:
            if level != .botocore { try checkLength(Int(f.count), Int(f.shape)) }
        }
    }

    /// Code points of valid UTF-8 (what Validator counts: bytes that do not continue a sequence).
    static func codePoints(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var count = 0
        for k in 0..<max(0, n) where p[k] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// The value of an integer token JSONReader accepted (it fits an Int64).
    static func integer(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64 {
        var k = 0
        let negative = n > 0 && p[0] == 45
        if negative { k = 1 }
        var v: Int64 = 0
        while k < n {
            // Accumulated below zero: -9223372036854775808 fits, and nothing the reader passed overflows.
            v = v &* 10 &- Int64(p[k] &- 48)
            k += 1
        }
        return negative ? v : 0 &- v
    }

    /// The body with the top-level members in model order (RestJSONSerializer sets them in that order).
    func reordered(_ top: ReaderShapes.Entry, _ seen: UInt64) -> [UInt8] {
        var body: [UInt8] = [123]
        body.reserveCapacity(out.count)
        var first = true
        for k in 0..<Int(top.count) where seen & (1 << UInt64(k)) != 0 {
            if !first { body.append(44) }
            first = false
            let name = r.table.memberName(first: top.first, k)
            body.append(34)
            body.append(contentsOf: name)
            body.append(34)
            body.append(58)
            let s = spans[k]
            out.withUnsafeBufferPointer { o in
                body.append(contentsOf: UnsafeBufferPointer(rebasing: o[Int(s.start)..<Int(s.start) + Int(s.length)]))
            }
        }
        body.append(125)
        return body
    }
}

extension Client {
    /// The headers RestJSONSerializer gives a request with a body, made once (not an array per call).
    private static let jsonHeaders: [(String, String)] = [("Content-Type", "application/json")]

    /// prepare from ivs_call's input text, when RequestReader can write the body: the same PreparedCall
    /// prepare makes from the parsed text; nil when it cannot (then parse and prepare as usual). Trace
    /// logging of the input wants the parsed tree: then nil too.
    func prepare(_ service: ServiceTarget, _ op: Operation, text: UnsafeBufferPointer<UInt8>) -> PreparedCall? {
        let level: Validator.Level?
        switch config.validation {
        case .off: level = nil
        case .botocore: level = .botocore
        case .on: level = .on
        case .strict: return nil
        }
        // A URI label ({) sends the call the usual way; the path's bytes are searched in place (the
        // UTF8View's own contains walks it by index, several times slower).
        let uri = op.requestUri.utf8
        guard !Log.isEnabled(.trace, clientLevel: config.logLevel),
              !(uri.withContiguousStorageIfAvailable { $0.contains(123) } ?? uri.contains(123)),
              let body = RequestReader.body(text, shape: op.input, in: ReaderShapes.of(service.model), level: level) else { return nil }
        let request = SerializedRequest(method: op.method, path: op.requestUri, query: [], headers: Self.jsonHeaders, body: body)
        return PreparedCall(service: service, op: op, request: request)
    }

    /// ivs_call from its input text (a C string): the request written by RequestReader without a
    /// jansson tree when it can be, then sent and rendered as callText does. nil when it cannot (an
    /// unknown service or operation included): the caller parses the text and calls callText, which
    /// gives the output or the error as always.
    public func callText(service: UnsafePointer<CChar>, operation: UnsafePointer<CChar>,
                         inputText: UnsafePointer<CChar>) -> Result<OutputText, IVSError>? {
        guard let (target, op) = find(service: service, operation: operation) else { return nil }
        let text = UnsafeBufferPointer(start: UnsafeRawPointer(inputText).assumingMemoryBound(to: UInt8.self), count: strlen(inputText))
        guard let call = prepare(target, op, text: text) else { return nil }
        return execute(call).flatMap { renderText(call, $0) }
    }
}
