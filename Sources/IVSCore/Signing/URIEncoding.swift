/// AWS's URI encoding: every byte except A-Z a-z 0-9 - . _ ~ becomes %XX (uppercase hex).
public enum URIEncoding {
    @inline(__always)
    static func isUnreserved(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 46 || c == 95 || c == 126
    }

    @inline(__always)
    private static func hexUpper(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 55 + v }

    /// Encodes s; with keepSlash, '/' is left as is (greedy URI labels, canonical paths).
    public static func encode(_ s: String, keepSlash: Bool = false) -> String {
        String(unsafeUninitializedCapacity: maxEncodedCount(s)) { out in
            guard let p = out.baseAddress else { return 0 }
            return write(s, keepSlash: keepSlash, to: p)
        }
    }

    /// The most bytes `write` can produce for s.
    @inline(__always)
    static func maxEncodedCount(_ s: String) -> Int { s.utf8.count * 3 }

    /// Writes the encoding of s at out, which must have room for maxEncodedCount(s) bytes; returns
    /// the number of bytes written.
    @inline(__always)
    static func write(_ s: String, keepSlash: Bool, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0
        func encode(_ c: UInt8) {
            if isUnreserved(c) || (keepSlash && c == 47) {
                out[i] = c
                i += 1
            } else {
                out[i] = 37
                out[i + 1] = hexUpper(c >> 4)
                out[i + 2] = hexUpper(c & 0x0f)
                i += 3
            }
        }
        withUTF8Bytes(s) { b in for c in b { encode(c) } }
        return i
    }
}
