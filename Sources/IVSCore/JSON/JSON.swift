#if canImport(Glibc)
import Glibc
#endif
import CJansson

/// A jansson value. Functions named `new...` or documented as "owned" return a new reference the
/// caller releases with `JSON.release`; everything else borrows.
public typealias JSONPointer = UnsafeMutablePointer<json_t>

public enum JSONKind: Sendable {
    case object, array, string, integer, real, bool, null
}

extension UnsafeMutablePointer where Pointee == json_t {
    @inline(__always)
    public var kind: JSONKind {
        switch pointee.type {
        case JSON_OBJECT: return .object
        case JSON_ARRAY: return .array
        case JSON_STRING: return .string
        case JSON_INTEGER: return .integer
        case JSON_REAL: return .real
        case JSON_TRUE, JSON_FALSE: return .bool
        default: return .null
        }
    }

    public var stringValue: String? {
        guard pointee.type == JSON_STRING, let c = json_string_value(self) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: c, count: json_string_length(self)), as: UTF8.self)
    }

    /// The string's length in Unicode code points (what AWS length constraints count).
    public var stringCodePoints: Int? {
        guard pointee.type == JSON_STRING, let c = json_string_value(self) else { return nil }
        let bytes = UnsafeRawBufferPointer(start: c, count: json_string_length(self))
        var n = 0
        for b in bytes where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    public var intValue: Int64? {
        pointee.type == JSON_INTEGER ? Int64(json_integer_value(self)) : nil
    }

    /// The value of an integer or real.
    public var numberValue: Double? {
        switch pointee.type {
        case JSON_INTEGER: return Double(json_integer_value(self))
        case JSON_REAL: return json_real_value(self)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        switch pointee.type {
        case JSON_TRUE: return true
        case JSON_FALSE: return false
        default: return nil
        }
    }

    /// Member of an object (borrowed), or nil.
    public subscript(key: String) -> JSONPointer? {
        json_object_get(self, key)
    }

    /// Number of elements of an array or members of an object.
    public var count: Int {
        switch pointee.type {
        case JSON_ARRAY: return json_array_size(self)
        case JSON_OBJECT: return json_object_size(self)
        default: return 0
        }
    }

    public func element(_ i: Int) -> JSONPointer? { json_array_get(self, i) }

    /// Visits an object's members in order (borrowed values).
    public func forEachMember(_ body: (String, JSONPointer) throws -> Void) rethrows {
        var it = json_object_iter(self)
        while let i = it {
            if let k = json_object_iter_key(i), let v = json_object_iter_value(i) {
                try body(String(cString: k), v)
            }
            it = json_object_iter_next(self, i)
        }
    }

    /// Sets a member, taking ownership of value (a nil value is ignored).
    @inline(__always)
    public func set(_ key: String, _ value: JSONPointer?) {
        guard let value else { return }
        json_object_set_new(self, key, value)
    }

    /// Appends to an array, taking ownership of value.
    @inline(__always)
    public func append(_ value: JSONPointer?) {
        guard let value else { return }
        json_array_append_new(self, value)
    }
}

public enum JSON {
    public struct ParseError: Error {
        public let message: String
        public let line: Int
        public let column: Int
    }

    /// Parses UTF-8 JSON text (owned result). Rejects invalid UTF-8, NUL characters in strings,
    /// duplicate object keys and nesting deeper than jansson's limit (2048).
    /// With a length, a raw NUL byte anywhere is refused first: it is never valid JSON, and jansson
    /// 2.14 takes one right after a number as the number's end (`{"a":0\0}` parses), so text it
    /// accepted could reach a C caller cut short (the chat fuzz target's finding 7).
    public static func parse(_ text: UnsafePointer<CChar>, length: Int? = nil) -> Result<JSONPointer, ParseError> {
        if let length, length > 0, let nul = memchr(text, 0, length) {
            let at = UnsafeRawPointer(nul) - UnsafeRawPointer(text)
            return .failure(ParseError(message: "a NUL byte in the text (offset \(at))", line: 1, column: at + 1))
        }
        var err = json_error_t()
        let flags = Int(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)
        let v: JSONPointer? = length.map { json_loadb(text, $0, flags, &err) } ?? json_loads(text, flags, &err)
        guard let v else {
            let full = withUnsafeBytes(of: &err.text) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            return .failure(ParseError(message: withoutExcerpt(full), line: Int(err.line), column: Int(err.column)))
        }
        return .success(v)
    }

    /// jansson's message without its "near '...'" excerpt of the text: the text may hold secrets
    /// (credentials in config_json, a private key in request_json, a stream's metadata). Line and
    /// column still say where the problem is.
    static func withoutExcerpt(_ message: String) -> String {
        let b = Array(message.utf8), near = Array(" near ".utf8)
        guard b.count >= near.count else { return message }
        for i in 0...(b.count - near.count) where b[i..<(i + near.count)].elementsEqual(near) {
            return String(decoding: b[..<i], as: UTF8.self)
        }
        return message
    }

    /// Parses JSON bytes from outside (a response body, a credential document) (owned result).
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONPointer, ParseError> {
        bytes.withMemoryRebound(to: CChar.self) { c in
            guard let base = c.baseAddress else { return parse("", length: 0) }
            return parse(base, length: c.count)
        }
    }

    public static func parse(bytes: [UInt8]) -> Result<JSONPointer, ParseError> {
        bytes.withUnsafeBufferPointer { parse(bytes: $0) }
    }

    public static func parse(_ text: String) -> Result<JSONPointer, ParseError> {
        var t = text
        return t.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { b in
                guard let base = b.baseAddress else { return parse("", length: 0) }
                return parse(base, length: b.count)
            }
        }
    }

    /// Compact JSON text as a malloc'd C string the caller frees with free() (ivs_free).
    public static func dumpC(_ v: JSONPointer) -> UnsafeMutablePointer<CChar>? {
        json_dumps(v, Int(JSON_COMPACT | JSON_ENCODE_ANY))
    }

    /// Compact JSON text as a Swift string.
    public static func dump(_ v: JSONPointer) -> String {
        guard let c = dumpC(v) else { return "null" }
        defer { free(c) }
        return String(cString: c)
    }

    @inline(__always) public static func release(_ v: JSONPointer?) { json_decref(v) }
    @inline(__always) public static func retain(_ v: JSONPointer) -> JSONPointer { json_incref(v) ?? v }

    public static func object() -> JSONPointer? { json_object() }
    public static func array() -> JSONPointer? { json_array() }
    public static func string(_ s: String) -> JSONPointer? {
        var s = s
        return s.withUTF8 { b in
            b.withMemoryRebound(to: CChar.self) { c in
                guard let base = c.baseAddress else { return json_string("") }
                return json_stringn(base, c.count)
            }
        }
    }
    public static func integer(_ i: Int64) -> JSONPointer? { json_integer(json_int_t(i)) }
    public static func real(_ d: Double) -> JSONPointer? { json_real(d) }
    public static func bool(_ b: Bool) -> JSONPointer? { b ? json_true() : json_false() }
    public static func null() -> JSONPointer? { json_null() }
}
