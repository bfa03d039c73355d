#if canImport(Glibc)
import Glibc
#endif

/// One INI file of the AWS shared configuration (~/.aws/config or ~/.aws/credentials), parsed by the
/// rules of Python's RawConfigParser as botocore uses it: `[section]` headers (names case-sensitive),
/// `key = value` or `key: value` options (keys lowercased), full-line `#` and `;` comments, no inline
/// comments, indented lines continuing the previous value, duplicate sections or keys rejected.
/// A value that starts on the line after its key (`s3 =` then indented `key = value` lines) is a
/// nested section; `nested(_:)` splits it.
public struct SharedConfigFile: Sendable {
    /// Section name -> option (lowercased) -> value.
    public let sections: [String: [String: String]]

    public init(sections: [String: [String: String]]) { self.sections = sections }

    /// Parses file text; `path` only names the file in error messages.
    public static func parse(_ text: String, path: String) throws(IVSError) -> SharedConfigFile {
        var sections: [String: [String: String]] = [:]
        var values: [String: [String]] = [:]   // current section's options, as lines
        var order: [String] = []
        var current: String?
        var option: String?
        var indentLevel = 0
        func flush() {
            guard let s = current else { return }
            var opts: [String: String] = [:]
            for k in order {
                var lines = values[k] ?? []
                while let last = lines.last, last.isEmpty, lines.count > 1 { lines.removeLast() }
                opts[k] = lines.joined(separator: "\n")
            }
            sections[s] = opts
        }
        func fail(_ line: Int, _ why: String) -> IVSError {
            .config("cannot parse \(path), line \(line): \(why)", code: "ConfigParseError")
        }
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = Substring(raw)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let value = Self.trim(line)
            let isComment = value.hasPrefix("#") || value.hasPrefix(";")
            if value.isEmpty || isComment {
                // Blank lines belong to a value being continued; comments are skipped.
                if !isComment, let o = option, current != nil { values[o]?.append("") }
                continue
            }
            let indent = line.prefix(while: { $0 == " " || $0 == "\t" }).count
            if current != nil, let o = option, indent > indentLevel {
                values[o]?.append(value)
                continue
            }
            indentLevel = indent
            if value.hasPrefix("["), let close = value.lastIndex(of: "]"), close > value.index(after: value.startIndex) {
                flush()
                let name = String(value[value.index(after: value.startIndex)..<close])
                if sections[name] != nil { throw fail(lineNo, "section [\(name)] appears twice") }
                current = name
                sections[name] = [:]
                values = [:]
                order = []
                option = nil
                continue
            }
            guard current != nil else { throw fail(lineNo, "a setting appears before any [section] header") }
            guard let d = value.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw fail(lineNo, "expected \"key = value\"")
            }
            let key = Self.trim(value[..<d]).lowercased()
            guard !key.isEmpty else { throw fail(lineNo, "a setting has no name") }
            if values[key] != nil { throw fail(lineNo, "\"\(key)\" is set twice in [\(current ?? "")]") }
            values[key] = [Self.trim(value[value.index(after: d)...])]
            order.append(key)
            option = key
        }
        flush()
        return SharedConfigFile(sections: sections)
    }

    /// Reads and parses a file; nil when it does not exist.
    public static func load(path: String) throws(IVSError) -> SharedConfigFile? {
        switch readFile(path) {
        case .missing: return nil
        case .failed(let why): throw .config("cannot read \(path): \(why)", code: "ConfigParseError")
        case .bytes(let b):
            guard let text = String(validating: b, as: UTF8.self) else {
                throw .config("cannot parse \(path): it is not UTF-8 text", code: "ConfigParseError")
            }
            return try parse(text, path: path)
        }
    }

    /// A nested value ("\nkey = value\n...") as its own options, as botocore's _parse_nested.
    public static func nested(_ value: String) -> [String: String]? {
        guard value.hasPrefix("\n") else { return nil }
        var out: [String: String] = [:]
        for line in value.split(separator: "\n") {
            let l = trim(line)
            guard !l.isEmpty, let eq = l.firstIndex(of: "=") else { continue }
            out[trim(l[..<eq])] = trim(l[l.index(after: eq)...])
        }
        return out
    }

    /// A section name's words, with shell-style quotes: `profile "my name"` -> ["profile", "my name"].
    static func words(_ s: String) -> [String]? {
        var out: [String] = []
        var cur = ""
        var quote: Character?
        var inWord = false
        for c in s {
            if let q = quote {
                if c == q { quote = nil } else { cur.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
                inWord = true
            } else if c == " " || c == "\t" {
                if inWord { out.append(cur); cur = ""; inWord = false }
            } else {
                cur.append(c)
                inWord = true
            }
        }
        if quote != nil { return nil }
        if inWord { out.append(cur) }
        return out
    }

    static func trim<S: StringProtocol>(_ s: S) -> String {
        var sub = Substring(s)
        while let f = sub.first, f == " " || f == "\t" || f == "\r" || f == "\n" { sub = sub.dropFirst() }
        while let l = sub.last, l == " " || l == "\t" || l == "\r" || l == "\n" { sub = sub.dropLast() }
        return String(sub)
    }

    enum ReadResult { case bytes([UInt8]), missing, failed(String) }

    /// Reads a whole (small) file; files over 16 MiB are refused.
    static func readFile(_ path: String) -> ReadResult {
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

/// The shared config and credentials files as botocore reads them: `[profile x]` (and `[default]`)
/// sections in the config file, `[x]` sections in the credentials file, `[sso-session x]` and
/// `[services x]` sections in the config file.
public struct SharedConfig: Sendable {
    public let configPath: String
    public let credentialsPath: String
    public let configProfiles: [String: [String: String]]
    public let credentialProfiles: [String: [String: String]]
    public let ssoSessions: [String: [String: String]]
    public let services: [String: [String: String]]

    public static let empty = SharedConfig(configPath: "", credentialsPath: "", configProfiles: [:],
                                           credentialProfiles: [:], ssoSessions: [:], services: [:])

    public init(configPath: String, credentialsPath: String, configProfiles: [String: [String: String]],
                credentialProfiles: [String: [String: String]], ssoSessions: [String: [String: String]],
                services: [String: [String: String]]) {
        self.configPath = configPath
        self.credentialsPath = credentialsPath
        self.configProfiles = configProfiles
        self.credentialProfiles = credentialProfiles
        self.ssoSessions = ssoSessions
        self.services = services
    }

    /// AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials.
    public static func load(env: Environment) throws(IVSError) -> SharedConfig {
        let configPath = expandHome(env.nonEmpty("AWS_CONFIG_FILE") ?? "~/.aws/config", env: env)
        let credentialsPath = expandHome(env.nonEmpty("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials", env: env)
        var profiles: [String: [String: String]] = [:]
        var sso: [String: [String: String]] = [:]
        var services: [String: [String: String]] = [:]
        if let file = try SharedConfigFile.load(path: configPath) {
            // Sorted so that `[profile default]` deterministically wins over `[default]`.
            for (name, values) in file.sections.sorted(by: { $0.key < $1.key }) {
                if name == "default" { profiles["default"] = profiles["default"] ?? values; continue }
                guard let w = SharedConfigFile.words(name), w.count == 2 else { continue }
                switch w[0] {
                case "profile": profiles[w[1]] = values
                case "sso-session": sso[w[1]] = values
                case "services": services[w[1]] = values
                default: continue
                }
            }
        }
        let creds = try SharedConfigFile.load(path: credentialsPath)?.sections ?? [:]
        return SharedConfig(configPath: configPath, credentialsPath: credentialsPath, configProfiles: profiles,
                            credentialProfiles: creds, ssoSessions: sso, services: services)
    }

    /// Whether either file defines the profile.
    public func hasProfile(_ name: String) -> Bool {
        configProfiles[name] != nil || credentialProfiles[name] != nil
    }

    /// The profile's settings: the config file's, with the credentials file's on top (botocore's full_config).
    public func profile(_ name: String) -> [String: String] {
        var p = configProfiles[name] ?? [:]
        for (k, v) in credentialProfiles[name] ?? [:] { p[k] = v }
        return p
    }

    static func expandHome(_ path: String, env: Environment) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        var home = env.nonEmpty("HOME")
        if home == nil, let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { home = String(cString: dir) }
        guard let h = home else { return path }
        return h + path.dropFirst()
    }
}
