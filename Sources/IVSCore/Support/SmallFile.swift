#if canImport(Glibc)
import Glibc
#endif

/// Small files libivs reads whole: the shared config files, token files, the SSO cache.
enum SmallFile {
    enum ReadResult { case bytes([UInt8]), missing, failed(String) }

    /// Reads a whole (small) file; files over 16 MiB are refused.
    static func read(_ path: String) -> ReadResult {
        guard let f = fopen(path, "rb") else {
            let e = errno
            if e == ENOENT || e == ENOTDIR { return .missing }
            return .failed(String(cString: strerror(e)))
        }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n > 0 { out.append(contentsOf: buf[0..<n]) }
            if out.count > 16 << 20 { return .failed("larger than 16 MiB") }
            if n < buf.count {
                if ferror(f) != 0 { return .failed(String(cString: strerror(errno))) }
                break
            }
        }
        return .bytes(out)
    }
}
