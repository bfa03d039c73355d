import Foundation
import XCTest
@testable import IVSCore

/// Loads the botocore-computed vectors in Fixtures/ (written by tools/fixtures/make_vectors.py).
enum Fixtures {
    static func load(_ name: String) throws -> [[String: Any]] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
                                "missing fixture \(name).json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
    }

    /// Parses JSON text with libivs's own parser (jansson); the caller releases the result.
    static func parse(_ text: String) throws -> JSONPointer {
        switch JSON.parse(text) {
        case .success(let p): return p
        case .failure(let e): throw NSError(domain: "json", code: 1, userInfo: [NSLocalizedDescriptionKey: e.message])
        }
    }

    static func text(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed]), as: UTF8.self)
    }

    static func object(_ bytes: [UInt8]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }
}
