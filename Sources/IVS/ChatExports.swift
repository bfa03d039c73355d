// Chat messaging in the C ABI: ivs_chat_connect, ivs_chat_send, ivs_chat_set_token, ivs_chat_close.
// An ivs_chat is a retained ChatSession; its events reach the caller's function with its userdata,
// the text freed when the function returns.
import IVSCore
#if canImport(Glibc)
import Glibc
#endif

public typealias ChatEventFunction = @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void

/// The caller's event function and userdata, carried to the thread that delivers (the caller promised
/// that is safe).
private struct CChatSink: @unchecked Sendable {
    let fn: ChatEventFunction
    let userdata: UnsafeMutableRawPointer?
}

private func session(_ p: OpaquePointer?) -> ChatSession? {
    p.map { Unmanaged<ChatSession>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
}

@_cdecl("ivs_chat_connect")
public func ivs_chat_connect(_ clientPtr: OpaquePointer?, _ options: UnsafePointer<CChar>?, _ onEvent: ChatEventFunction?,
                             _ userdata: UnsafeMutableRawPointer?, _ outChat: UnsafeMutablePointer<OpaquePointer?>?,
                             _ outError: CStringOut?) -> Int32 {
    outError?.pointee = nil
    guard let outChat else { return fail(.invalidArgument("out_chat must not be NULL"), outError) }
    outChat.pointee = nil
    let c: Client
    switch client(from: clientPtr) {
    case .success(let found): c = found
    case .failure(let e): return fail(e, outError)
    }
    guard let onEvent else { return fail(.invalidArgument("on_event must not be NULL"), outError) }
    let sink = CChatSink(fn: onEvent, userdata: userdata)
    let made = withJSONObject(options, "options_json", nullIsEmpty: false) { j in
        ChatSession.connect(client: c, options: j) { text in sink.fn(text, sink.userdata) }
    }
    switch made {
    case .failure(let e): return fail(e, outError)
    case .success(let s):
        outChat.pointee = OpaquePointer(Unmanaged.passRetained(s).toOpaque())
        return 0
    }
}

@_cdecl("ivs_chat_send")
public func ivs_chat_send(_ chat: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ out: CStringOut?) -> Int32 {
    out?.pointee = nil
    guard let s = session(chat) else { return fail(.invalidArgument("chat must not be NULL"), out) }
    let result = jsonObject(request, "request_json", nullIsEmpty: false).flatMap { j -> Result<OutputText, IVSError> in
        defer { JSON.release(j) }
        return s.send(j)
    }
    switch result {
    case .failure(let e): return fail(e, out)
    case .success(let text):
        if let out { out.pointee = text.pointer } else { text.free() }
        return 0
    }
}

@_cdecl("ivs_chat_set_token")
public func ivs_chat_set_token(_ chat: OpaquePointer?, _ token: UnsafePointer<CChar>?) -> Int32 {
    guard let s = session(chat), let token else { return invalidArgumentStatus }
    switch s.setToken(String(cString: token)) {
    case .success: return 0
    case .failure(let e): return e.status
    }
}

@_cdecl("ivs_chat_close")
public func ivs_chat_close(_ chat: OpaquePointer?) {
    guard let chat else { return }
    let handle = Unmanaged<ChatSession>.fromOpaque(UnsafeRawPointer(chat))
    handle.takeUnretainedValue().close()
    handle.release()
}
