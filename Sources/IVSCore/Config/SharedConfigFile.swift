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
            let value = Text.trimmed(line)
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
                if sections[name] != nil { throw fail(lineNo, "section [\(Text.shown(name))] appears twice") }
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
            let key = Text.trimmed(value[..<d]).lowercased()
            guard !key.isEmpty else { throw fail(lineNo, "a setting has no name") }
            if values[key] != nil { throw fail(lineNo, "\"\(Text.shown(key))\" is set twice in [\(Text.shown(current ?? ""))]") }
            values[key] = [Text.trimmed(value[value.index(after: d)...])]
            order.append(key)
            option = key
        }
        flush()
        return SharedConfigFile(sections: sections)
    }

    /// Reads and parses a file; nil when it does not exist.
    public static func load(path: String) throws(IVSError) -> SharedConfigFile? {
        switch SmallFile.read(path) {
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
            let l = Text.trimmed(line)
            guard !l.isEmpty, let eq = l.firstIndex(of: "=") else { continue }
            out[Text.trimmed(l[..<eq])] = Text.trimmed(l[l.index(after: eq)...])
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
}
