#if canImport(Glibc)
import Glibc
#endif
import CJansson

/// ResponseMetadata as boto3 reports it: {"RequestId", "HTTPStatusCode", "HTTPHeaders", "RetryAttempts"}.
/// Written as text where the output is text (ivs_call splices it in) and built as a tree where the
/// output is a tree (ivs_paginate); both give the same JSON for the same response.
public struct ResponseMetadata: Sendable {
    let response: HTTPResponse
    /// Attempts the call made (at least 1); RetryAttempts is one less.
    let attempts: Int

    public init(_ response: HTTPResponse, attempts: Int) {
        self.response = response
        self.attempts = attempts
    }

    /// `"ResponseMetadata":{...}`.
    func appendMember(to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 200 + response.headerBytes.count + 8 * response.headerSpans.count)
        JSONText.appendRaw(&out, "\"ResponseMetadata\":")
        appendObject(to: &out)
    }

    /// The object, written from the header bytes the transport kept.
    func appendObject(to out: inout [UInt8]) {
        JSONText.appendRaw(&out, "{\"RequestId\":")
        JSONText.appendString(&out, ResponseParser.requestId(response) ?? "")
        JSONText.appendRaw(&out, ",\"HTTPStatusCode\":")
        JSONText.appendInt(&out, response.status)
        JSONText.appendRaw(&out, ",\"HTTPHeaders\":{")
        var first = true
        response.forEachHeader { k, v in
            if !first { out.append(44) }
            first = false
            JSONText.appendString(&out, k)
            out.append(58)
            JSONText.appendString(&out, v)
        }
        JSONText.appendRaw(&out, "},\"RetryAttempts\":")
        JSONText.appendInt(&out, attempts - 1)
        out.append(125)
    }

    // MARK: Written in place

    private static let head: StaticString = "\"ResponseMetadata\":{\"RequestId\":\""
    private static let status: StaticString = "\",\"HTTPStatusCode\":"
    private static let headers: StaticString = ",\"HTTPHeaders\":{"
    private static let between: StaticString = "\":\""
    private static let retries: StaticString = "},\"RetryAttempts\":"

    /// The length of `"ResponseMetadata":{...}` when every header name and value is ASCII that needs no
    /// escaping and no name repeats (every AWS response): then writePlainMember writes exactly the bytes
    /// appendMember would, straight into the caller's buffer. nil otherwise (the caller uses appendMember).
    func plainMemberLength() -> Int? {
        guard !response.hasRepeatedNames, response.isPlainASCII, response.status >= 0, attempts >= 1 else { return nil }
        let count = response.headerSpans.count
        var n = Self.head.utf8CodeUnitCount + Self.status.utf8CodeUnitCount + Self.headers.utf8CodeUnitCount
            + Self.retries.utf8CodeUnitCount + 1
        n += Self.decimalLength(response.status) + Self.decimalLength(attempts - 1)
        // Each header is "name":"value" (its kept bytes, 2 quotes and `":"`), with commas between.
        n += response.keptBytes + count * (2 + Self.between.utf8CodeUnitCount) + max(0, count - 1)
        if let id = requestIdSpan() { n += Int(id.valueEnd - id.valueStart) }
        return n
    }

    /// The header ResponseParser.requestId reads, when no name repeats: x-amzn-requestid, or else
    /// x-amz-request-id.
    private func requestIdSpan() -> HeaderSpan? {
        response.headerBytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return nil }
            var other: HeaderSpan? = nil
            for s in response.headerSpans where s.nameEnd - s.nameStart == 16 {
                if Self.named(base, s, "x-amzn-requestid") { return s }
                if Self.named(base, s, "x-amz-request-id") { other = s }
            }
            return other
        }
    }

    /// Writes `"ResponseMetadata":{...}` at p: plainMemberLength() bytes, when that is not nil.
    func writePlainMember(_ p: UnsafeMutablePointer<UInt8>) -> Int {
        var w = Cursor(p: p)
        w.raw(Self.head)
        let id = requestIdSpan()
        response.headerBytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, let s = id else { return }
            w.bytes(base + Int(s.valueStart), Int(s.valueEnd - s.valueStart))
        }
        w.raw(Self.status)
        w.int(response.status)
        w.raw(Self.headers)
        response.headerBytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            for (k, s) in response.headerSpans.enumerated() {
                if k > 0 { w.byte(44) }
                w.byte(34)
                w.bytes(base + Int(s.nameStart), Int(s.nameEnd - s.nameStart))
                w.raw(Self.between)
                w.bytes(base + Int(s.valueStart), Int(s.valueEnd - s.valueStart))
                w.byte(34)
            }
        }
        w.raw(Self.retries)
        w.int(attempts - 1)
        w.byte(125)
        return w.at
    }

    /// A write position in the caller's buffer (a value on the stack: no captured variable to box).
    private struct Cursor {
        let p: UnsafeMutablePointer<UInt8>
        var at = 0

        mutating func byte(_ c: UInt8) {
            p[at] = c
            at += 1
        }

        mutating func raw(_ s: StaticString) {
            memcpy(p + at, s.utf8Start, s.utf8CodeUnitCount)
            at += s.utf8CodeUnitCount
        }

        mutating func bytes(_ b: UnsafePointer<UInt8>, _ n: Int) {
            memcpy(p + at, b, n)
            at += n
        }

        mutating func int(_ i: Int) { // i >= 0
            let digits = ResponseMetadata.decimalLength(i)
            var v = i, k = at + digits - 1
            for _ in 0..<digits { p[k] = UInt8(48 + v % 10); v /= 10; k -= 1 }
            at += digits
        }
    }

    private static func named(_ base: UnsafePointer<UInt8>, _ s: HeaderSpan, _ expected: StaticString) -> Bool {
        Int(s.nameEnd - s.nameStart) == expected.utf8CodeUnitCount
            && memcmp(base + Int(s.nameStart), expected.utf8Start, expected.utf8CodeUnitCount) == 0
    }

    /// Digits of i >= 0 in decimal.
    private static func decimalLength(_ i: Int) -> Int {
        var n = 1, v = i / 10
        while v > 0 { n += 1; v /= 10 }
        return n
    }

    /// The object as a tree (owned). Header bytes become strings by the same repair JSONText applies.
    public func tree() -> JSONPointer? {
        guard let o = JSON.object(), let headers = JSON.object() else { return nil }
        o.set("RequestId", JSON.string(ResponseParser.requestId(response) ?? ""))
        o.set("HTTPStatusCode", JSON.integer(Int64(response.status)))
        response.forEachHeader { k, v in
            headers.set(String(decoding: k, as: UTF8.self), JSON.string(String(decoding: v, as: UTF8.self)))
        }
        o.set("HTTPHeaders", headers)
        o.set("RetryAttempts", JSON.integer(Int64(attempts - 1)))
        return o
    }
}
