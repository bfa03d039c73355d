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
    /// escaping, no name repeats and the request id is in x-amzn-requestid (every AWS response): then
    /// writePlainMember writes exactly the bytes appendMember would, straight into the caller's buffer.
    /// nil otherwise (the caller uses appendMember).
    func plainMemberLength() -> Int? {
        guard !response.hasRepeatedNames, response.status >= 0, attempts >= 1 else { return nil }
        var n = Self.head.utf8CodeUnitCount + Self.status.utf8CodeUnitCount + Self.headers.utf8CodeUnitCount
            + Self.retries.utf8CodeUnitCount + 1
        n += Self.decimalLength(response.status) + Self.decimalLength(attempts - 1)
        var plain = true, id = false, otherId = false
        response.headerBytes.withUnsafeBufferPointer { b in
            for s in response.headerSpans {
                let name = UnsafeBufferPointer(rebasing: b[Int(s.nameStart)..<Int(s.nameEnd)])
                let value = UnsafeBufferPointer(rebasing: b[Int(s.valueStart)..<Int(s.valueEnd)])
                guard JSONText.isPlainASCII(name), JSONText.isPlainASCII(value) else { plain = false; return }
                n += name.count + value.count + 2 + Self.between.utf8CodeUnitCount // "name":"value"
                if Self.named(name, "x-amzn-requestid") { id = true; n += value.count }
                if Self.named(name, "x-amz-request-id") { otherId = true }
            }
        }
        guard plain, id || !otherId else { return nil }
        n += max(0, response.headerSpans.count - 1) // commas
        return n
    }

    /// Writes `"ResponseMetadata":{...}` at p: plainMemberLength() bytes, when that is not nil.
    func writePlainMember(_ p: UnsafeMutablePointer<UInt8>) -> Int {
        var at = 0
        func raw(_ s: StaticString) {
            memcpy(p + at, s.utf8Start, s.utf8CodeUnitCount)
            at += s.utf8CodeUnitCount
        }
        func bytes(_ b: UnsafeBufferPointer<UInt8>) {
            if let base = b.baseAddress { memcpy(p + at, base, b.count) }
            at += b.count
        }
        func int(_ i: Int) { // i >= 0
            let digits = Self.decimalLength(i)
            var v = i, k = at + digits - 1
            for _ in 0..<digits { p[k] = UInt8(48 + v % 10); v /= 10; k -= 1 }
            at += digits
        }
        response.headerBytes.withUnsafeBufferPointer { b in
            func name(_ s: HeaderSpan) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: b[Int(s.nameStart)..<Int(s.nameEnd)]) }
            func value(_ s: HeaderSpan) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: b[Int(s.valueStart)..<Int(s.valueEnd)]) }
            raw(Self.head)
            if let s = response.headerSpans.first(where: { Self.named(name($0), "x-amzn-requestid") }) { bytes(value(s)) }
            raw(Self.status)
            int(response.status)
            raw(Self.headers)
            for (k, s) in response.headerSpans.enumerated() {
                if k > 0 { p[at] = 44; at += 1 }
                p[at] = 34; at += 1
                bytes(name(s))
                raw(Self.between)
                bytes(value(s))
                p[at] = 34; at += 1
            }
            raw(Self.retries)
            int(attempts - 1)
            p[at] = 125; at += 1
        }
        return at
    }

    private static func named(_ name: UnsafeBufferPointer<UInt8>, _ expected: StaticString) -> Bool {
        guard name.count == expected.utf8CodeUnitCount, let base = name.baseAddress else { return false }
        return memcmp(base, expected.utf8Start, name.count) == 0
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
