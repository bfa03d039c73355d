// The request half of the differential target: ivs_call's input text through RequestReader
// (Client.prepare(_:_:text:)) and through the jansson path (parse, Client.prepare: Validator,
// RestJSONSerializer). Where the reader writes a request, the jansson path must write the same one
// (method, path, query, headers, body bytes, URL); where the reader declines, nothing is compared (the
// jansson path is then the call's path). Strict validation is left out: the reader declines it
// before reading (and the pattern regexes would only slow the run).
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum RequestDiff {
    /// One client per validation level the reader serves (on, botocore, off).
    static let clients: [Client] = [ClientConfig.ValidationMode.on, .botocore, .off].compactMap { mode in
        var c = ClientConfig()
        c.region = "us-west-2"
        c.endpointUrl = "http://127.0.0.1:9"
        c.credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")
        c.validation = mode
        return try? Client(config: c)
    }

    static func run(_ model: ServiceModel, _ op: IVSCore.Operation, _ input: inout FuzzInput, _ how: UInt8) {
        guard !clients.isEmpty else { return }
        let client = clients[Int(how >> 5) % clients.count]
        var text: [UInt8]
        if how & 3 == 3 {
            text = Array(input.rest)
        } else {
            var g = BodyGenerator(model: model, decisions: input, faults: how & 3 == 0 ? 0 : (how & 3 == 1 ? 24 : 6))
            g.value(op.input, depth: 0)
            g.mutate()
            text = g.out
        }
        // A C string, as ivs_call receives it: it ends at its first NUL.
        if let nul = text.firstIndex(of: 0) { text.removeSubrange(nul...) }
        text.append(0)
        let n = text.count - 1
        text.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, let service = client.target(model) else { return }
            let fast = client.prepare(service, op, text: UnsafeBufferPointer(start: base, count: n))
            ReaderDiffStats.countRequest(fast != nil)
            guard let fast else { return }
            // The jansson path, as the C ABI takes it: parse (an object), then prepare.
            let parsed = JSON.parse(bytes: UnsafeBufferPointer(start: base, count: n)) // no NUL inside: as json_loads
            guard case .success(let tree) = parsed else {
                return differ(model, op, b, "the reader wrote a request for text jansson refuses")
            }
            defer { JSON.release(tree) }
            guard tree.kind == .object else { return differ(model, op, b, "the reader wrote a request for a non-object") }
            switch client.prepare(model, op, tree) {
            case .failure(let e):
                differ(model, op, b, "the reader wrote a request where the jansson path failed: \(e.kind) \(e.code) \(e.message)")
            case .success(let reference):
                let a = fast.request, r = reference.request
                if a.method != r.method || a.path != r.path || a.body != r.body || fast.url != reference.url
                    || fast.path != reference.path || !a.query.elementsEqual(r.query, by: ==)
                    || !a.headers.elementsEqual(r.headers, by: ==) {
                    differ(model, op, b, "requests differ:\n  reader:  \(a.method) \(fast.url) \(a.headers) "
                           + "\(String(decoding: a.body, as: UTF8.self))\n  jansson: \(r.method) \(reference.url) "
                           + "\(r.headers) \(String(decoding: r.body, as: UTF8.self))")
                }
            }
        }
    }

    static func differ(_ model: ServiceModel, _ op: IVSCore.Operation, _ text: UnsafeBufferPointer<UInt8>, _ what: String) {
        let shown = String(decoding: text.prefix(2000), as: UTF8.self)
        fputs("libivs reader-diff (request): \(what) for \(model.name).\(op.name)\ninput (\(text.count) bytes): "
              + "\(shown.debugDescription)\n", stderr)
        abort()
    }
}
