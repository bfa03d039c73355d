// Response bodies for an output shape, written from a stream of decisions (the fuzz input): valid
// bodies in every variation the service could send (members in any order or left out, whitespace,
// escapes, non-ASCII text, numbers of every form, empty and long lists and maps) and, when faults are
// on, near-valid and malformed ones: unknown members, nulls, values of the wrong type, duplicate keys,
// deep nesting, bad UTF-8, bad escapes and surrogates, huge numbers, leading zeros, trailing commas,
// control characters, then bytes cut, dropped, inserted or replaced anywhere.
@testable import IVSCore

struct BodyGenerator {
    let model: ServiceModel
    var d: FuzzInput
    /// A fault about once in `faults` places (0: none, the body is valid JSON of the shape).
    let faults: Int
    var out: [UInt8] = []

    init(model: ServiceModel, decisions: FuzzInput, faults: Int) {
        self.model = model
        self.d = decisions
        self.faults = faults
        out.reserveCapacity(1024)
    }

    mutating func fault() -> Bool { faults > 0 && d.oneIn(faults) }

    mutating func raw(_ s: String) { out += Array(s.utf8) }

    /// Whitespace between tokens, now and then (and, as a fault, characters JSON does not allow there).
    mutating func space() {
        guard d.oneIn(6) else { return }
        let all: [UInt8] = [32, 9, 10, 13]
        for _ in 0...d.below(3) { out.append(all[d.below(4)]) }
        if fault() { out.append([0x0B, 0x0C, 0xA0, 0x00, 0x85][d.below(5)]) }
    }

    // MARK: Values

    /// A value for shape s (any index: -1 and out-of-range indexes write some value).
    mutating func value(_ s: Int, depth: Int) {
        space()
        defer { space() }
        if fault() { return wrongValue(depth: depth) }
        if d.oneIn(40) { return raw("null") } // valid JSON the tree path drops
        guard s >= 0, s < model.shapes.count else { return scalar(.string, []) }
        let shape = model.shapes[s]
        switch shape.type {
        case .structure:
            structure(shape, depth: depth)
        case .list:
            out.append(91)
            let n = depth > 8 ? 0 : [0, 1, 1, 2, 3, 5][d.below(6)]
            for k in 0..<n {
                if k > 0 { comma() }
                value(shape.element, depth: depth + 1)
            }
            if n > 0, fault() { out.append(44) } // a trailing comma
            out.append(93)
        case .map:
            out.append(123)
            let n = depth > 8 ? 0 : [0, 1, 2, 3, 4][d.below(5)]
            var used: [[UInt8]] = []
            for k in 0..<n {
                if k > 0 { comma() }
                var key = mapKey()
                if !fault() { while used.contains(key) { key += [120] } } // duplicates only as a fault
                used.append(key)
                space()
                out += key
                colon()
                value(shape.element, depth: depth + 1)
            }
            out.append(125)
        default:
            scalar(shape.type, shape.enumValues)
        }
    }

    mutating func structure(_ shape: Shape, depth: Int) {
        out.append(123)
        guard depth <= 10 else { return out.append(125) }
        // The members in model order, reversed, or rotated; each present or not.
        var order = Array(shape.members.indices)
        switch d.below(4) {
        case 1: order.reverse()
        case 2: if !order.isEmpty { let r = d.below(order.count); order = Array(order[r...] + order[..<r]) }
        default: break
        }
        var first = true
        for k in order {
            let m = shape.members[k]
            // Header-bound members are not in the body; a service could still send one there.
            if m.location != .body, !d.oneIn(8) { continue }
            if d.oneIn(3) { continue }
            if !first { comma() }
            first = false
            key(m.name)
            value(m.shape, depth: depth + 1)
            if fault() { // the same member again
                comma()
                key(m.name)
                value(m.shape, depth: depth + 1)
            }
        }
        if d.oneIn(faults > 0 ? 8 : 30) { // a member the model does not know
            if !first { comma() }
            first = false
            key(["extra", "Arn", "arn ", "unknownMember", "__type", "a\u{e9}", "name\u{0}"][d.below(7)])
            value(d.below(3) == 0 ? -1 : d.below(model.shapes.count), depth: depth + 1)
        }
        if !first, fault() { out.append(44) }
        out.append(125)
    }

    mutating func comma() {
        space()
        if fault() {
            switch d.below(3) {
            case 0: return // missing
            case 1: return out.append(59) // ;
            default: return out += [44, 44]
            }
        }
        out.append(44)
        space()
    }

    mutating func colon() {
        space()
        if fault() { return }
        out.append(58)
        space()
    }

    /// A member name as the key, sometimes escaped (the same name to jansson, not to the reader).
    mutating func key(_ name: String) {
        space()
        if d.oneIn(30) {
            out.append(34)
            for b in name.utf8 { out += Array(String(format: b).utf8) }
            out.append(34)
        } else {
            JSONText.appendString(&out, name)
        }
        colon()
    }

    mutating func mapKey() -> [UInt8] {
        var k: [UInt8] = []
        switch d.below(8) {
        case 0: JSONText.appendString(&k, "key")
        case 1: JSONText.appendString(&k, "")
        case 2: JSONText.appendString(&k, "caf\u{e9} \u{1F600}")
        case 3: k = Array("\"\\u006bey\"".utf8) // "key", escaped
        case 4: JSONText.appendString(&k, "aws:cloudformation:stack-name")
        case 5: k = Array("\"tab\\tkey\"".utf8)
        case 6: JSONText.appendString(&k, String(repeating: "k", count: 1 + d.below(20)))
        default: k = [34] + rawString(maxLength: 6) + [34]
        }
        return k
    }

    // MARK: Scalars

    mutating func scalar(_ type: ShapeType, _ enumValues: [String]) {
        switch type {
        case .string:
            if !enumValues.isEmpty, d.below(2) == 0 { return JSONText.appendString(&out, enumValues[d.below(enumValues.count)]) }
            string()
        case .integer, .long: number(real: d.oneIn(10))
        case .float, .double: number(real: !d.oneIn(4))
        case .boolean: raw(d.below(2) == 0 ? "true" : "false")
        case .timestamp: timestamp()
        case .blob: raw(["\"YmxvYg==\"", "\"\"", "\"not base64!\""][d.below(3)])
        case .structure, .list, .map: raw("{}")
        }
    }

    static let strings = [
        "", "a", "text", "LOW", "arn:aws:ivs:us-west-2:123456789012:channel/abcdEFGH1234",
        "https://a1b2c3d4e5f6.us-west-2.playback.live-video.net/api/video/v1/us-west-2.123456789012.channel.abcd.m3u8",
        "caf\u{e9}", "\u{20AC}\u{1F600}", "1234567", "12345678", "123456789", "}", "{\"a\":1}", "\u{7F}",
        String(repeating: "x", count: 300),
    ]
    /// Escaped forms, written as they stand in the JSON text.
    static let escaped = [
        "\\\"", "\\\\", "\\/", "\\b\\f\\n\\r\\t", "\\u00e9", "\\u20AC", "\\uFFFF", "\\ud83d\\ude00", "\\uD83D\\uDE00",
        "\\u0041\\u0042", "line\\nbreak", "\\u007f",
    ]
    /// Strings JSON (or jansson) refuses.
    static let badStrings: [[UInt8]] = [
        [1], [10], [31], [0], Array("\\u0000".utf8), Array("\\ud800".utf8), Array("\\udc00".utf8),
        Array("\\ud800\\u0041".utf8), Array("\\ud800\\ud800".utf8), Array("\\x".utf8), Array("\\u12".utf8),
        Array("\\u12g4".utf8), Array("\\U0041".utf8), Array("\\'".utf8), [0xC0, 0x80], [0xC1, 0xBF], [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xE2, 0x82], [0xE0, 0x80, 0x80],
        [0xF0, 0x8F, 0xBF, 0xBF], [0xC3],
    ]

    mutating func string() {
        out.append(34)
        let parts = 1 + d.below(3)
        for _ in 0..<parts {
            switch d.below(5) {
            case 0, 1: out += Array(Self.strings[d.below(Self.strings.count)].utf8)
            case 2: out += Array(Self.escaped[d.below(Self.escaped.count)].utf8)
            case 3: out += rawString(maxLength: 12)
            default: out += Array(repeating: UInt8(97 + d.below(26)), count: d.below(17))
            }
            if fault() { out += Self.badStrings[d.below(Self.badStrings.count)] }
        }
        if fault() { return } // unterminated
        out.append(34)
    }

    /// Bytes from the input as string content: anything but a quote or a backslash unless a fault is
    /// due (so UTF-8 of every kind, valid or not, and control characters as faults only).
    mutating func rawString(maxLength: Int) -> [UInt8] {
        var b: [UInt8] = []
        let faulty = fault()
        for _ in 0..<d.below(maxLength + 1) {
            let c = d.byte()
            if !faulty, c < 32 || c == 34 || c == 92 || c >= 0x80 { b.append(97 + c % 26); continue }
            b.append(c)
        }
        if !faulty, !b.withUnsafeBufferPointer({ UTF8Check.isValid($0) }) { return Array(String(decoding: b, as: UTF8.self).utf8) }
        return b
    }

    static let numbers = [
        "0", "-0", "1", "-1", "42", "29.97", "1.5", "-0.0", "0.5", "1e5", "1E-5", "1.0e+10", "2E+2", "9007199254740993",
        "9223372036854775807", "-9223372036854775808", "9223372036854775806", "123456789012345678", "9.999e307",
        "1.7976931348623157e308", "1e308", "4.9e-324", "2.2250738585072014e-308", "1e-400", "0e99999", "1e-99999999999",
        "100000000000000000000.5", "0.00001e312", "1700000000", "1700000000.123",
    ]
    static let badNumbers = [
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "99999999999999999999", "1e309", "1e400",
        "-1e400", "1.8e308", "01", "-01", "00", "1.", ".5", "1e", "1e+", "+1", "0x1F", "NaN", "Infinity", "-Infinity",
        "1.5.5", "--1", "- 1", "1 2", "0-", "1e5.5",
    ]

    mutating func number(real: Bool) {
        if fault() { return raw(Self.badNumbers[d.below(Self.badNumbers.count)]) }
        switch d.below(3) {
        case 0: raw(Self.numbers[d.below(Self.numbers.count)])
        default:
            // Digits from the input, around the edges of Int64 and double.
            if d.below(3) == 0 { out.append(45) }
            let digits = [1, 2, 18, 19, 19, 20, 25, 310][d.below(8)]
            out.append(49 + UInt8(d.below(9)))
            for _ in 1..<digits { out.append(48 + UInt8(d.below(10))) }
            if real {
                if d.below(2) == 0 {
                    out.append(46)
                    for _ in 0...d.below(5) { out.append(48 + UInt8(d.below(10))) }
                }
                if d.below(2) == 0 {
                    out.append([101, 69][d.below(2)])
                    if d.below(2) == 0 { out.append([43, 45][d.below(2)]) }
                    raw(["0", "5", "300", "306", "307", "308", "309", "320", "400", "99999"][d.below(10)])
                }
            }
        }
    }

    mutating func timestamp() {
        let forms = ["1700000000", "1700000000.5", "0", "-1", "253402300799", "253402300800", "-62135596801", "1e20",
                     "\"2026-11-21T09:30:00Z\"", "\"2026-11-21T09:30:00.123456Z\"", "\"2026-11-21T09:30:00+01:00\"",
                     "\"Sat, 21 Nov 2026 09:30:00 GMT\"", "\"0000-01-01T00:00:00Z\"", "\"not a date\"", "\"\"",
                     "\"2026-02-30T00:00:00Z\"", "true", "{}"]
        raw(forms[d.below(forms.count)])
    }

    /// A value of no particular shape: the wrong type, a null, deep nesting, or a broken token.
    mutating func wrongValue(depth: Int) {
        switch d.below(10) {
        case 0: raw("null")
        case 1: raw(["{}", "{\"a\":1}", "{\"arn\":\"x\",\"name\":null}"][d.below(3)])
        case 2: raw(["[]", "[1,\"a\"]", "[null]", "[[]]", "[{}]"][d.below(5)])
        case 3: raw(["\"s\"", "1", "-1.5", "true", "false"][d.below(5)])
        case 4:
            // Nesting around the reader's and jansson's limits.
            let n = [2, 31, 32, 33, 64, 2047, 2048, 2049, 5000][d.below(9)]
            let open: [UInt8] = d.below(2) == 0 ? [91] : Array("{\"a\":".utf8)
            for _ in 0..<n { out += open }
            if d.below(4) != 0 { for _ in 0..<n { out.append(open[0] == 91 ? 93 : 125) } }
        case 5: raw(["tru", "fals", "nul", "True", "nulll", "undefined", "'s'", "\"\\", "]", "}", ","][d.below(11)])
        case 6: number(real: true)
        case 7: string()
        case 8: if depth < 8 { value(d.below(model.shapes.count), depth: depth + 1) } else { raw("0") }
        default: raw("")
        }
    }

    // MARK: After writing

    /// Faults on the finished text: bytes cut off, dropped, inserted, replaced or repeated, garbage
    /// after the value, a byte order mark before it.
    mutating func mutate() {
        guard faults > 0 else { return }
        let interesting: [UInt8] = [34, 92, 123, 125, 91, 93, 44, 58, 48, 45, 101, 46, 0, 31, 32, 0x80, 0xC3, 0xFF, 110, 116]
        for _ in 0..<d.below(4) {
            guard !out.isEmpty else { break }
            let at = Int(d.byte()) << 8 | Int(d.byte())
            let i = at % out.count
            switch d.below(8) {
            case 0: out.removeSubrange(i...)
            case 1: out.remove(at: i)
            case 2: out.insert(interesting[d.below(interesting.count)], at: i)
            case 3: out[i] = interesting[d.below(interesting.count)]
            case 4: out[i] = d.byte()
            case 5: let j = min(out.count, i + 1 + d.below(16)); out.insert(contentsOf: Array(out[i..<j]), at: j)
            case 6: out += Array([" x", ",", "}", "{}", " ", "\n", "\u{0}", "]"][d.below(8)].utf8)
            default: out.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)
            }
        }
    }
}

extension String {
    /// "\u00XX" for one byte of an ASCII member name (an escaped key).
    init(format b: UInt8) {
        let hex = Array("0123456789abcdef".utf8)
        self = String(decoding: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
    }
}
