// libFuzzer's entry points for every fuzz target of libivs, in one binary (one build, one link). The
// target is chosen by the environment variable IVS_FUZZ_TARGET; scripts/fuzz.sh sets it.
#if canImport(Glibc)
import Glibc
#endif

/// A fuzz target: a name (IVS_FUZZ_TARGET, fuzz/corpus/<name>/) and what it does with one input.
/// A target returns normally for any input it rejects; a broken promise of the library traps
/// (`invariant`), which libFuzzer records as a crash with the input that caused it.
struct FuzzTarget {
    let name: String
    let summary: String
    let run: (UnsafeBufferPointer<UInt8>) -> Void
    /// Run once when the target is chosen (before the first input).
    var setUp: () -> Void = {}
}

let fuzzTargets: [FuzzTarget] = [
    FuzzTarget(name: "response", summary: "a service response (status line, headers, body) for any operation of the three services",
               run: ResponseTarget.run),
    FuzzTarget(name: "dates", summary: "ISO 8601 and HTTP-date parsing, ISO 8601 formatting, Retry-After",
               run: DateTarget.run),
    FuzzTarget(name: "shared-config", summary: "the shared config and credentials files, and resolving a profile",
               run: SharedConfigTarget.run),
    FuzzTarget(name: "credential-documents", summary: "credential_process output, container and instance metadata, SSO",
               run: CredentialDocumentTarget.run),
    FuzzTarget(name: "input", summary: "ivs_call's input JSON: parse, validate, serialize, sign",
               run: InputTarget.run),
    FuzzTarget(name: "tokens", summary: "token verification, playback and participant token requests",
               run: TokenTarget.run),
    FuzzTarget(name: "client-config", summary: "ivs_client_new's config JSON",
               run: ClientConfigTarget.run),
    FuzzTarget(name: "websocket", summary: "the chat WebSocket: frames from the server (WebSocketReader) and the handshake answer",
               run: WebSocketTarget.run),
    FuzzTarget(name: "chat", summary: "chat messaging JSON: server events, ivs_chat_connect options, ivs_chat_send requests, tokens",
               run: ChatTarget.run),
    FuzzTarget(name: "sts", summary: "AWS STS XML answers (AssumeRole, AssumeRoleWithWebIdentity, errors) and web identity tokens",
               run: STSTarget.run),
    FuzzTarget(name: "reader-diff", summary: "ivs_call's readers (JSONReader, RequestReader) against the jansson path, byte for byte",
               run: ResponseDiff.run, setUp: { atexit { ReaderDiffStats.print() } }),
]

/// Not a fuzz target: scripts/fuzz.sh runs it on fixed inputs first to prove that a trap, a leak and
/// a heap overflow each fail the run (a build without the sanitizers would pass everything).
let canary = FuzzTarget(name: "canary", summary: "inputs \"trap\", \"leak\", \"overflow\" must each be reported") { data in
    switch String(decoding: data, as: UTF8.self) {
    case "trap": fatalError("canary: trap")
    case "leak": leakForCanary()
    case "overflow":
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 8)
        defer { p.deallocate() }
        p[Int(data.count) + 8] = 1 // past the end: ASan must report it
    default: break
    }
}

/// 64 bytes that nothing points to afterwards (unoptimised, so the allocation is not removed).
@_optimize(none)
private func leakForCanary() {
    var p: UnsafeMutableRawPointer? = malloc(64)
    if let q = p { memset(q, 7, 64) }
    p = nil
    _ = p
}

nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?,
                           _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    let name = getenv("IVS_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = (fuzzTargets + [canary]).first(where: { $0.name == name }) else {
        var text = "IVS_FUZZ_TARGET must name a fuzz target" + (name.isEmpty ? "" : " (not \"\(name)\"):") + "\n"
        for t in fuzzTargets { text += "  \(t.name)\t\(t.summary)\n" }
        fputs(text, stderr)
        exit(2)
    }
    selected = target
    target.setUp()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected?.run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}
