/// A reproducible random source for the property tests (SplitMix64): the same seed gives the same
/// cases, so a failure can be replayed from its message.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Text that exercises a JSON string writer: every ASCII control, quote, backslash, slash, DEL,
/// plain ASCII, and UTF-8 of one to four bytes (including U+2028, U+FFFF and U+10FFFF).
enum TrickyText {
    static let pieces: [[UInt8]] = {
        var p: [[UInt8]] = (0..<32).map { [UInt8($0)] }
        p += [[34], [92], [47], [127], Array("a".utf8), Array("Z9 ".utf8), Array("plain text".utf8)]
        for s in ["é", "€", "𝄞", "\u{2028}", "\u{FFFF}", "\u{10FFFF}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FEFF}"] {
            p.append(Array(s.utf8))
        }
        return p
    }()

    /// Byte sequences that are not UTF-8: stray and truncated sequences, overlong forms, surrogates,
    /// code points above U+10FFFF, bytes that never occur.
    static let invalid: [[UInt8]] = [[0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xE2, 0x82], [0xE0, 0x80, 0xAF],
                                     [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF],
                                     [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8], [0xFE], [0xFF],
                                     [0xF0, 0x9D, 0x84]]

    static func valid(_ g: inout SeededGenerator, maxPieces: Int = 24) -> [UInt8] {
        (0..<Int.random(in: 0...maxPieces, using: &g)).flatMap { _ in pieces.randomElement(using: &g)! }
    }

    /// Valid text with at least one invalid sequence in it.
    static func withInvalid(_ g: inout SeededGenerator) -> [UInt8] {
        var b = valid(&g, maxPieces: 10)
        for _ in 0..<Int.random(in: 1...3, using: &g) {
            b.insert(contentsOf: invalid.randomElement(using: &g)!, at: Int.random(in: 0...b.count, using: &g))
        }
        return b
    }
}
