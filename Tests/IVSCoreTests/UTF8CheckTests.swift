import CJansson
import XCTest
@testable import IVSCore

/// UTF8Check decides whether header bytes are written as they are or repaired first, so it must
/// accept exactly RFC 3629 UTF-8: what Swift's decoder and jansson's parser accept.
final class UTF8CheckTests: XCTestCase {
    private func valid(_ b: [UInt8]) -> Bool { b.withUnsafeBufferPointer { UTF8Check.isValid($0) } }

    /// The UTF-8 pattern for any value up to 21 bits, surrogates and values above U+10FFFF included.
    private func encoded(_ v: UInt32) -> [UInt8] {
        switch v {
        case 0..<0x80: return [UInt8(v)]
        case 0x80..<0x800: return [0xC0 | UInt8(v >> 6), 0x80 | UInt8(v & 0x3F)]
        case 0x800..<0x10000: return [0xE0 | UInt8(v >> 12), 0x80 | UInt8((v >> 6) & 0x3F), 0x80 | UInt8(v & 0x3F)]
        default: return [0xF0 | UInt8(v >> 18), 0x80 | UInt8((v >> 12) & 0x3F), 0x80 | UInt8((v >> 6) & 0x3F), 0x80 | UInt8(v & 0x3F)]
        }
    }

    /// value in n bytes although it needs fewer (an overlong form).
    private func overlong(_ v: UInt32, bytes n: Int) -> [UInt8] {
        switch n {
        case 2: return [0xC0 | UInt8(v >> 6), 0x80 | UInt8(v & 0x3F)]
        case 3: return [0xE0, 0x80 | UInt8((v >> 6) & 0x3F), 0x80 | UInt8(v & 0x3F)]
        default: return [0xF0, 0x80 | UInt8((v >> 12) & 0x3F), 0x80 | UInt8((v >> 6) & 0x3F), 0x80 | UInt8(v & 0x3F)]
        }
    }

    private func janssonAccepts(_ b: [UInt8]) -> Bool {
        let v = janssonString(b)
        JSON.release(v)
        return v != nil
    }

    func testEveryScalarAtTheEdgesOfEachLengthIsValid() {
        for v: UInt32 in [0, 0x41, 0x7F, 0x80, 0x7FF, 0x800, 0xFFF, 0x1000, 0xCFFF, 0xD000, 0xD7FF, 0xE000, 0xFFFD,
                          0xFFFF, 0x10000, 0x3FFFF, 0x40000, 0xFFFFF, 0x100000, 0x10FFFF] {
            XCTAssertEqual(encoded(v), Array(String(Unicode.Scalar(v)!).utf8), "my encoder, U+\(String(v, radix: 16))")
            XCTAssertTrue(valid(encoded(v)), "U+\(String(v, radix: 16))")
            XCTAssertTrue(valid(Array("ab".utf8) + encoded(v) + Array("cd".utf8)), "U+\(String(v, radix: 16)) inside ASCII")
        }
    }

    func testSurrogatesAreInvalid() {
        for v: UInt32 in [0xD800, 0xDB7F, 0xDBFF, 0xDC00, 0xDFFF] {
            XCTAssertFalse(valid(encoded(v)), "U+\(String(v, radix: 16))")
        }
        XCTAssertFalse(valid(encoded(0xD83D) + encoded(0xDE00)), "a surrogate pair (CESU-8) is not UTF-8")
    }

    func testOverlongFormsAreInvalid() {
        for v: UInt32 in [0, 0x2F, 0x7F] { XCTAssertFalse(valid(overlong(v, bytes: 2)), "\(v) in 2 bytes") }
        for v: UInt32 in [0, 0x2F, 0x7FF] { XCTAssertFalse(valid(overlong(v, bytes: 3)), "\(v) in 3 bytes") }
        for v: UInt32 in [0, 0x2F, 0xFFFF] { XCTAssertFalse(valid(overlong(v, bytes: 4)), "\(v) in 4 bytes") }
    }

    func testAboveU10FFFFAndBytesThatNeverOccurAreInvalid() {
        XCTAssertFalse(valid(encoded(0x110000)))
        XCTAssertFalse(valid(encoded(0x1FFFFF)))
        for b: UInt8 in [0xC0, 0xC1, 0xF5, 0xF8, 0xFC, 0xFE, 0xFF] {
            XCTAssertFalse(valid([b, 0x80, 0x80, 0x80]), String(b, radix: 16))
        }
    }

    func testTruncatedSequencesAndStrayContinuationBytesAreInvalid() {
        for v: UInt32 in [0x80, 0x800, 0xFFFD, 0x10000, 0x10FFFF] {
            let full = encoded(v)
            for n in 1..<full.count {
                XCTAssertFalse(valid(Array(full.prefix(n))), "U+\(String(v, radix: 16)) cut to \(n) bytes, at the end")
                XCTAssertFalse(valid(Array(full.prefix(n)) + Array("x".utf8)), "U+\(String(v, radix: 16)) cut to \(n), then ASCII")
            }
            XCTAssertFalse(valid(Array(full.dropFirst())), "U+\(String(v, radix: 16)) without its lead byte")
        }
        XCTAssertTrue(valid([]))
    }

    /// Agreement with both decoders on text near valid: valid UTF-8 with one byte changed, dropped or
    /// duplicated (uniformly random bytes are almost never valid, so they test little).
    func testAgreesWithSwiftAndJanssonOnMutatedText() {
        var g = SeededGenerator(seed: 3629)
        var validCount = 0, invalidCount = 0
        for i in 0..<20_000 {
            var b = TrickyText.valid(&g, maxPieces: 8)
            if !b.isEmpty {
                let at = Int.random(in: 0..<b.count, using: &g)
                switch Int.random(in: 0..<4, using: &g) {
                case 0: b[at] = UInt8.random(in: 0...255, using: &g)
                case 1: b.remove(at: at)
                case 2: b.insert(b[at], at: at)
                default: break
                }
            }
            let swift = String(validating: b, as: UTF8.self) != nil
            XCTAssertEqual(valid(b), swift, "case \(i): \(b)")
            XCTAssertEqual(valid(b), janssonAccepts(b), "case \(i): \(b)")
            if swift { validCount += 1 } else { invalidCount += 1 }
        }
        XCTAssertGreaterThan(validCount, 2000)
        XCTAssertGreaterThan(invalidCount, 2000)
    }
}
