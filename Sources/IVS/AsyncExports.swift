// Calls in flight in the C ABI: ivs_call_async, ivs_paginate_async, ivs_cancel, ivs_client_fd,
// ivs_client_dispatch. The callback gets the status and the text ivs_call would return; the text is
// freed when the callback returns.
import IVSCore
#if canImport(Glibc)
import Glibc
#endif

public typealias DoneFunction = @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void

/// The caller's callback and userdata, carried to the thread that delivers (the caller promised
/// that is safe).
private struct CDone: @unchecked Sendable {
    let fn: DoneFunction
    let userdata: UnsafeMutableRawPointer?

    func callAsFunction(_ result: Result<OutputText, IVSError>) {
        switch result {
        case .success(let text):
            fn(0, text.pointer, userdata)
            text.free()
        case .failure(let e):
            let text = e.text()
            fn(e.status, text.map { UnsafePointer($0.pointer) }, userdata)
            text?.free()
        }
    }
}

private func callAsync(_ clientPtr: OpaquePointer?, _ service: UnsafePointer<CChar>?, _ operation: UnsafePointer<CChar>?,
                       _ input: UnsafePointer<CChar>?, _ done: DoneFunction?, _ userdata: UnsafeMutableRawPointer?,
                       _ outId: UnsafeMutablePointer<UInt64>?, paginate: Bool) -> Int32 {
    outId?.pointee = 0
    guard case .success(let c) = client(from: clientPtr), let done else { return invalidArgumentStatus }
    let cdone = CDone(fn: done, userdata: userdata)
    // The request written from the text itself when it is plain (RequestReader), as ivs_call does.
    if !paginate, let service, let operation, let input,
       let id = c.callAsync(service: service, operation: operation, inputText: input,
                            done: { cdone($0) }) {
        outId?.pointee = id
        return 0
    }
    let request: Client.AsyncRequest = required(service, "service").flatMap { s in
        required(operation, "operation").flatMap { o in
            jsonObject(input, "input_json", nullIsEmpty: true).map { (String(cString: s), String(cString: o), $0) }
        }
    }
    let id = c.callAsync(request, paginate: paginate) { cdone($0) }
    outId?.pointee = id
    return 0
}

@_cdecl("ivs_call_async")
public func ivs_call_async(_ client: OpaquePointer?, _ service: UnsafePointer<CChar>?, _ operation: UnsafePointer<CChar>?,
                           _ input: UnsafePointer<CChar>?, _ done: DoneFunction?, _ userdata: UnsafeMutableRawPointer?,
                           _ outId: UnsafeMutablePointer<UInt64>?) -> Int32 {
    callAsync(client, service, operation, input, done, userdata, outId, paginate: false)
}

@_cdecl("ivs_paginate_async")
public func ivs_paginate_async(_ client: OpaquePointer?, _ service: UnsafePointer<CChar>?, _ operation: UnsafePointer<CChar>?,
                               _ input: UnsafePointer<CChar>?, _ done: DoneFunction?, _ userdata: UnsafeMutableRawPointer?,
                               _ outId: UnsafeMutablePointer<UInt64>?) -> Int32 {
    callAsync(client, service, operation, input, done, userdata, outId, paginate: true)
}

@_cdecl("ivs_cancel")
public func ivs_cancel(_ clientPtr: OpaquePointer?, _ id: UInt64) -> Int32 {
    guard case .success(let c) = client(from: clientPtr), id != 0 else { return invalidArgumentStatus }
    c.cancelAsync(id)
    return 0
}

@_cdecl("ivs_client_fd")
public func ivs_client_fd(_ clientPtr: OpaquePointer?) -> Int32 {
    guard case .success(let c) = client(from: clientPtr) else { return -1 }
    return c.dispatchFD
}

@_cdecl("ivs_client_dispatch")
public func ivs_client_dispatch(_ clientPtr: OpaquePointer?, _ timeoutMs: Int32) -> Int32 {
    guard case .success(let c) = client(from: clientPtr) else { return 0 }
    return Int32(clamping: c.dispatchCallbacks(timeoutMs: timeoutMs))
}
