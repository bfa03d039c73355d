#if canImport(Glibc)
import Glibc
#endif

/// credential_process: runs the profile's command (split as shlex.split does, run without a shell)
/// and reads {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"} from its
/// stdout. A non-zero exit or a bad document is an error that carries the process's stderr.
public struct ProcessCredentialProvider: CredentialProvider {
    public let name = "custom-process"
    let command: String?
    let profile: String
    /// How long the process may run; past it, its process group is killed.
    let timeoutMs: Int
    /// Long enough for a helper that asks an SSO portal or a hardware token; short enough that a hung
    /// helper does not hold every thread of the client behind the credential refresh.
    public static let defaultTimeoutMs = 60_000

    public init(profile: String, command: String?, timeoutMs: Int = ProcessCredentialProvider.defaultTimeoutMs) {
        self.profile = profile
        self.command = command
        self.timeoutMs = timeoutMs
    }

    public func credentials() throws(IVSError) -> Credentials? {
        guard let command, !command.isEmpty else { return nil }
        let source = "credential_process of profile \"\(Text.shown(profile))\""
        guard let argv = Self.split(command), !argv.isEmpty else {
            throw .credentials("\(source) is not a valid command line (unbalanced quotes?)",
                               code: "CredentialRetrievalError")
        }
        let run: ProcessResult
        switch Self.run(argv, timeoutMs: timeoutMs) {
        case .success(let r): run = r
        case .failure(let why): throw .credentials("\(source): cannot run \(argv[0]): \(why)", code: "CredentialRetrievalError")
        }
        if run.timedOut {
            throw .credentials("\(source) did not finish within \(timeoutMs) ms and was stopped "
                               + "(credentialProcessTimeoutMs sets the limit)", code: "CredentialRetrievalError")
        }
        guard run.status == 0 else {
            let err = Text.excerpt(Text.trimmed(String(decoding: run.stderr, as: UTF8.self)), limit: 500)
            throw .credentials("\(source) exited with status \(run.status)" + (err.isEmpty ? "" : ": \(err)"),
                               code: "CredentialRetrievalError")
        }
        let creds: Credentials? = try CredentialDocument.withObject(run.stdout) { o throws(IVSError) -> Credentials in
            guard let v = o["Version"]?.intValue else {
                throw .credentials("\(source): the output has no integer Version", code: "CredentialRetrievalError")
            }
            guard v == 1 else {
                throw .credentials("\(source): unsupported Version \(v); supported versions: 1", code: "CredentialRetrievalError")
            }
            return try CredentialDocument.credentials(o, source: source, token: "SessionToken")
        }
        guard let creds else {
            let err = Text.excerpt(Text.trimmed(String(decoding: run.stderr, as: UTF8.self)), limit: 500)
            throw .credentials("\(source) did not print a JSON object on stdout"
                               + (err.isEmpty ? "" : "; its stderr: \(err)"), code: "CredentialRetrievalError")
        }
        if let exp = creds.expiration, exp <= CredentialClock.now() {
            throw .credentials("\(source) returned credentials that expired at \(Clock.text(exp))",
                               code: "CredentialRetrievalError")
        }
        return creds
    }

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
        init(_ code: Int32) { description = String(cString: strerror(code)) }
    }

    struct ProcessResult {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        var timedOut = false
    }

    /// Most of a process's output that is kept (a runaway process must not exhaust memory).
    static let maxStdout = 1 << 20
    static let maxStderr = 1 << 16

    /// Runs argv (PATH lookup as execvp) in a process group of its own, inheriting the environment
    /// and stdin; collects stdout and stderr. Past timeoutMs the whole group (the process and anything
    /// it started) is killed, so a hung helper cannot hold its caller or leave children behind.
    static func run(_ argv: [String], timeoutMs: Int) -> Result<ProcessResult, SpawnError> {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0 else { return .failure(SpawnError(errno)) }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            return .failure(SpawnError(errno))
        }
        // Close-on-exec, so that processes other threads spawn do not hold our pipes open.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cargs.append(nil)
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cargs, environ)
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0])
            return .failure(SpawnError(rc))
        }
        var result = ProcessResult(status: 0, stdout: [], stderr: [])
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0),
                   pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        var open = 2
        var buf = [UInt8](repeating: 0, count: 16384)
        let deadline = Clock.monotonic() + Double(timeoutMs) / 1000
        while open > 0 {
            let left = deadline - Clock.monotonic()
            if left <= 0 { result.timedOut = true; break }
            let n = poll(&fds, 2, Int32(min(left * 1000 + 1, 60_000)))
            if n < 0 { if errno == EINTR { continue } else { break } }
            for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
                let got = buf.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if got > 0 {
                    if i == 0 { if result.stdout.count < maxStdout { result.stdout.append(contentsOf: buf[0..<got]) } }
                    else if result.stderr.count < maxStderr { result.stderr.append(contentsOf: buf[0..<got]) }
                } else if got == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(fds[i].fd)
                    fds[i].fd = -1
                    open -= 1
                }
            }
        }
        for f in fds where f.fd >= 0 { close(f.fd) }
        if result.timedOut { kill(-pid, SIGKILL) }
        var status: Int32 = 0
        if !result.timedOut {
            // Output closed; the process should exit now, but a helper that closed its output and
            // hangs is stopped at the same deadline.
            while waitpid(pid, &status, WNOHANG) == 0 {
                if Clock.monotonic() >= deadline { result.timedOut = true; kill(-pid, SIGKILL); break }
                var ts = timespec(tv_sec: 0, tv_nsec: 5_000_000)
                nanosleep(&ts, nil)
            }
        }
        if result.timedOut { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
        // WIFEXITED / WEXITSTATUS, WTERMSIG (macros Swift cannot import).
        result.status = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return .success(result)
    }

    /// POSIX shell-like splitting as Python's shlex.split (no comments): quotes, backslash escapes.
    static func split(_ s: String) -> [String]? {
        var words: [String] = []
        var cur = ""
        var inWord = false
        var it = Array(s)
        var i = 0
        func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }
        while i < it.count {
            let c = it[i]
            if isSpace(c) {
                if inWord { words.append(cur); cur = ""; inWord = false }
            } else if c == "\\" {
                inWord = true
                if i + 1 < it.count { i += 1; cur.append(it[i]) }
            } else if c == "'" {
                inWord = true
                guard let end = it[(i + 1)...].firstIndex(of: "'") else { return nil }
                cur += String(it[(i + 1)..<end])
                i = end
            } else if c == "\"" {
                inWord = true
                i += 1
                while true {
                    guard i < it.count else { return nil }
                    let d = it[i]
                    if d == "\"" { break }
                    if d == "\\", i + 1 < it.count, "\\\"$`\n".contains(it[i + 1]) { i += 1; cur.append(it[i]) }
                    else { cur.append(d) }
                    i += 1
                }
            } else {
                inWord = true
                cur.append(c)
            }
            i += 1
        }
        it.removeAll()
        if inWord { words.append(cur) }
        return words
    }
}
