// The C ABI of include/ivs.h: marshalling between C strings and IVSCore, nothing else.
// Every entry point is NULL-safe and sets each out-pointer it is given.
import IVSCore
#if canImport(Glibc)
import Glibc
#endif

public typealias CStringOut = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

private let versionCString: UnsafeMutablePointer<CChar>? = strdup(LibraryInfo.version)

/// Hands an error to the caller: the error JSON into *out (when out is given) and the status back.
@inline(__always)
func fail(_ e: IVSError, _ out: CStringOut?) -> Int32 {
    out?.pointee = e.toCString()
    return e.kind.status
}

/// Hands a result object to the caller, releasing it.
func deliver(_ r: Result<JSONPointer, IVSError>, _ out: CStringOut) -> Int32 {
    switch r {
    case .failure(let e): return fail(e, out)
    case .success(let j):
        defer { JSON.release(j) }
        guard let text = JSON.dumpC(j) else { return fail(.internal("out of memory"), out) }
        out.pointee = text
        return 0
    }
}

func client(from p: OpaquePointer?) -> Client? {
    guard let p else { return nil }
    return Unmanaged<Client>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
}

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
    do {
        let c = try Client(configJSON: config)
        outClient.pointee = OpaquePointer(Unmanaged.passRetained(c).toOpaque())
        return 0
    } catch {
        return fail(error, outError)
    }
}

@_cdecl("ivs_client_free")
public func ivs_client_free(_ p: OpaquePointer?) {
    guard let p else { return }
    Unmanaged<Client>.fromOpaque(UnsafeRawPointer(p)).release()
}

/// The shared body of ivs_call, ivs_paginate and the generated per-operation functions.
func callOperation(_ clientPtr: OpaquePointer?, _ service: UnsafePointer<CChar>?, _ operation: UnsafePointer<CChar>?,
                   _ input: UnsafePointer<CChar>?, _ out: CStringOut?, paginate: Bool = false) -> Int32 {
    guard let out else { return IVSError.Kind.invalidArgument.status }
    out.pointee = nil
    guard let c = client(from: clientPtr) else { return fail(.invalidArgument("client must not be NULL"), out) }
    guard let service else { return fail(.invalidArgument("service must not be NULL"), out) }
    guard let operation else { return fail(.invalidArgument("operation must not be NULL"), out) }
    let s = String(cString: service), o = String(cString: operation)
    if paginate { return deliver(c.paginate(service: s, operation: o, input: input), out) }
    switch c.callText(service: s, operation: o, input: input) {
    case .success(let text):
        out.pointee = text
        return 0
    case .failure(let e):
        return fail(e, out)
    }
}

/// The generated per-operation functions call this with static names.
func callOperation(_ clientPtr: OpaquePointer?, _ service: StaticString, _ operation: StaticString,
                   _ input: UnsafePointer<CChar>?, _ out: CStringOut?) -> Int32 {
    service.withUTF8Buffer { s in
        operation.withUTF8Buffer { o in
            s.withMemoryRebound(to: CChar.self) { sp in
                o.withMemoryRebound(to: CChar.self) { op in
                    // StaticString literals are NUL-terminated.
                    callOperation(clientPtr, sp.baseAddress, op.baseAddress, input, out)
                }
            }
        }
    }
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

@_cdecl("ivs_set_log_callback")
public func ivs_set_log_callback(_ level: Int32, _ fn: Log.Sink?, _ userdata: UnsafeMutableRawPointer?) {
    Log.configure(level: level, sink: fn, userdata: userdata)
}
