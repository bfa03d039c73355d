// Fuzz target "shared-config": the shared config and credentials files (~/.aws/config and
// ~/.aws/credentials) and everything resolved from them when a client is made.
//
// Input: the config file, then a NUL byte, then the credentials file (without a NUL: the config file
// only). Both are parsed as SharedConfigFile, their section names split (words) and their values
// read as nested sections and, for credential_process, as a command line (never run). Then both are
// written to a scratch directory and ConfigResolver resolves a client against them, with an
// environment of nothing but the two paths and HOME: once for the default profile, once for the
// first profile the config file names. Credentials are never fetched (that would run
// credential_process or reach the network).
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum SharedConfigTarget {
    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        let nul = data.firstIndex(of: 0)
        let configBytes = UnsafeBufferPointer(rebasing: data[..<(nul ?? data.count)])
        let credentialsBytes = nul.map { UnsafeBufferPointer(rebasing: data[($0 + 1)...]) } ?? UnsafeBufferPointer(start: nil, count: 0)

        let config = parse(configBytes, path: "config")
        _ = parse(credentialsBytes, path: "credentials")

        let configPath = ScratchDirectory.write("config", configBytes)
        let credentialsPath = ScratchDirectory.write("credentials", credentialsBytes)
        let env = Environment(overrides: ["AWS_CONFIG_FILE": configPath, "AWS_SHARED_CREDENTIALS_FILE": credentialsPath,
                                          "HOME": ScratchDirectory.path])
        resolve(ClientConfig(), env)
        // The first [profile NAME] of the file, so that the fuzzer's own profile is resolved too.
        if let name = config?.sections.keys.sorted().compactMap({ SharedConfigFile.words($0) })
            .first(where: { $0.count == 2 && $0[0] == "profile" })?[1] {
            var named = ClientConfig()
            named.profile = name
            resolve(named, env)
        }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String) -> SharedConfigFile? {
        // SharedConfigFile.load refuses a file that is not UTF-8 before parsing.
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let file: SharedConfigFile
        do { file = try SharedConfigFile.parse(text, path: path) } catch {
            invariant(error.kind == .config, "a config file parse error is \(error.kind)")
            checkErrorJSON(error, "config file")
            return nil
        }
        for (name, values) in file.sections {
            _ = SharedConfigFile.words(name)
            for (key, value) in values {
                _ = SharedConfigFile.nested(value)
                if key == "credential_process" { _ = ProcessCredentialProvider.split(value) }
            }
        }
        return file
    }

    static func resolve(_ config: ClientConfig, _ env: Environment) {
        do {
            let resolved = try ConfigResolver(config: config, env: env).resolve()
            invariant(resolved.endpoints.count == ServiceModel.all.count, "a resolved config lacks endpoints")
            invariant(HeaderValue.isValid(resolved.transport.userAgent), "the User-Agent has a control character")
            for (service, e) in resolved.endpoints {
                do { _ = try Endpoint.parse(e.url, key: "resolved endpoint") } catch {
                    invariant(false, "the endpoint resolved for \(service) does not parse again: \(error.message)")
                }
            }
        } catch {
            checkErrorJSON(error, "resolve")
        }
    }
}
