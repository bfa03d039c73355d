/// One call in flight (ivs_call_async / ivs_paginate_async) from acceptance to its one callback. The
/// event loop moves it through the pipeline's stages; only the loop thread touches it once begun.
final class AsyncCall {
    let id: UInt64
    let model: ServiceModel
    let op: Operation
    /// The input (owned); a paginated call sets its page token here page by page. nil when the call
    /// was prepared from the caller's text (RequestReader), which needs no tree.
    let input: JSONPointer?
    /// The call as the current page (or the only request) goes out; nil only with earlyFailure.
    var prepared: PreparedCall?
    /// A failure found before the call reached the loop (validation, serialization): delivered as
    /// the call's result.
    let earlyFailure: IVSError?
    var retry = RetryState()
    var attemptStarted = 0.0
    /// The transfer on the wire, while there is one.
    var transfer: CurlTransport.Transfer?
    /// The first attempt's headers, signed on the caller's thread when it could be done there
    /// (Client.presign); the loop sends with them, or frees them if it must wait first.
    var presigned: CurlHeaderList?
    /// For ivs_paginate_async: the pages joined so far.
    var joiner: PageJoiner?
    let done: (Result<OutputText, IVSError>) -> Void
    private var released = false

    init(id: UInt64, model: ServiceModel, op: Operation, input: JSONPointer?, prepared: Result<PreparedCall, IVSError>,
         joiner: PageJoiner?, done: @escaping (Result<OutputText, IVSError>) -> Void) {
        self.id = id
        self.model = model
        self.op = op
        self.input = input
        switch prepared {
        case .success(let p): self.prepared = p; earlyFailure = nil
        case .failure(let e): self.prepared = nil; earlyFailure = e
        }
        self.joiner = joiner
        self.done = done
    }

    /// Lets go of what the call holds (its input and any pages joined).
    func finish() {
        guard !released else { return }
        released = true
        presigned?.release()
        presigned = nil
        joiner?.discard()
        if let input { JSON.release(input) }
    }

    deinit { finish() }
}
