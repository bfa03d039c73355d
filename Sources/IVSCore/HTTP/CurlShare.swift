import CCurl
import CIVSShims

/// One client's curl share: the DNS cache and TLS sessions of all its easy handles (the blocking
/// pool's and the event loop's), behind a mutex per kind of data. Connections are not shared: libcurl
/// does not support sharing them between threads. Freed when the last transport using it goes.
final class CurlShare: @unchecked Sendable {
    /// nil if curl could not make one: handles then keep their own caches.
    let share: OpaquePointer?

    init() {
        _ = CurlShare.globalInit
        share = civs_share_new()
    }

    deinit { civs_share_free(share) }

    /// curl_global_init exactly once per process, before the first handle.
    static let globalInit: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()
}
