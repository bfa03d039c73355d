#if canImport(Glibc)
import Glibc
#endif

/// A CA bundle setting (caBundle, AWS_CA_BUNDLE, ca_bundle) is checked when the client is made: a
/// readable regular file that holds a PEM certificate. curl would otherwise fail every call with a TLS
/// error that says little about the setting. Only the PEM marker is looked for (in the first 64 KiB,
/// where bundles start with their certificates): decoding a certificate with OpenSSL 3 costs more
/// than a millisecond, and curl decodes them all when it first needs them anyway.
enum CABundle {
    static let searched = 64 << 10

    /// The problem with path, or nil when it is usable.
    static func problem(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return "cannot be read: \(String(cString: strerror(errno)))" }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return "is not a regular file" }
        guard let f = fopen(path, "rb") else { return "cannot be read: \(String(cString: strerror(errno)))" }
        defer { fclose(f) }
        var head = [UInt8](repeating: 0, count: searched)
        let n = head.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        let marker = Array("-----BEGIN CERTIFICATE-----".utf8)
        guard n >= marker.count else { return "holds no PEM certificate" }
        for i in 0...(n - marker.count) where head[i] == 45 && head[i..<(i + marker.count)].elementsEqual(marker) {
            return nil
        }
        return "holds no PEM certificate"
    }
}
