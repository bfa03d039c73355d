// libFuzzer's entry points for the differential target (one target, so no selector): built by
// scripts/fuzz-diff.sh with -sanitize=fuzzer,address. It sits beside the other fuzz targets
// (Sources/IVSFuzz, scripts/fuzz.sh) and can move into their binary as one more FuzzTarget
// (ResponseDiff.run has their signature).
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerInitialize")
public func diffFuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?,
                               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    atexit { Stats.print() }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func diffFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ResponseDiff.run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}
