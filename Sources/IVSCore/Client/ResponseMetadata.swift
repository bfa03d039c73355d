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
