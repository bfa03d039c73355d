/// Byte-level ASCII helpers for the HTTP and signing hot paths (header names are ASCII).
enum ASCII {
    /// c with A-Z lowercased; every other byte as is.
    @inline(__always)
    static func lower(_ c: UInt8) -> UInt8 { c &- 65 < 26 ? c | 0x20 : c }
}
