/// Tries its providers in order; the first that yields credentials wins and is remembered.
/// Temporary credentials are refreshed ahead of expiry as botocore does: inside the advisory window
/// (15 min) one caller refreshes while the others keep using the current credentials; inside the
/// mandatory window (10 min) callers wait for that one refresh. A refresh happens once however many
/// threads call at the same moment.
public final class CredentialChain: @unchecked Sendable {
    static let advisoryRefresh: Double = 15 * 60
    static let mandatoryRefresh: Double = 10 * 60

    private let providers: [CredentialProvider]
    private let state = Lock()          // guards cached, source, refreshing
    private let refreshLock = Lock()    // serializes fetching
    private var cached: Credentials?
    private var source: CredentialProvider?
    private var refreshing = false
    private let logLevel: Int32
    /// The error when no provider has credentials (nil: the chain's own, listing the sources tried).
    private let noneMessage: String?
    private let noneCode: String
    /// What the debug log calls the credentials this chain serves.
    private let label: String

    public init(providers: [CredentialProvider], logLevel: Int32 = 0) {
        self.providers = providers
        self.logLevel = logLevel
        self.noneMessage = nil
        self.noneCode = ErrorCode.noCredentials
        self.label = "credentials"
    }

    /// A chain for the source credentials of a role (source_profile, credential_source): cached and
    /// refreshed on their own schedule; `noneMessage` when none of its providers has credentials.
    init(providers: [CredentialProvider], noneMessage: String, code: String) {
        self.providers = providers
        self.logLevel = 0
        self.noneMessage = noneMessage
        self.noneCode = code
        self.label = "source credentials"
    }

    public var providerNames: [String] { providers.map(\.name) }

    /// The current credentials if they can be used now without asking any source (what the event
    /// loop, which must not block, asks first). In the advisory window they are returned and
    /// refreshInBackground is called so that one refresh starts; nil when a refresh must finish first.
    func peek(refreshInBackground: () -> Void) -> Credentials? {
        let (found, startRefresh): (Credentials?, Bool) = state.withLock {
            switch need(cached) {
            case .none: return (cached, false)
            case .advisory: return (cached, !refreshing)
            case .mandatory: return (nil, false)
            }
        }
        if startRefresh { refreshInBackground() }
        return found
    }

    /// The current credentials (resolved, or refreshed, if needed) and the provider that served them.
    public func current() throws(IVSError) -> (Credentials, String) {
        let c = try resolve()
        return (c, sourceName ?? "")
    }

    /// The name of the provider that served the current credentials, if any.
    public var sourceName: String? { state.withLock { source?.name } }

    /// How soon credentials must be refreshed (nil credentials: now). The credentials stay where
    /// they are: the caller copies them out only when it uses them (a copy retains three Strings).
    enum Need { case none, advisory, mandatory }

    private func need(_ c: Credentials?) -> Need {
        guard let c else { return .mandatory }
        guard let exp = c.expiration else { return .none }
        let left = exp - CredentialClock.now()
        if left > Self.advisoryRefresh { return .none }
        if left > Self.mandatoryRefresh { return .advisory }
        return .mandatory
    }

    public func resolve() throws(IVSError) -> Credentials {
        let first: Credentials? = state.withLock {
            switch need(cached) {
            case .none: return cached
            case .advisory where refreshing: return cached
            default: return nil
            }
        }
        if let first { return first }

        refreshLock.lock()
        defer { refreshLock.unlock() }
        // Another caller may have refreshed while this one waited.
        let (current, src): (Credentials?, CredentialProvider?) = state.withLock {
            if case .none = need(cached) { return (cached, nil) }
            refreshing = true
            return (cached, source)
        }
        if let current, src == nil, current.expiration.map({ $0 - CredentialClock.now() > Self.advisoryRefresh }) ?? true {
            return current
        }
        defer { state.withLock { refreshing = false } }
        do throws(IVSError) {
            let (fresh, from) = try fetch(preferring: src)
            if let field = fresh.unsendableField {
                throw IVSError.credentials("\(from.name) returned credentials whose \(field) has a control character; "
                                           + "they cannot be sent in a header", code: "CredentialRetrievalError")
            }
            if let exp = fresh.expiration, exp <= CredentialClock.now() {
                throw IVSError.credentials("\(from.name) returned credentials that are already expired",
                                           code: "CredentialRetrievalError")
            }
            state.withLock {
                cached = fresh
                source = from
            }
            Log.log(.debug, clientLevel: logLevel, "\(label) from \(from.name)" + (src == nil ? "" : " (refreshed)")
                    + (fresh.expiration.map { ", expiring at " + Clock.text($0) } ?? ""))
            return fresh
        } catch {
            // In the advisory window a failed refresh keeps the current credentials (botocore too).
            if let current, case .advisory = need(current) {
                Log.log(.warn, "refreshing credentials failed, using the current ones until the mandatory window: \(error.message)")
                return current
            }
            throw error
        }
    }

    /// The refresh source first (the provider that served before), then the whole chain.
    private func fetch(preferring src: CredentialProvider?) throws(IVSError) -> (Credentials, CredentialProvider) {
        if let src, let c = try src.credentials() { return (c, src) }
        for p in providers {
            if let c = try p.credentials() { return (c, p) }
        }
        if let noneMessage { throw .credentials(noneMessage, code: noneCode) }
        throw .credentials("Unable to locate credentials. Tried: " + providerNames.joined(separator: ", ")
                           + ". Set credentials in the client config, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                           + " or a profile in ~/.aws/credentials or ~/.aws/config (see docs/configuration.md).")
    }
}
