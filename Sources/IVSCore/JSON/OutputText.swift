#if canImport(Glibc)
import Glibc
#endif

/// JSON text in one malloc'd, NUL-terminated buffer: the form the C ABI hands its caller, so the core
/// writes output there directly rather than into an array the ABI would copy. Whoever receives it
/// owns it and frees it with free() (ivs_free).
public struct OutputText: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<CChar>

    public init(_ pointer: UnsafeMutablePointer<CChar>) { self.pointer = pointer }

    /// A copy of bytes with a NUL after them; nil when out of memory.
    public static func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> OutputText? {
        guard let p = malloc(bytes.count + 1)?.assumingMemoryBound(to: UInt8.self) else { return nil }
        if let base = bytes.baseAddress { memcpy(p, base, bytes.count) }
        p[bytes.count] = 0
        return OutputText(UnsafeMutableRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    /// The compact text of a jansson value; nil when out of memory.
    public static func dump(_ v: JSONPointer) -> OutputText? {
        JSON.dumpC(v).map(OutputText.init)
    }

    /// The text as a Swift string (a copy), for tests and for callers inside the core.
    public var string: String { String(cString: pointer) }

    public func free() { Glibc.free(pointer) }
}
