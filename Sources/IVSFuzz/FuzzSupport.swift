// What every target shares: the input reader, the invariant check, JSON and timestamp checks, a
// scratch directory for targets that must go through files.
@testable import IVSCore
import CJansson
#if canImport(Glibc)
import Glibc
#endif

/// Stops the process with a message when a promise of the library is broken: libFuzzer reports it
/// (deadly signal) and saves the input. A plain trap, so it is caught like any crash in the library.
func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        fputs("libivs fuzz invariant broken: \(message())\n", stderr)
        fatalError("invariant")
    }
}

/// Reads an input from the front: selector bytes (or a stream of decisions), then the rest as the
/// payload. Reading past the end gives zeros (the plain choice), so every input is usable, however
/// short.
struct FuzzInput {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func byte() -> UInt8 {
        guard at < bytes.count else { return 0 }
        defer { at += 1 }
        return bytes[at]
    }

    /// 0 ..< n (0 when the input is used up).
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(byte()) % n }

    /// True about once in n (never when the input is used up).
    mutating func oneIn(_ n: Int) -> Bool { n <= 1 || Int(byte()) % n == n - 1 }

    /// Whatever is left.
    var rest: UnsafeBufferPointer<UInt8> {
        at >= bytes.count ? UnsafeBufferPointer(start: nil, count: 0) : UnsafeBufferPointer(rebasing: bytes[at...])
    }
}

/// Every operation of the three services, in model order: the byte that picks one is taken modulo
/// the count (103 with the models of botocore 1.44.8).
let allOperations: [(ServiceModel, IVSCore.Operation)] = ServiceModel.all.flatMap { m in m.operations.map { (m, $0) } }

/// The bytes as a NUL-terminated C string for the C ABI's text arguments: up to the first NUL, as a
/// C caller's string would end there.
func withCString<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<CChar>) -> T) -> T {
    var copy = Array(bytes.prefix(while: { $0 != 0 }))
    copy.append(0)
    return copy.withUnsafeBufferPointer { b in
        b.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
    }
}

/// Checks that text handed to a C caller (malloc'd output or error JSON) is one JSON value (RFC 8259:
/// "\u0000" included, which jansson refuses unless told) without a repeated key, and returns it
/// parsed (owned).
@discardableResult
func mustParse(_ text: UnsafePointer<CChar>?, _ what: String) -> JSONPointer? {
    guard let text else {
        invariant(false, "\(what): no text")
        return nil
    }
    var err = json_error_t()
    guard let v = json_loads(text, Int(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL), &err) else {
        let message = withUnsafeBytes(of: &err.text) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        invariant(false, "\(what) is not valid JSON (\(message), column \(err.column)): \(String(cString: text).prefix(300))")
        return nil
    }
    return v
}

/// An error as the C ABI returns it (ErrorJSON.swift, the ABI's own file): one JSON value with the
/// fixed shape.
func checkErrorJSON(_ e: IVSError, _ what: String) {
    guard let text = e.text() else { return invariant(false, "\(what): no error JSON") }
    defer { text.free() }
    guard let v = mustParse(text.pointer, "\(what) error JSON") else { return }
    defer { JSON.release(v) }
    let err = v["error"]
    invariant(err?.kind == .object, "\(what): error JSON has no error object")
    for key in ["kind", "code", "message", "httpStatus", "requestId", "retryable", "attempts", "fields"] {
        invariant(err?[key] != nil, "\(what): error JSON lacks \(key)")
    }
    // C callers read it with jansson's defaults, which refuse U+0000 (include/ivs.h: never in it).
    var strictError = json_error_t()
    let strict = json_loads(text.pointer, 0, &strictError)
    invariant(strict != nil, "\(what): jansson's defaults refuse the error JSON: \(String(cString: text.pointer).prefix(300))")
    json_decref(strict)
}

/// A client for the stages of a call that do not send: prepare (validation off, as then anything
/// reaches the serializer), sign, classify, render. Its transport is never used.
enum FuzzClient {
    static let shared: Client = {
        var config = ClientConfig()
        config.region = "us-west-2"
        config.credentials = RequestCheck.credentials
        config.validation = .off
        do throws(IVSError) { return try Client(config: config, env: ScratchDirectory.emptyEnvironment) } catch {
            fatalError("the fuzz client cannot be made: \(error.message)")
        }
    }()
}

/// Whether s is what the contract promises for a timestamp in output: ISO 8601 UTC,
/// YYYY-MM-DDTHH:MM:SS[.ffffff]Z for a year 0001 to 9999, that libivs's own parser reads back.
func isOutputTimestamp(_ s: String) -> Bool {
    let b = Array(s.utf8)
    guard b.count >= 20, b.count <= 27, b.last == 90 else { return false } // Z
    func digits(_ r: Range<Int>) -> Bool { r.allSatisfy { b[$0] >= 48 && b[$0] <= 57 } }
    guard digits(0..<4), b[4] == 45, digits(5..<7), b[7] == 45, digits(8..<10), b[10] == 84,
          digits(11..<13), b[13] == 58, digits(14..<16), b[16] == 58, digits(17..<19) else { return false }
    if b.count > 20 {
        guard b.count >= 22, b[19] == 46, digits(20..<(b.count - 1)), b[b.count - 2] != 48 else { return false } // no trailing zero
    }
    guard b[0..<4] != [48, 48, 48, 48] else { return false } // year 0000
    return Clock.parseISO8601(s) != nil
}

/// A directory of its own for targets whose code reads files (the shared config, the SSO cache),
/// made once per process and removed at exit (a crash skips that: scripts/fuzz.sh gives its runs a
/// parent, IVS_FUZZ_SCRATCH, that it removes itself). In /dev/shm where there is one: files are
/// written for every input, and a disk's open/truncate would cost more than the rest of the input.
enum ScratchDirectory {
    static let path: String = {
        let base = getenv("IVS_FUZZ_SCRATCH").map { String(cString: $0) }
            ?? (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp")
        var template = Array("\(base)/ivs-fuzz-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let made else {
            fputs("libivs fuzz: cannot make a scratch directory: \(String(cString: strerror(errno)))\n", stderr)
            exit(2)
        }
        let dir = String(cString: made)
        atexit { removeScratch() }
        return dir
    }()

    /// An environment of nothing but HOME (this directory) and shared files that do not exist.
    static let emptyEnvironment = Environment(overrides: ["HOME": path, "AWS_CONFIG_FILE": path + "/no-config",
                                                          "AWS_SHARED_CREDENTIALS_FILE": path + "/no-credentials"])

    /// Writes bytes to a file in the directory (replacing it); returns its path.
    static func write(_ name: String, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let file = path + "/" + name
        guard let f = fopen(file, "wb") else {
            fputs("libivs fuzz: cannot write \(file): \(String(cString: strerror(errno)))\n", stderr)
            exit(2)
        }
        if let base = bytes.baseAddress, bytes.count > 0 { _ = fwrite(base, 1, bytes.count, f) }
        fclose(f)
        return file
    }
}

/// Removes the scratch directory's files and the directory (atexit: no captures).
private func removeScratch() {
    let dir = ScratchDirectory.path
    guard let d = opendir(dir) else { return }
    while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name != "." && name != ".." { unlink(dir + "/" + name) }
    }
    closedir(d)
    rmdir(dir)
}
