#if canImport(Glibc)
import Glibc
#endif

/// "Now" for judging the expiry of credentials and tokens (refresh windows, cached SSO and login
/// tokens, instance-metadata extensions). It is the wall clock, unless the test hook is set:
///
/// IVS_TEST_CREDENTIAL_CLOCK_FILE names a file holding a number of seconds (may be negative or
/// fractional) that is added to the wall clock for these judgements only. The variable is read once
/// per process; the file on every judgement, so a test moves time between calls without sleeping
/// (Tests/config). It never changes the time requests are signed with, so at worst a wrong value
/// makes libivs refresh early or late (and a service then refuses expired credentials); whoever can
/// set a process's environment can already choose its credentials. A release library has no test
/// build, and a client config key could not move during a client's life: hence a file.
enum CredentialClock {
    static let variable = "IVS_TEST_CREDENTIAL_CLOCK_FILE"
    private static let offsetFile: String? = Environment.process.nonEmpty(variable)

    static func now() -> Double {
        guard let file = offsetFile else { return Clock.now() }
        return Clock.now() + offset(file)
    }

    /// The file's number; 0 when it is missing or not a number of at most ten years.
    private static func offset(_ file: String) -> Double {
        guard case .bytes(let b) = SmallFile.read(file), b.count <= 64,
              let v = Double(Text.trimmed(String(decoding: b, as: UTF8.self))), v.isFinite,
              abs(v) <= 10 * 365 * 86_400 else { return 0 }
        return v
    }
}
