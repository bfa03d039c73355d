// Fuzz target "response": what libivs does with a service's response to any operation of the three services.
//
// Input: byte 0 picks the operation (modulo the number of operations, model order: ivs, ivs-realtime, ivschat), byte 1 is
// flags (bits 0-1: attempts - 1; bit 2: maxResponseBytes 1024 instead of the default; bits 3-7: the
// size of the pieces the body arrives in, 0 = all at once), the rest is the response as on the wire:
// the status line and header lines up to the empty line (after any 1xx interim response), then the
// body.
//
// The lines go through ResponseCollector.header, the code curl's header callback runs (status
// lines, bounds, Content-Length), the body through ResponseCollector.body; what the collector kept
// becomes the transport's result as CurlTransport makes it. Then the stages of Client.execute after
// the send: classify; for a success renderText (ivs_call) and renderTree (ivs_paginate) and the next
// page's request from the page token; for a failure the error JSON (with its ResponseMetadata) and
// the retry policy's decision.
@testable import IVSCore
import CJansson
#if canImport(Glibc)
import Glibc
#endif

enum ResponseTarget {
    /// One prepared call per operation, as prepare makes it for an empty input (only the model and
    /// the endpoint matter to the stages after the send).
    static let calls: [PreparedCall] = allOperations.map { model, op in
        let request = SerializedRequest(method: op.method, path: op.requestUri, query: [], headers: [], body: [])
        return PreparedCall(service: FuzzClient.shared.target(model)!, op: op, request: request)
    }

    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(data)
        let call = calls[Int(input.byte()) % calls.count]
        let flags = input.byte()
        let attempts = 1 + Int(flags & 3)
        let maxBody = flags & 4 != 0 ? 1024 : TransportOptions.defaultMaxResponseBytes
        let piece = Int(flags >> 3)
        let raw = input.rest

        var collector = ResponseCollector(maxBody: maxBody)
        let bodyStart = receive(raw, into: &collector, piece: piece)
        let result: Result<HTTPResponse, TransportError>
        // CurlTransport.outcome for a transfer curl completed.
        switch collector.stop {
        case .bodyTooLarge:
            result = .failure(TransportError(kind: .tooLarge(status: collector.response.status),
                                             message: "the response body is larger than maxResponseBytes (\(maxBody) bytes)"))
        case .headersTooLarge:
            result = .failure(TransportError(kind: .tooLarge(status: collector.response.status),
                                             message: "the response headers exceed the bounds"))
        case .resendRefused:
            return invariant(false, "no request was sent, yet the collector refused a resend")
        case .invalidHeader:
            result = .failure(CurlTransport.invalidHead(status: collector.response.status, "a NUL or CR byte in a header line"))
        case .errorBodyTruncated:
            invariant(!(200..<300).contains(collector.response.status), "a 2xx body was truncated instead of refused")
            result = .success(collector.response)
        case nil:
            invariant(collector.response.body.elementsEqual(raw[bodyStart...]), "the body collected differs from the body sent")
            result = .success(collector.response)
        }

        let client = FuzzClient.shared
        switch client.classify(call, result) {
        case .success(let r):
            invariant((200..<300).contains(r.status), "HTTP \(r.status) classified as a success")
            success(call, CompletedCall(response: r, attempts: attempts))
        case .failure(var failure, let response):
            failure.attempts = attempts
            failure.metadata = response.map { ResponseMetadata($0, attempts: attempts) }
            checkFailure(failure, response, result)
            checkErrorJSON(failure, "call error")
            // A policy of its own per input: the client's quota would run dry over many inputs.
            var state = RetryState()
            state.attempts = attempts
            if case .retry(let delay) = RetryPolicy(mode: .standard, maxAttempts: 4).decide(failure, response: response, &state) {
                invariant(delay.isFinite && delay >= 0 && delay <= RetryPolicy.maxBackoff, "retry delay \(delay) s")
            }
        }
    }

    /// Feeds the head line by line (each with its line break, as curl passes them) and then the body,
    /// until the collector stops the transfer. Returns where the body starts in raw.
    static func receive(_ raw: UnsafeBufferPointer<UInt8>, into c: inout ResponseCollector, piece: Int) -> Int {
        var lineStart = 0
        var i = 0
        var bodyStart = raw.count
        while i < raw.count {
            guard raw[i] == 10 else { i += 1; continue }
            let line = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: raw[lineStart...i]))
            i += 1
            lineStart = i
            // (libcurl fails a transfer whose head has a NUL byte itself, without calling back; the
            // collector refuses the line the same way, with the same outcome.)
            guard c.header(line) else { return bodyStart }
            // The empty line ends the head, unless it ended an interim 1xx response (100 Continue):
            // the final response's status line and headers follow, as curl passes them.
            if line.count == 1 || (line.count == 2 && line[0] == 13), !(100..<200).contains(c.response.status) {
                bodyStart = i
                break
            }
        }
        if bodyStart == raw.count, lineStart < raw.count {
            // A last line without a line break: curl would not call back for it; it ends the head.
            return bodyStart
        }
        var at = bodyStart
        while at < raw.count {
            let n = piece == 0 ? raw.count - at : min(piece, raw.count - at)
            guard c.body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: raw[at..<(at + n)]))) else { break }
            at += n
        }
        return bodyStart
    }

    static func success(_ call: PreparedCall, _ done: CompletedCall) {
        let client = FuzzClient.shared
        let r = done.response
        // ivs_call: the output text with ResponseMetadata spliced in.
        var callOutput: JSONPointer? = nil
        var callError: IVSError? = nil
        switch client.renderText(call, done) {
        case .success(let text):
            callOutput = mustParse(text.pointer, "ivs_call output")
            text.free()
            invariant(callOutput?.kind == .object, "ivs_call output is not an object")
            invariant(callOutput?["ResponseMetadata"]?.kind == .object, "ivs_call output has no ResponseMetadata")
        case .failure(let e):
            checkInvalidResponse(e, r, attempts: done.attempts)
            callError = e
        }
        defer { JSON.release(callOutput) }

        // ivs_paginate: the output tree.
        switch client.renderTree(call, done) {
        case .success(let out):
            defer { JSON.release(out) }
            invariant(callError == nil, "ivs_call failed (\(callError?.code ?? "")) where ivs_paginate's render succeeded")
            invariant(json_equal(callOutput, out) == 1,
                      "ivs_call and ivs_paginate disagree:\n  call:     \(callOutput.map(JSON.dump) ?? "nil")\n  paginate: \(JSON.dump(out))")
            checkTimestamps(out, call.op.output, call.model, path: "", depth: 0)
            nextPage(call, out)
        case .failure(let e):
            checkInvalidResponse(e, r, attempts: done.attempts)
            invariant(callError?.code == e.code, "ivs_paginate's render failed (\(e.code)) where ivs_call gave \(callError?.code ?? "output")")
        }
    }

    /// A 2xx response libivs cannot read is IVS_E_SERVICE InvalidResponse with the response's status.
    static func checkInvalidResponse(_ e: IVSError, _ r: HTTPResponse, attempts: Int) {
        invariant(e.kind == .service && e.code == ErrorCode.invalidResponse && e.httpStatus == r.status && !e.retryable,
                  "a 2xx response failed as \(e.kind) \(e.code) (httpStatus \(e.httpStatus.map(String.init) ?? "nil")): \(e.message)")
        invariant(e.attempts == attempts, "InvalidResponse carries \(e.attempts) attempts, not \(attempts)")
        checkErrorJSON(e, "InvalidResponse")
    }

    /// What a failed attempt must be: the service's error with its status (retryable for 500, 502,
    /// 503 and 504), or ResponseTooLarge for a response over the bounds (retryable for the same).
    static func checkFailure(_ e: IVSError, _ response: HTTPResponse?, _ result: Result<HTTPResponse, TransportError>) {
        switch result {
        case .failure(let t):
            if case .invalidResponse(let status) = t.kind {
                // a head that is not HTTP: retried only for a status botocore retries
                invariant(e.kind == .service && e.code == ErrorCode.invalidResponse && e.httpStatus == (status == 0 ? nil : status)
                          && e.retryable == RetryPolicy.transientStatus.contains(status),
                          "a head with NUL or CR is \(e.kind) \(e.code) (retryable \(e.retryable))")
            } else {
                // over the bounds: retried only for a status botocore retries (a 503 whatever came with it)
                invariant(e.kind == .service && e.code == ErrorCode.responseTooLarge
                          && e.retryable == RetryPolicy.transientStatus.contains(e.httpStatus ?? 0),
                          "a response over the bounds is \(e.kind) \(e.code) (retryable \(e.retryable))")
            }
        case .success(let r):
            invariant(response != nil && e.kind == .service && e.httpStatus == r.status && !e.code.isEmpty,
                      "HTTP \(r.status) became \(e.kind) \(e.code) (httpStatus \(e.httpStatus.map(String.init) ?? "nil"))")
            if RetryPolicy.transientStatus.contains(r.status) {
                invariant(e.retryable, "HTTP \(r.status) \(e.code) is not retryable")
            }
        }
    }

    /// Every timestamp in the output is ISO 8601 UTC for a year 0001-9999 (the contract, issue 10).
    static func checkTimestamps(_ v: JSONPointer, _ shapeIndex: Int, _ model: ServiceModel, path: String, depth: Int) {
        guard shapeIndex >= 0, shapeIndex < model.shapes.count, depth < 64 else { return }
        let shape = model.shapes[shapeIndex]
        switch shape.type {
        case .timestamp:
            invariant(v.stringValue.map(isOutputTimestamp) ?? false, "output timestamp \(path) is \(JSON.dump(v))")
        case .structure where v.kind == .object:
            for m in shape.members {
                if let mv = v[m.name] { checkTimestamps(mv, m.shape, model, path: path + "." + m.name, depth: depth + 1) }
            }
        case .list where v.kind == .array:
            for i in 0..<v.count {
                if let e = v.element(i) { checkTimestamps(e, shape.element, model, path: path + "[\(i)]", depth: depth + 1) }
            }
        case .map where v.kind == .object:
            v.forEachMember { k, value in checkTimestamps(value, shape.element, model, path: path + "." + k, depth: depth + 1) }
        default:
            break
        }
    }

    /// ivs_paginate's next request: the page token from the service goes into the input, which is
    /// prepared, signed and made into curl's header lines like any other.
    static func nextPage(_ call: PreparedCall, _ page: JSONPointer) {
        guard let pag = call.op.paginator, let token = page[pag.outputToken]?.stringValue, !token.isEmpty,
              let next = JSON.object() else { return }
        defer { JSON.release(next) }
        next.set(pag.inputToken, JSON.string(token))
        RequestCheck.prepareAndSign(call.model, call.op, next)
    }
}
