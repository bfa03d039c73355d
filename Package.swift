// swift-tools-version:6.0
// libivs: a client library for Amazon IVS, IVS Real-Time and IVS Chat with a stable C ABI.
// Build the shared library with:  swift build -c release -Xswiftc -static-stdlib
import Foundation
import PackageDescription

// The library version lives once, in VERSION; the SONAME is libivs.so.MAJOR.MINOR of it (0.x: a minor
// release may change the ABI). scripts/build.sh checks that the built library carries it.
let version = (try? String(contentsOfFile: Context.packageDirectory + "/VERSION", encoding: .utf8))?
    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "0.0.0"
let soname = "libivs.so." + version.split(separator: ".").prefix(2).joined(separator: ".")

let package = Package(
    name: "libivs",
    products: [
        // libivs.so: the C ABI declared in include/ivs.h.
        .library(name: "ivs", type: .dynamic, targets: ["IVS"]),
    ],
    targets: [
        // The C libraries libivs is built on, found through pkg-config.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CJansson", path: "Sources/CJansson", pkgConfig: "jansson",
                       providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "CExpat", path: "Sources/CExpat", pkgConfig: "expat",
                       providers: [.apt(["libexpat1-dev"])]),
        // Non-variadic wrappers for the variadic parts of libcurl, which Swift cannot call.
        .target(name: "CIVSShims", dependencies: ["CCurl"], path: "Sources/CIVSShims"),
        // The engine: models, validation, serialization, signing, transport, client.
        .target(name: "IVSCore", dependencies: ["CCurl", "COpenSSL", "CJansson", "CExpat", "CIVSShims"],
                path: "Sources/IVSCore"),
        // The C ABI: marshalling between C strings and IVSCore, nothing else.
        .target(name: "IVS", dependencies: ["IVSCore"], path: "Sources/IVS",
                exclude: ["exports.map"],
                // lld (the toolchain's) links it. Not with packed relative relocations (DT_RELR, -0.5 MB):
                // they need glibc 2.36 at run time, which Ubuntu 22.04 and RHEL 9 do not have (docs/benchmarks.md).
                linkerSettings: [.unsafeFlags(["-Xlinker", "-soname=" + soname,
                                               "-Xlinker", "--version-script=" + Context.packageDirectory + "/Sources/IVS/exports.map",
                                               "-use-ld=lld"])]),
        .testTarget(name: "IVSCoreTests", dependencies: ["IVSCore"], path: "Tests/IVSCoreTests",
                    resources: [.copy("Fixtures")]),
    ],
    // Thread safety is by explicit locks around C state (curl handles, jansson values), which Swift 6's
    // static checking cannot see through; the Swift 5 language mode keeps those checks as warnings.
    swiftLanguageModes: [.v5]
)

// The fuzz targets (Sources/IVSFuzz, docs/fuzzing.md): declared only when scripts/fuzz.sh builds them
// (IVS_FUZZ=1, with -sanitize=fuzzer,address), because libFuzzer supplies their main; no other build
// and no product sees them.
if Context.environment["IVS_FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "IVSFuzz", dependencies: ["IVSCore", "CJansson"],
                                             path: "Sources/IVSFuzz"))
}
