import CJansson
import XCTest
@testable import IVSCore

/// JSONText writes JSON strings where building a tree would cost more than the call (ResponseMetadata
/// on every response). Its text must be exactly what jansson's json_dumps writes for the same string,
/// so that ivs_call's spliced text and a tree dumped by jansson never differ by a byte.
final class JSONTextTests: XCTestCase {
    private func written(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { JSONText.appendString(&out, $0) }
        return out
    }

    /// jansson's compact dump of the string, or nil when jansson refuses it (not UTF-8).
    private func jansson(_ bytes: [UInt8]) -> [UInt8]? {
        guard let v = janssonString(bytes) else { return nil }
        defer { JSON.release(v) }
        guard let c = JSON.dumpC(v) else { return nil }
        defer { free(c) }
        return Array(String(cString: c).utf8)
    }

    private func show(_ b: [UInt8]) -> String { b.map { String($0, radix: 16) }.joined(separator: " ") }

    func testEveryASCIICharacterIsEscapedAsJanssonEscapesIt() {
        for c in UInt8(0)...UInt8(127) {
            XCTAssertEqual(written([c]), jansson([c]), "byte \(c)")
        }
        // the short escapes jansson uses, and \u00XX with capitals for the other controls
        XCTAssertEqual(String(decoding: written(Array("\"\\/\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}".utf8)), as: UTF8.self),
                       #""\"\\/\b\f\n\r\t\u0000\u001F"# + "\u{7f}\"")
    }

    func testNonASCIIIsWrittenAsUTF8NotEscaped() {
        for s in ["é", "€", "𝄞", "\u{2028}", "\u{FEFF}", "\u{10FFFF}"] {
            XCTAssertEqual(written(Array(s.utf8)), [34] + Array(s.utf8) + [34], s)
            XCTAssertEqual(written(Array(s.utf8)), jansson(Array(s.utf8)), s)
        }
    }

    func testRandomTextIsWrittenByteForByteAsJanssonDumpsIt() {
        var g = SeededGenerator(seed: 0x15_0C0DE)
        for i in 0..<3000 {
            let b = TrickyText.valid(&g)
            XCTAssertEqual(written(b), jansson(b), "case \(i): \(show(b))")
        }
    }

    func testInvalidUTF8IsRepairedAsStringDecodingRepairsIt() {
        var g = SeededGenerator(seed: 0xBAD_0DE)
        var invalid = 0
        for i in 0..<2000 {
            let b = TrickyText.withInvalid(&g)
            // an inserted fragment can complete a sequence it lands in: such cases are valid text
            guard String(validating: b, as: UTF8.self) == nil else { continue }
            invalid += 1
            XCTAssertNil(jansson(b), "case \(i): jansson refuses it too")
            let out = written(b)
            XCTAssertEqual(out, jansson(Array(String(decoding: b, as: UTF8.self).utf8)), "case \(i): \(show(b))")
            XCTAssertNotNil(String(validating: out, as: UTF8.self), "case \(i): the text is always UTF-8")
        }
        XCTAssertGreaterThan(invalid, 1900)
        // one U+FFFD per maximal invalid subpart, as Swift (and the Unicode recommendation) repair
        XCTAssertEqual(String(decoding: written([0x61, 0xE2, 0x82, 0x62, 0xFF, 0xF0, 0x9D, 0x84]), as: UTF8.self),
                       "\"a\u{FFFD}b\u{FFFD}\u{FFFD}\"")
    }

    func testTheStringAndByteFormsWriteTheSameText() {
        var g = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let s = String(decoding: TrickyText.valid(&g), as: UTF8.self)
            var out: [UInt8] = []
            JSONText.appendString(&out, s)
            XCTAssertEqual(out, written(Array(s.utf8)))
        }
    }

    func testWritingAppendsToWhatIsThere() {
        var out = Array("[".utf8)
        JSONText.appendString(&out, "a\"b")
        JSONText.appendRaw(&out, ",")
        JSONText.appendInt(&out, -12)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), #"["a\"b",-12"#)
    }

    /// isPlainASCII reads words, the last one overlapping: against the byte rule for every length
    /// around the word size and every position of a byte that is not plain.
    func testPlainASCIIAgreesWithTheByteRule() {
        func plain(_ b: [UInt8]) -> Bool { !b.contains { $0 < 32 || $0 == 34 || $0 == 92 || $0 >= 0x80 } }
        var g = SeededGenerator(seed: 0x504C_4149)
        let odd: [UInt8] = [0, 9, 10, 13, 31, 34, 92, 0x7f, 0x80, 0xc3, 0xff]
        for _ in 0..<20_000 {
            var b = (0..<Int.random(in: 0...40, using: &g)).map { _ in UInt8.random(in: 32...126, using: &g) }
            if !b.isEmpty && Bool.random(using: &g) { b[Int.random(in: 0..<b.count, using: &g)] = odd.randomElement(using: &g)! }
            XCTAssertEqual(b.withUnsafeBufferPointer { JSONText.isPlainASCII($0) }, plain(b), "\(b)")
        }
    }

    func testIntegersAreWrittenInDecimal() {
        for i in [0, 1, 9, 10, 99, 200, 503, -1, -10, Int.max, Int.min] {
            var out: [UInt8] = []
            JSONText.appendInt(&out, i)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), String(i))
        }
    }
}
