/// AWS's URI encoding: every byte except A-Z a-z 0-9 - . _ ~ becomes %XX (uppercase hex).
public enum URIEncoding {
    private static let hexUpper = Array("0123456789ABCDEF".utf8)

    @inline(__always)
    static func isUnreserved(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 46 || c == 95 || c == 126
    }

    /// Encodes s; with keepSlash, '/' is left as is (greedy URI labels, canonical paths).
    public static func encode(_ s: String, keepSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count + 8)
        for c in s.utf8 {
            if isUnreserved(c) || (keepSlash && c == 47) {
                out.append(c)
            } else {
                out.append(37)
                out.append(hexUpper[Int(c >> 4)])
                out.append(hexUpper[Int(c & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
