import CJansson

/// Joins the pages of a paginated operation into one output: each of the paginator's result lists
/// holds the items of every page, in order; ResponseMetadata is the last page's; the page token is
/// dropped. A token the service repeats, or more pages or bytes than the client's bounds, ends it
/// with an error: a service that never stops cannot grow the caller without bound. Both drivers
/// (blocking and in flight) feed it page by page.
public struct PageJoiner {
    let operation: String
    let paginator: PaginatorInfo
    let maxPages: Int
    let maxBytes: Int
    private var joined: JSONPointer? = nil
    private var seen: Set<String> = []
    private var pages = 0
    private var bytes = 0

    public init(operation: String, paginator: PaginatorInfo, maxPages: Int, maxBytes: Int) {
        self.operation = operation
        self.paginator = paginator
        self.maxPages = maxPages
        self.maxBytes = maxBytes
    }

    /// Adds a page (taking ownership) whose response body had bodyBytes bytes. The token to ask for
    /// the next page with, nil when this was the last, or the error that ends the pagination.
    public mutating func add(_ page: JSONPointer, bodyBytes: Int) -> Result<String?, IVSError> {
        pages += 1
        bytes += bodyBytes
        let token = page[paginator.outputToken]?.stringValue
        if let acc = joined {
            for key in paginator.resultKeys {
                guard let items = page[key], items.kind == .array else { continue }
                if acc[key] == nil { acc.set(key, JSON.array()) }
                json_array_extend(acc[key], items)
            }
            if let meta = page["ResponseMetadata"] { acc.set("ResponseMetadata", JSON.retain(meta)) }
            JSON.release(page)
        } else {
            joined = page
        }
        guard let t = token, !t.isEmpty else { return .success(nil) }
        guard seen.insert(t).inserted else {
            return .failure(IVSError(.service, code: ErrorCode.pagination,
                                     "the service returned the same \(paginator.outputToken) twice; stopping"))
        }
        if pages >= maxPages || bytes >= maxBytes {
            let limit = pages >= maxPages ? "\(maxPages) pages (maxPages)" : "\(maxBytes) bytes of responses (maxPaginateBytes)"
            return .failure(IVSError(.service, code: ErrorCode.paginationLimit,
                                     "\(operation) still had more pages after \(limit); raise the limit in the client "
                                     + "configuration, or page with ivs_call and \(paginator.inputToken)"))
        }
        return .success(t)
    }

    /// The joined output (owned by the caller), the page token removed.
    public mutating func finish() -> JSONPointer? {
        guard let result = joined else { return nil }
        joined = nil
        json_object_del(result, paginator.outputToken)
        return result
    }

    /// Releases what was joined so far (after an error).
    public mutating func discard() {
        JSON.release(joined)
        joined = nil
    }
}

extension Client {
    /// ivs_paginate: every page of a paginated operation, joined (owned). The input is borrowed; its
    /// page token is set page by page. An operation without a paginator is one call.
    public func paginate(service: String, operation: String, input: JSONPointer) -> Result<JSONPointer, IVSError> {
        Self.operation(service: service, operation: operation).flatMap { model, op in
            guard let pag = op.paginator else { return call(model, op, input: input) }
            var joiner = PageJoiner(operation: op.name, paginator: pag, maxPages: config.maxPages,
                                    maxBytes: config.maxPaginateBytes)
            while true {
                let page = prepare(model, op, input).flatMap { call in
                    execute(call).flatMap { done in renderTree(call, done).map { ($0, done.response.body.count) } }
                }
                switch page.flatMap({ joiner.add($0.0, bodyBytes: $0.1) }) {
                case .failure(let e):
                    joiner.discard()
                    return .failure(e)
                case .success(nil):
                    guard let out = joiner.finish() else { return .failure(.internal("no page")) }
                    return .success(out)
                case .success(let token?):
                    input.set(pag.inputToken, JSON.string(token))
                }
            }
        }
    }
}
