#if canImport(Glibc)
import Glibc
#endif
import COpenSSL

/// A CA bundle setting (caBundle, AWS_CA_BUNDLE, ca_bundle) is checked when the client is made: a
/// readable regular file with at least one PEM certificate. curl would otherwise fail every call
/// with a TLS error that says little about the setting.
enum CABundle {
    /// The problem with path, or nil when it is usable.
    static func problem(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return "cannot be read: \(String(cString: strerror(errno)))" }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return "is not a regular file" }
        guard access(path, R_OK) == 0 else { return "cannot be read: \(String(cString: strerror(errno)))" }
        guard let bio = BIO_new_file(path, "r") else { return "cannot be opened" }
        defer { BIO_free(bio) }
        // The first CERTIFICATE block (other PEM blocks are skipped); enough to know it is a bundle.
        guard let cert = PEM_read_bio_X509(bio, nil, nil, nil) else {
            ERR_clear_error()
            return "holds no PEM certificate"
        }
        X509_free(cert)
        return nil
    }
}
