// The C ABI of include/ivs.h: clients, calls, description, memory and logging.
import IVSCore
#if canImport(Glibc)
import Glibc
#endif

private let versionCString: UnsafeMutablePointer<CChar>? = strdup(LibraryInfo.version)

@_cdecl("ivs_version")
public func ivs_version() -> UnsafePointer<CChar>? {
    UnsafePointer(versionCString)
}

@_cdecl("ivs_client_new")
public func ivs_client_new(_ config: UnsafePointer<CChar>?, _ outClient: UnsafeMutablePointer<OpaquePointer?>?,
                           _ outError: CStringOut?) -> Int32 {
    outError?.pointee = nil
    guard let outClient else { return fail(.invalidArgument("out_client must not be NULL"), outError) }
    outClient.pointee = nil
    let made: Result<Client, IVSError> = withJSONObject(config, "config_json", nullIsEmpty: true) { j in
        Result { () throws(IVSError) -> Client in try Client(config: ClientConfig(json: j)) }
    }
    switch made {
    case .failure(let e): return fail(e, outError)
    case .success(let c):
        outClient.pointee = OpaquePointer(Unmanaged.passRetained(c).toOpaque())
        return 0
    }
}

@_cdecl("ivs_client_free")
public func ivs_client_free(_ p: OpaquePointer?) {
    guard let p else { return }
    let handle = Unmanaged<Client>.fromOpaque(UnsafeRawPointer(p))
    handle.takeUnretainedValue().shutdownAsync() // calls in flight end as cancelled, their callbacks run
    handle.release()
}

/// The shared body of ivs_call, ivs_paginate and the generated per-operation functions.
func callOperation(_ clientPtr: OpaquePointer?, _ service: UnsafePointer<CChar>?, _ operation: UnsafePointer<CChar>?,
                   _ input: UnsafePointer<CChar>?, _ out: CStringOut?, paginate: Bool = false) -> Int32 {
    guard let out else { return invalidArgumentStatus }
    out.pointee = nil
    let c: Client
    switch client(from: clientPtr) {
    case .success(let found): c = found
    case .failure(let e): return fail(e, out)
    }
    guard let service else { return fail(.invalidArgument("service must not be NULL"), out) }
    guard let operation else { return fail(.invalidArgument("operation must not be NULL"), out) }
    // The request written from the text itself when it is plain (RequestReader); otherwise parsed.
    if !paginate, let input, let r = c.callText(service: service, operation: operation, inputText: input) {
        return deliver(r, out)
    }
    let s = String(cString: service), o = String(cString: operation)
    if paginate {
        return deliver(withJSONObject(input, "input_json", nullIsEmpty: true) { c.paginate(service: s, operation: o, input: $0) }, out)
    }
    return deliver(withJSONObject(input, "input_json", nullIsEmpty: true) { c.callText(service: s, operation: o, input: $0) }, out)
}

/// The generated per-operation functions call this with static names.
func callOperation(_ clientPtr: OpaquePointer?, _ service: StaticString, _ operation: StaticString,
                   _ input: UnsafePointer<CChar>?, _ out: CStringOut?) -> Int32 {
    // StaticString literals are NUL-terminated.
    callOperation(clientPtr, UnsafeRawPointer(service.utf8Start).assumingMemoryBound(to: CChar.self),
                  UnsafeRawPointer(operation.utf8Start).assumingMemoryBound(to: CChar.self), input, out)
}

@_cdecl("ivs_call")
public func ivs_call(_ client: OpaquePointer?, _ service: UnsafePointer<CChar>?, _ operation: UnsafePointer<CChar>?,
                     _ input: UnsafePointer<CChar>?, _ out: CStringOut?) -> Int32 {
    callOperation(client, service, operation, input, out)
}

@_cdecl("ivs_paginate")
public func ivs_paginate(_ client: OpaquePointer?, _ service: UnsafePointer<CChar>?, _ operation: UnsafePointer<CChar>?,
                         _ input: UnsafePointer<CChar>?, _ out: CStringOut?) -> Int32 {
    callOperation(client, service, operation, input, out, paginate: true)
}

@_cdecl("ivs_describe")
public func ivs_describe(_ service: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    guard let text = ServiceDescription.describe(service.map { String(cString: $0) }) else { return nil }
    return strdup(text)
}

@_cdecl("ivs_free")
public func ivs_free(_ p: UnsafeMutableRawPointer?) {
    free(p)
}

/// The caller's log function and userdata, called from any thread (the caller promised that is safe).
private struct CLogSink: @unchecked Sendable {
    let fn: @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void
    let userdata: UnsafeMutableRawPointer?
}

@_cdecl("ivs_set_log_callback")
public func ivs_set_log_callback(_ level: Int32,
                                 _ fn: (@convention(c) (Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void)?,
                                 _ userdata: UnsafeMutableRawPointer?) {
    let sink: Log.Sink? = fn.map { fn in
        let c = CLogSink(fn: fn, userdata: userdata)
        return { level, message in message.withCString { c.fn(level.rawValue, $0, c.userdata) } }
    }
    Log.configure(level: level, sink: sink)
}

@_cdecl("ivs_client_config")
public func ivs_client_config(_ clientPtr: OpaquePointer?, _ out: CStringOut?) -> Int32 {
    guard let out else { return invalidArgumentStatus }
    out.pointee = nil
    return deliver(client(from: clientPtr).flatMap { c in
        c.describeConfiguration().map { .success($0) } ?? .failure(.internal("out of memory"))
    }, out)
}

@_cdecl("ivs_client_credentials")
public func ivs_client_credentials(_ clientPtr: OpaquePointer?, _ out: CStringOut?) -> Int32 {
    guard let out else { return invalidArgumentStatus }
    out.pointee = nil
    return deliver(client(from: clientPtr).flatMap { c -> Result<JSONPointer, IVSError> in
        do throws(IVSError) {
            let (creds, source) = try c.credentials.current()
            guard let o = JSON.object() else { return .failure(.internal("out of memory")) }
            o.set("accessKeyId", JSON.string(creds.accessKeyId))
            o.set("secretAccessKey", JSON.string(creds.secretAccessKey))
            o.set("sessionToken", creds.sessionToken.map { JSON.string($0) } ?? JSON.null())
            o.set("expiration", creds.expiration.flatMap { Clock.iso8601($0) }.map { JSON.string($0) } ?? JSON.null())
            o.set("source", JSON.string(source))
            return .success(o)
        } catch {
            return .failure(error)
        }
    }, out)
}
