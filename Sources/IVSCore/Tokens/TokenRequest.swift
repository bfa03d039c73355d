import COpenSSL
import CJansson

/// Reads the members of a token request object, collecting every problem (wrong type, out of range,
/// unknown member) so one error lists them all, as ParamValidationError does for operations.
/// JSON null counts as absent, so bindings may pass None for an optional member.
struct TokenRequest {
    let root: JSONPointer
    var problems: [(path: String, problem: String)] = []

    init(_ root: JSONPointer, members: [String]) {
        self.root = root
        root.forEachMember { k, _ in
            if !members.contains(k) {
                problems.append((path: k, problem: "unknown member; expected one of: " + members.joined(separator: ", ")))
            }
        }
    }

    var failure: IVSError? { problems.isEmpty ? nil : .validation(problems) }

    mutating func problem(_ path: String, _ text: String) { problems.append((path: path, problem: text)) }

    /// Takes the problems of a validation error (e.g. a bad key) into this request's list.
    mutating func absorb(_ e: IVSError) {
        var found = false
        for (_, v) in e.fields {
            if case .problems(let ps) = v { problems.append(contentsOf: ps); found = true }
        }
        if !found { problems.append((path: "", problem: e.message)) }
    }

    func value(_ key: String) -> JSONPointer? {
        guard let v = root[key], v.kind != .null else { return nil }
        return v
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let v = value(key) else {
            if required { problem(key, "is required") }
            return nil
        }
        guard let s = v.stringValue else { problem(key, "must be a string"); return nil }
        return s
    }

    mutating func integer(_ key: String) -> Int64? {
        guard let v = value(key) else { return nil }
        guard let i = v.intValue else { problem(key, "must be an integer"); return nil }
        return i
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let v = value(key) else { return nil }
        guard let b = v.boolValue else { problem(key, "must be true or false"); return nil }
        return b
    }

    /// Loads the private key straight from the parsed JSON string (no Swift copy), then clears that
    /// string in place so the key does not linger in freed jansson memory.
    mutating func privateKey(_ key: String = "privateKey") -> ECKey? {
        guard let v = value(key) else { problem(key, "is required (an ECDSA P-384 private key PEM)"); return nil }
        guard v.kind == .string, let c = json_string_value(v) else { problem(key, "must be a string (PEM)"); return nil }
        let n = json_string_length(v)
        defer { OPENSSL_cleanse(UnsafeMutableRawPointer(mutating: c), n) }
        switch ECKey.privateKey(pem: UnsafeRawBufferPointer(start: c, count: n), path: key) {
        case .success(let k): return k
        case .failure(let e): absorb(e); return nil
        }
    }

    /// An ARN of the model's shape arn:aws:ivs:REGION:ACCOUNT:TYPE/ID (at most 128 characters).
    mutating func arn(_ key: String, type: String, required: Bool = true) -> String? {
        guard let s = string(key, required: required) else { return nil }
        guard Self.isARN(s, type: type) else {
            problem(key, "must be an ARN of the form arn:aws:ivs:REGION:ACCOUNT:\(type)/ID (at most 128 characters)")
            return nil
        }
        return s
    }

    static func isARN(_ s: String, type: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count <= 128 else { return false }
        let parts = u.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].elementsEqual("arn".utf8), parts[1].elementsEqual("aws".utf8),
              parts[2].elementsEqual("ivs".utf8) else { return false }
        func all(_ p: ArraySlice<UInt8>, _ ok: (UInt8) -> Bool) -> Bool { !p.isEmpty && p.allSatisfy(ok) }
        guard all(parts[3], { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }),
              all(parts[4], { $0 >= 48 && $0 <= 57 }) else { return false }
        let resource = parts[5]
        let prefix = Array((type + "/").utf8)
        guard resource.starts(with: prefix) else { return false }
        return all(resource.dropFirst(prefix.count), { isAlnum($0) || $0 == UInt8(ascii: "-") })
    }

    static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
    static func isAlnum(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 65 && c <= 90) }

    /// The number of Unicode code points (what AWS length limits count).
    static func characters(_ s: String) -> Int { s.unicodeScalars.count }
}
