#if canImport(Glibc)
import Glibc
#endif

/// Names found by a C string's bytes (the C ABI's service and operation names) without making a
/// String of it or hashing it: the names NUL-terminated in one buffer, in byte order, searched by
/// halves with strcmp (which compares bytes as unsigned, the order they are sorted in).
struct NameTable: Sendable {
    private struct Entry: Sendable {
        let start: Int
        let value: Int
    }

    private let text: [CChar]
    private let entries: [Entry]

    /// A table of the names and their values; names must be distinct.
    init(_ names: [(name: String, value: Int)]) {
        var text: [CChar] = []
        var entries: [Entry] = []
        for (name, value) in names.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            entries.append(Entry(start: text.count, value: value))
            text.append(contentsOf: name.utf8.map { CChar(bitPattern: $0) })
            text.append(0)
        }
        self.text = text
        self.entries = entries
    }

    /// The value of the name that is key's bytes, if there is one.
    func find(_ key: UnsafePointer<CChar>) -> Int? {
        text.withUnsafeBufferPointer { t in
            entries.withUnsafeBufferPointer { e -> Int? in
                guard let base = t.baseAddress else { return nil }
                var low = 0, high = e.count
                while low < high {
                    let mid = low + (high - low) / 2
                    let c = strcmp(key, base + e[mid].start)
                    if c == 0 { return e[mid].value }
                    if c < 0 { high = mid } else { low = mid + 1 }
                }
                return nil
            }
        }
    }
}
