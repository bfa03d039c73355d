#if canImport(Glibc)
import Glibc
#endif
import CJansson

/// Writes a token cache file (~/.aws/sso/cache, ~/.aws/login/cache) as botocore's JSONFileCache
/// does: the JSON as Python's json.dumps writes it (", " and ": ", non-ASCII escaped, keys in the
/// order given), into a temporary file of mode 0600 in the same directory, flushed, then renamed
/// over the old one, so a reader (the AWS CLI, another process) never sees half a file.
enum TokenCacheFile {
    static func write(_ path: String, _ document: JSONPointer) -> String? {
        guard let text = json_dumps(document, Int(JSON_ENSURE_ASCII)) else { return "cannot encode the token" }
        defer { free(text) }
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var template = Array((dir + "/tmpXXXXXX.tmp").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { b -> Int32 in b.baseAddress.map { mkstemps($0, 4) } ?? -1 }
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        let tmp = String(cString: template)
        var left = strlen(text)
        var p = UnsafeRawPointer(text)
        var failure: String?
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                break
            }
            left -= n
            p += n
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil && rename(tmp, path) != 0 { failure = String(cString: strerror(errno)) }
        if failure != nil { unlink(tmp) }
        return failure
    }
}
