import CJansson

extension Client {
    /// Calls a paginated operation page after page and joins each result list across pages. The page
    /// token is absent from the result; ResponseMetadata is the last page's. A token that repeats is an
    /// error rather than an endless loop, and so is passing the client's maxPages pages or
    /// maxPaginateBytes bytes of response bodies (a service that never stops cannot grow the caller
    /// without bound).
    public func paginate(service: String, operation: String, input text: UnsafePointer<CChar>?) -> Result<JSONPointer, IVSError> {
        let (model, op, input): (ServiceModel, Operation, JSONPointer)
        switch Self.request(service: service, operation: operation, input: text) {
        case .success(let r): (model, op, input) = r
        case .failure(let e): return .failure(e)
        }
        defer { JSON.release(input) }
        guard let pag = op.paginator else { return call(model, op, input: input) }
        var joined: JSONPointer? = nil
        var seen: Set<String> = []
        var pages = 0, bytes = 0
        while true {
            let page: JSONPointer
            switch callMeasured(model, op, input: input) {
            case .success(let p):
                page = p.output
                pages += 1
                bytes += p.bodyBytes
            case .failure(let e):
                JSON.release(joined)
                return .failure(e)
            }
            let token = page[pag.outputToken]?.stringValue
            if let acc = joined {
                for key in pag.resultKeys {
                    guard let items = page[key], items.kind == .array else { continue }
                    if acc[key] == nil { acc.set(key, JSON.array()) }
                    json_array_extend(acc[key], items)
                }
                if let meta = page["ResponseMetadata"] { acc.set("ResponseMetadata", JSON.retain(meta)) }
                JSON.release(page)
            } else {
                joined = page
            }
            guard let t = token, !t.isEmpty else { break }
            if pages >= config.maxPages || bytes >= config.maxPaginateBytes {
                JSON.release(joined)
                let limit = pages >= config.maxPages ? "\(config.maxPages) pages (maxPages)"
                                                     : "\(config.maxPaginateBytes) bytes of responses (maxPaginateBytes)"
                return .failure(IVSError(.service, code: "PaginationLimitExceeded",
                                         "\(op.name) still had more pages after \(limit); raise the limit in the client "
                                         + "configuration, or page with ivs_call and \(pag.inputToken)"))
            }
            guard seen.insert(t).inserted else {
                JSON.release(joined)
                return .failure(IVSError(.service, code: "PaginationError",
                                         "the service returned the same \(pag.outputToken) twice; stopping"))
            }
            input.set(pag.inputToken, JSON.string(t))
        }
        guard let result = joined else { return .failure(.internal("no page")) }
        json_object_del(result, pag.outputToken)
        return .success(result)
    }
}
