#if canImport(Glibc)
import Glibc
#endif

/// Facts derived once per service model (not per call): which shapes contain timestamps, and every
/// structure's member names as C strings for allocation-free jansson lookups.
final class ShapeFacts: @unchecked Sendable {
    private let timestamp: [Bool]
    /// memberNames[shape][member]: NUL-terminated copies of the member names, kept for the process's life.
    let memberNames: [[UnsafePointer<CChar>]]
    /// Per shape, what a walk over a response body needs without copying `Shape` values: the type,
    /// the list or map element shape, every member's shape, and whether any member is bound to a header.
    let type: [ShapeType]
    let element: [Int]
    let memberShapes: [[Int]]
    let hasHeaderMember: [Bool]

    private init(_ model: ServiceModel) {
        var memo = [Bool?](repeating: nil, count: model.shapes.count)
        func visit(_ i: Int, _ depth: Int) -> Bool {
            guard i >= 0, i < model.shapes.count, depth < 64 else { return false }
            if let m = memo[i] { return m }
            memo[i] = false // cycles (recursive shapes) count as no timestamp until proven otherwise
            let s = model.shapes[i]
            var r = false
            switch s.type {
            case .timestamp: r = true
            case .structure: r = s.members.contains { visit($0.shape, depth + 1) }
            case .list, .map: r = visit(s.element, depth + 1)
            default: r = false
            }
            memo[i] = r
            return r
        }
        timestamp = (0..<model.shapes.count).map { visit($0, 0) }
        type = model.shapes.map { $0.type }
        element = model.shapes.map { $0.element }
        memberShapes = model.shapes.map { $0.members.map { $0.shape } }
        hasHeaderMember = model.shapes.map { $0.members.contains { $0.location != .body } }
        memberNames = model.shapes.map { shape in
            shape.members.map { m in strdup(m.name).map { UnsafePointer($0) } ?? ShapeFacts.noName }
        }
    }

    /// What a member name reads as if strdup failed (it then matches no key).
    private static let noName = UnsafeRawPointer(("\u{1}" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)

    func containsTimestamp(_ i: Int) -> Bool { i >= 0 && i < timestamp.count && timestamp[i] }

    /// The index of the member whose name is key, by C string comparison.
    @inline(__always)
    func memberIndex(_ shape: Int, _ key: UnsafePointer<CChar>) -> Int? {
        let names = memberNames[shape]
        for i in 0..<names.count where strcmp(names[i], key) == 0 { return i }
        return nil
    }

    private static let all: [ObjectIdentifier: ShapeFacts] = {
        var d: [ObjectIdentifier: ShapeFacts] = [:]
        for m in ServiceModel.all { d[ObjectIdentifier(m)] = ShapeFacts(m) }
        return d
    }()

    static func of(_ model: ServiceModel) -> ShapeFacts {
        all[ObjectIdentifier(model)] ?? ShapeFacts(model)
    }
}
