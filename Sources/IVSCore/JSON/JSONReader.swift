#if canImport(Glibc)
import Glibc
#endif

/// A validating reader for response bodies (issue 16): one pass over the service's bytes against the
/// operation's output shape, answering one question: are those bytes already the output? It builds
/// no tree and copies nothing; ResponseParser then splices ResponseMetadata into the body itself.
///
/// `.passThrough` only when both of these hold, so that the answer is what jansson's path would give:
/// - the body is JSON as RFC 8259 and jansson (the flags JSON.parse uses) both read it: one object,
///   whitespace around tokens only, no trailing commas, no leading zeros, strings without control
///   characters, only the escapes JSON has, no lone surrogates, no `\u0000`, valid UTF-8, no duplicate
///   keys, integers that fit an Int64 and reals that fit a double;
/// - the tree path would return the body unchanged (ResponseParser.passesThrough): no timestamp
///   reachable from the output shape and no member bound to a header, only members the model knows,
///   no nulls, objects and arrays exactly where the model has structures, maps and lists.
///
/// Everything else is `.fallback` with the reason: the caller hands the body to the jansson path,
/// which converts it, drops what it must, or reports the error exactly as it always has. The reader
/// may fall back where jansson would pass through (keys with escapes, maps with very many keys, a real
/// at the edge of the double range, nesting beyond `maxDepth`) but never the other way round; the
/// differential fuzzer (the reader-diff target, Sources/IVSFuzz) checks exactly that.
///
/// Bounded, and never traps on any input: no recursion (an explicit stack of `maxDepth` frames in a
/// stack allocation), every read checked against the body's length, numbers never converted (their
/// digits are counted and compared).
struct JSONReader {
    enum Fallback: Equatable, Sendable {
        /// The operation has no output shape, or its index is outside the model.
        case noOutputShape
        /// A timestamp is reachable from the output shape, or a member is bound to a header: the tree
        /// path converts or adds members.
        case convertsOrBinds
        /// No body (the tree path returns only header-bound members).
        case empty
        /// The body's value is not an object.
        case notObject
        /// Not JSON as RFC 8259 and jansson read it (jansson reports the error).
        case syntax
        case null
        case unknownMember
        /// A key seen before in the same object (jansson refuses the body).
        case duplicateKey
        /// A key with an escape: comparing it would need decoding.
        case escapedKey
        /// An object or array where the model has something else, or a scalar where it has a container.
        case shapeMismatch
        /// A timestamp shape reached (the shape's facts say none is reachable; the tree path decides).
        case timestamp
        /// An integer outside Int64, or a real whose magnitude is near or beyond the double range:
        /// jansson decides whether it overflows.
        case number
        case tooDeep
        /// More keys in one map (with its enclosing maps) than the reader keeps for finding duplicates.
        case tooManyKeys
        /// A structure with more members than the reader's seen-mask holds.
        case wideStructure
    }

    enum Verdict: Equatable, Sendable {
        /// The body is the output: `close` is the index of the top object's closing brace, `empty`
        /// whether the object has no members.
        case passThrough(close: Int, empty: Bool)
        /// The jansson path decides; `at` is the byte where the reader stopped.
        case fallback(Fallback, at: Int)
    }

    /// Containers open at once (the IVS output shapes nest at most 6 deep). With maxMapKeys, small
    /// enough for both stacks to be stack allocations (withUnsafeTemporaryAllocation: up to 1 KiB).
    static let maxDepth = 32
    /// Map keys kept for the duplicate check, across the maps open at once (a resource has at most 50
    /// tags).
    static let maxMapKeys = 128

    /// Reads body against output shape `shape` of `table`'s model.
    static func scan(_ body: UnsafeBufferPointer<UInt8>, shape: Int, in table: ReaderShapes) -> Verdict {
        guard let top = table.entry(shape) else { return .fallback(.noOutputShape, at: 0) }
        guard top.plain else { return .fallback(.convertsOrBinds, at: 0) }
        guard let base = body.baseAddress, body.count > 0 else { return .fallback(.empty, at: 0) }
        guard body.count < Int(Int32.max) else { return .fallback(.tooManyKeys, at: 0) } // key spans are Int32
        return withUnsafeTemporaryAllocation(of: Frame.self, capacity: maxDepth) { frames in
            withUnsafeTemporaryAllocation(of: KeySpan.self, capacity: maxMapKeys) { keys in
                guard let f = frames.baseAddress, let k = keys.baseAddress else { return .fallback(.tooDeep, at: 0) }
                var reader = JSONReader(p: base, n: body.count, table: table, frames: f, keys: k)
                do throws(Stop) {
                    return try reader.run(shape)
                } catch {
                    return .fallback(error.reason, at: error.at)
                }
            }
        }
    }

    // MARK: State

    struct Stop: Error {
        let reason: Fallback
        let at: Int
    }

    enum Container: UInt8 { case structure, map, list }

    /// One open object or array (24 bytes).
    struct Frame {
        /// A structure's members seen (bit k: member k).
        var seen: UInt64
        /// A structure's first member in the table (ReaderShapes.Entry.first); a list's or map's
        /// element shape.
        var a: Int32
        /// A structure's first slot in the table's index (ReaderShapes.Entry.slotBase).
        var slotBase: Int32
        /// Members or elements read so far.
        var count: Int32
        /// A map's first key in `keys`.
        var keyBase: Int16
        var container: Container
        /// A structure's ReaderShapes.Entry.slotBits.
        var slotBits: UInt8
    }

    struct KeySpan {
        var start: Int32
        var length: Int32
    }

    let p: UnsafePointer<UInt8>
    let n: Int
    let table: ReaderShapes
    let frames: UnsafeMutablePointer<Frame>
    let keys: UnsafeMutablePointer<KeySpan>
    var i = 0
    var depth = 0
    var keyTop = 0

    init(p: UnsafePointer<UInt8>, n: Int, table: ReaderShapes, frames: UnsafeMutablePointer<Frame>,
         keys: UnsafeMutablePointer<KeySpan>) {
        self.p = p
        self.n = n
        self.table = table
        self.frames = frames
        self.keys = keys
    }

    /// The byte at j, or 0 past the end (0 is valid nowhere in JSON text, so the end reads as an error).
    @inline(__always)
    func byte(_ j: Int) -> UInt8 { j < n ? p[j] : 0 }

    @inline(__always)
    func stop(_ reason: Fallback, _ at: Int? = nil) -> Stop { Stop(reason: reason, at: at ?? i) }

    @inline(__always)
    mutating func skipSpace() {
        while i < n {
            let c = p[i]
            guard c == 32 || c == 10 || c == 13 || c == 9 else { return }
            i += 1
        }
    }

    // MARK: The walk

    /// The body: one object of shape `shape`, whitespace around it. A loop over values with the open
    /// containers on `frames`: read a value (opening a container pushes a frame and moves to its first
    /// member or element), then close containers and move to the next member or element.
    mutating func run(_ shape: Int) throws(Stop) -> Verdict {
        skipSpace()
        guard byte(i) == 123 else { throw stop(.notObject) }
        var shape = shape
        var close = 0
        while true {
            // A value of `shape` at i (after whitespace).
            skipSpace()
            switch byte(i) {
            case 123: // {
                guard let e = table.entry(shape) else { throw stop(.shapeMismatch) }
                switch e.kind {
                case .structure:
                    try push(Frame(seen: 0, a: e.first, slotBase: e.slotBase, count: 0, keyBase: Int16(keyTop),
                                   container: .structure, slotBits: e.slotBits))
                case .map:
                    try push(Frame(seen: 0, a: e.element, slotBase: 0, count: 0, keyBase: Int16(keyTop), container: .map,
                                   slotBits: 0))
                case .wide: throw stop(.wideStructure)
                default: throw stop(.shapeMismatch)
                }
                i += 1
                skipSpace()
                if byte(i) != 125 {
                    shape = try key()
                    continue
                }
            case 91: // [
                guard let e = table.entry(shape) else { throw stop(.shapeMismatch) }
                guard e.kind == .list else { throw stop(.shapeMismatch) }
                try push(Frame(seen: 0, a: e.element, slotBase: 0, count: 0, keyBase: Int16(keyTop), container: .list,
                               slotBits: 0))
                i += 1
                skipSpace()
                if byte(i) != 93 {
                    frames[depth - 1].count &+= 1
                    shape = Int(e.element)
                    continue
                }
            case 34: // "
                try scalar(shape)
                _ = try string()
            case 116: // true
                try scalar(shape)
                try literal(0x65757274, 4)
            case 102: // false
                try scalar(shape)
                guard byte(i + 4) == 101 else { throw stop(.syntax) }
                try literal(0x736c6166, 5)
            case 110: // null
                try literal(0x6c6c756e, 4)
                throw stop(.null, i - 4)
            case 45, 48...57: // - 0-9
                try scalar(shape)
                try number()
            default:
                throw stop(.syntax)
            }
            // After a value: close what ends here, then the next member or element.
            while true {
                skipSpace()
                let c = byte(i)
                guard depth > 0 else { throw stop(.syntax) }
                let f = frames[depth - 1]
                if c == 44 { // ,
                    i += 1
                    skipSpace()
                    if f.container == .list {
                        frames[depth - 1].count &+= 1
                        shape = Int(f.a)
                    } else {
                        shape = try key()
                    }
                    break
                }
                guard c == (f.container == .list ? 93 : 125) else { throw stop(.syntax) }
                close = i
                i += 1
                depth -= 1
                keyTop = Int(f.keyBase)
                if depth == 0 {
                    skipSpace()
                    guard i == n else { throw stop(.syntax) }
                    return .passThrough(close: close, empty: f.count == 0)
                }
            }
        }
    }

    @inline(__always)
    mutating func push(_ f: Frame) throws(Stop) {
        guard depth < Self.maxDepth else { throw stop(.tooDeep) }
        frames[depth] = f
        depth += 1
    }

    /// A scalar is about to be read for `shape`: the model must have a scalar there too.
    @inline(__always)
    func scalar(_ shape: Int) throws(Stop) {
        guard let e = table.entry(shape) else { throw stop(.shapeMismatch) }
        switch e.kind {
        case .scalar: return
        case .timestamp: throw stop(.timestamp)
        default: throw stop(.shapeMismatch)
        }
    }

    /// The 4 bytes of `word` (little-endian) and, for false, the fifth checked by the caller.
    @inline(__always)
    mutating func literal(_ word: UInt32, _ length: Int) throws(Stop) {
        guard i + length <= n else { throw stop(.syntax) }
        let w = UInt32(p[i]) | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2]) << 16 | UInt32(p[i + 3]) << 24
        guard w == word else { throw stop(.syntax) }
        i += length
    }

    /// A member's key at i (after whitespace) in the innermost open object, and its colon; returns the
    /// shape of the value that follows.
    mutating func key() throws(Stop) -> Int {
        guard byte(i) == 34 else { throw stop(.syntax) }
        let start = i + 1
        let escaped = try string()
        let length = i - 1 - start
        guard !escaped else { throw stop(.escapedKey, start - 1) }
        let d = depth - 1
        let f = frames[d]
        let shape: Int
        if f.container == .structure {
            guard let k = table.member(first: f.a, slotBase: f.slotBase, slotBits: f.slotBits, p + start, length,
                                       head: head(start, length)) else {
                throw stop(.unknownMember, start - 1)
            }
            let bit: UInt64 = 1 << UInt64(k)
            guard f.seen & bit == 0 else { throw stop(.duplicateKey, start - 1) }
            frames[d].seen = f.seen | bit
            shape = table.memberShape(first: f.a, k)
        } else {
            var j = Int(f.keyBase)
            while j < keyTop {
                let other = keys[j]
                if Int(other.length) == length, memcmp(p + Int(other.start), p + start, length) == 0 {
                    throw stop(.duplicateKey, start - 1)
                }
                j += 1
            }
            guard keyTop < Self.maxMapKeys else { throw stop(.tooManyKeys, start - 1) }
            keys[keyTop] = KeySpan(start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: length))
            keyTop += 1
            shape = Int(f.a)
        }
        frames[d].count &+= 1
        skipSpace()
        guard byte(i) == 58 else { throw stop(.syntax) }
        i += 1
        return shape
    }

    /// The first 8 bytes of the key at start (of length bytes), zero-padded, as ReaderShapes.Name.head.
    @inline(__always)
    func head(_ start: Int, _ length: Int) -> UInt64 {
        // The closing quote follows the key, so 8 bytes from start are inside the body when length >= 7.
        if length >= 8 { return UnsafeRawPointer(p + start).loadUnaligned(as: UInt64.self) }
        if start + 8 <= n {
            let w = UnsafeRawPointer(p + start).loadUnaligned(as: UInt64.self)
            return w & ((1 << UInt64(8 * length)) &- 1)
        }
        var h: UInt64 = 0
        var j = 0
        while j < length { h |= UInt64(p[start + j]) << UInt64(8 * j); j += 1 }
        return h
    }

    // MARK: Strings

    /// A string at i (the opening quote); leaves i after the closing quote. Returns whether it has
    /// escapes. Runs of plain ASCII are skipped 8 bytes at a time.
    @inline(__always)
    mutating func string() throws(Stop) -> Bool {
        i += 1
        var escaped = false
        while true {
            while i + 8 <= n {
                let found = Self.special8(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                if found != 0 {
                    i += found.trailingZeroBitCount >> 3 // the first special byte
                    break
                }
                i += 8
            }
            guard i < n else { throw stop(.syntax) }
            let c = p[i]
            if c == 34 {
                i += 1
                return escaped
            } else if c == 92 {
                try escape()
                escaped = true
            } else if c < 32 {
                throw stop(.syntax)
            } else if c >= 0x80 {
                try utf8()
            } else {
                i += 1
            }
        }
    }

    /// The high bit of each of 8 bytes (little-endian) that is a quote, a backslash, a control character
    /// or a non-ASCII byte, exact up to the first such byte (a borrow may mark bytes after it); 0 when
    /// all 8 are plain.
    @inline(__always)
    static func special8(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 34), backslash = w ^ (ones &* 92)
        let found = w // a byte >= 0x80
            | ((w &- ones &* 32) & ~w) // a byte < 0x20
            | ((quote &- ones) & ~quote) // a zero byte in quote: a '"'
            | ((backslash &- ones) & ~backslash)
        return found & high
    }

    /// An escape at i (the backslash): one of \" \\ \/ \b \f \n \r \t or \uXXXX, where a high surrogate
    /// must be followed by an escaped low one, a low one must follow a high one, and U+0000 is refused
    /// (jansson refuses NUL in strings).
    @inline(__always)
    mutating func escape() throws(Stop) {
        switch byte(i + 1) {
        case 34, 92, 47, 98, 102, 110, 114, 116:
            i += 2
        case 117:
            let v = hex4(i + 2)
            guard v > 0 else { throw stop(.syntax) } // not 4 hex digits, or U+0000
            if v >= 0xD800 && v <= 0xDBFF {
                guard byte(i + 6) == 92, byte(i + 7) == 117 else { throw stop(.syntax) }
                let low = hex4(i + 8)
                guard low >= 0xDC00 && low <= 0xDFFF else { throw stop(.syntax) }
                i += 12
            } else {
                guard v < 0xDC00 || v > 0xDFFF else { throw stop(.syntax) }
                i += 6
            }
        default:
            throw stop(.syntax)
        }
    }

    /// The value of 4 hex digits at j, or -1.
    @inline(__always)
    func hex4(_ j: Int) -> Int {
        guard j + 4 <= n else { return -1 }
        var v = 0
        for k in 0..<4 {
            let c = p[j + k]
            let d: Int
            switch c {
            case 48...57: d = Int(c) - 48
            case 97...102: d = Int(c) - 87
            case 65...70: d = Int(c) - 55
            default: return -1
            }
            v = v << 4 | d
        }
        return v
    }

    /// A UTF-8 sequence at i (its first byte >= 0x80), checked as RFC 3629 and jansson have it
    /// (`UTF8Check`: no overlong forms, no surrogates, nothing above U+10FFFF).
    @inline(__always)
    mutating func utf8() throws(Stop) {
        guard let len = UTF8Check.sequenceLength(UnsafeBufferPointer(start: p, count: n), at: i) else {
            throw stop(.syntax)
        }
        i += len
    }

    // MARK: Numbers

    /// A number at i: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. An integer must fit an
    /// Int64 (jansson's json_int_t; it refuses larger ones); a real must be clearly inside the double
    /// range (jansson refuses one that overflows; the edge is left to it). Returns whether it is an
    /// integer (no fraction, no exponent: jansson's JSON_INTEGER).
    @discardableResult
    mutating func number() throws(Stop) -> Bool {
        let start = i
        var negative = false
        if p[i] == 45 { negative = true; i += 1 }
        let intStart = i
        let first = byte(i)
        if first == 48 {
            i += 1
            if byte(i) &- 48 < 10 { throw stop(.syntax) } // a leading zero
        } else if first &- 49 < 9 {
            i += 1
            while byte(i) &- 48 < 10 { i += 1 }
        } else {
            throw stop(.syntax)
        }
        let intDigits = i - intStart
        var real = false
        if byte(i) == 46 { // .
            real = true
            i += 1
            let fracStart = i
            while byte(i) &- 48 < 10 { i += 1 }
            guard i > fracStart else { throw stop(.syntax) }
        }
        var exponent = 0
        if byte(i) | 0x20 == 101 { // e E
            real = true
            i += 1
            var sign = 1
            if byte(i) == 43 { i += 1 } else if byte(i) == 45 { sign = -1; i += 1 }
            let expStart = i
            while byte(i) &- 48 < 10 {
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(p[i] - 48) }
                i += 1
            }
            guard i > expStart else { throw stop(.syntax) }
            exponent *= sign
        }
        if !real {
            guard intDigits <= 19 else { throw stop(.number, start) }
            if intDigits == 19 {
                // Against 9223372036854775807 (or ...808 below zero), digit by digit.
                let limit: StaticString = "9223372036854775808"
                let l = limit.utf8Start
                var k = 0
                while k < 19, p[intStart + k] == l[k] { k += 1 }
                guard k == 19 ? negative : p[intStart + k] < l[k] else { throw stop(.number, start) }
            }
            return true
        }
        // The decimal exponent of the first significant digit: the value lies in [10^e, 10^(e+1)).
        var z = intStart
        while z < i, p[z] == 48 || p[z] == 46 { z += 1 }
        guard z < i, p[z] &- 48 < 10 else { return false } // all zeros: 0.0, whatever the exponent
        let leading = z < intStart + intDigits ? intStart + intDigits - 1 - z : -(z - (intStart + intDigits + 1) + 1)
        let e = leading + exponent
        guard e <= 307 else { throw stop(.number, start) }
        return false
    }
}
