import Foundation
import XCTest
@testable import IVSCore

/// The shared config file parser, by the rules of Python's RawConfigParser as botocore uses it.
final class ConfigFileTests: XCTestCase {
    func parse(_ text: String) throws -> [String: [String: String]] {
        try SharedConfigFile.parse(text, path: "config").sections
    }

    func testSectionsCommentsContinuationsAndNesting() throws {
        let s = try parse("""
        # a comment
        [default]
        region = us-west-2
        ; another comment
        Output: json
        credential_process = /bin/creds
          --flag value
        s3 =
          max_concurrent_requests = 20
          # comments inside a nested block are skipped
          addressing_style = path

        [profile my dev]
        region=eu-west-1
        value = has # no inline comment
        """)
        XCTAssertEqual(s["default"]?["region"], "us-west-2")
        XCTAssertEqual(s["default"]?["output"], "json")
        XCTAssertEqual(s["default"]?["credential_process"], "/bin/creds\n--flag value")
        let nested = try XCTUnwrap(SharedConfigFile.nested(try XCTUnwrap(s["default"]?["s3"])))
        XCTAssertEqual(nested, ["max_concurrent_requests": "20", "addressing_style": "path"])
        XCTAssertEqual(s["profile my dev"]?["region"], "eu-west-1")
        XCTAssertEqual(s["profile my dev"]?["value"], "has # no inline comment")
    }

    func testErrorsNameTheLine() {
        for (text, needle) in [("region = x\n", "line 1"), ("[a]\nk = 1\n[a]\n", "line 3"),
                               ("[a]\nk = 1\nK = 2\n", "line 3"), ("[a]\njust words\n", "line 2")] {
            XCTAssertThrowsError(try parse(text)) { e in
                let err = e as? IVSError
                XCTAssertEqual(err?.kind, .config)
                XCTAssertTrue(err?.message.contains(needle) ?? false, "\(text): \(err?.message ?? "")")
            }
        }
    }

    func testErrorsShowControlCharactersInNamesVisibly() {
        // as \xHH: a C caller's JSON reader refuses U+0000 in the error JSON, a terminal acts on ESC
        for (text, shown) in [("[profile a\u{0}b]\nk = 1\n[profile a\u{0}b]\n", "section [profile a\\x00b] appears twice"),
                              ("[p\u{1b}[2J]\nk\u{7f} = 1\nk\u{7f} = 2\n", "\"k\\x7f\" is set twice in [p\\x1b[2J]")] {
            XCTAssertThrowsError(try parse(text)) { e in
                let message = (e as? IVSError)?.message ?? ""
                XCTAssertTrue(message.hasSuffix(shown), message)
                XCTAssertFalse(message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }, message)
            }
        }
        XCTAssertEqual(Text.shown("plain € text"), "plain € text")
        XCTAssertEqual(Text.shown("\u{0}\t\n\u{1f} \u{7f}é"), "\\x00\\x09\\x0a\\x1f \\x7fé")
        XCTAssertEqual(Text.withoutNUL("a\u{0}b\nc"), "a\\x00b\nc")
    }

    func testSectionWordsWithQuotes() {
        XCTAssertEqual(SharedConfigFile.words("profile \"my name\""), ["profile", "my name"])
        XCTAssertEqual(SharedConfigFile.words("sso-session  corp"), ["sso-session", "corp"])
        XCTAssertNil(SharedConfigFile.words("profile \"open"))
    }

    func testCommandSplittingAsShlex() {
        XCTAssertEqual(ProcessCredentialProvider.split(#"/bin/x "a b" 'c "d"' e\ f "g\"h""#),
                       ["/bin/x", "a b", "c \"d\"", "e f", "g\"h"])
        XCTAssertNil(ProcessCredentialProvider.split("unbalanced 'quote"))
    }

    func testProfileSettingsAndErrors() throws {
        let dir = "/tmp/ivs-config-tests-\(getpid())"
        mkdir(dir, 0o700)
        defer { _ = unlink(dir + "/config"); rmdir(dir) }
        func write(_ text: String) {
            let f = fopen(dir + "/config", "w")
            fputs(text, f)
            fclose(f)
        }
        func resolve(_ env: [String: String] = [:]) throws -> ResolvedConfig {
            try ConfigResolver(config: ClientConfig(),
                               env: Environment(overrides: env.merging(["AWS_CONFIG_FILE": dir + "/config",
                                                                        "HOME": dir]) { $1 })).resolve()
        }
        write("[profile p]\nregion = eu-west-1\nretry_mode = adaptive\nmax_attempts = 7\nuse_dualstack_endpoint = true\n"
              + "services = local\n[services local]\nivschat =\n  endpoint_url = http://chat.local:9\n")
        let r = try resolve(["AWS_PROFILE": "p"])
        XCTAssertEqual(r.region, "eu-west-1")
        XCTAssertEqual(r.retryMode, .adaptive)
        XCTAssertEqual(r.maxAttempts, 7)
        XCTAssertEqual(r.endpoints["ivs"]?.url, "https://ivs.eu-west-1.api.aws")
        XCTAssertEqual(r.endpoints["ivschat"]?.url, "http://chat.local:9")
        XCTAssertEqual(try resolve(["AWS_PROFILE": "p", "AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "off"]).maxAttempts, 2)
        XCTAssertThrowsError(try resolve(["AWS_PROFILE": "missing"]))
        XCTAssertThrowsError(try resolve(["AWS_PROFILE": "p", "AWS_MAX_ATTEMPTS": "0"]))
        XCTAssertThrowsError(try resolve()) { e in XCTAssertEqual((e as? IVSError)?.code, "NoRegionError") }
    }
}
