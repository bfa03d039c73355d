/// What JSONReader needs of a model's shapes, flattened once per model into plain memory: each shape's
/// kind and element, each structure's members with their names as bytes and a small hash index over
/// them. The reader then finds a key's member with one hash and one or two comparisons, without
/// touching a Swift array or string (no retain, no copy) per key.
final class ReaderShapes: @unchecked Sendable {
    enum Kind: UInt8 {
        /// string, integer, long, float, double, boolean, blob: any JSON scalar passes through.
        case scalar
        /// A timestamp: the tree path converts it, so it never passes through.
        case timestamp
        case structure
        case list
        case map
        /// A structure with more members than a seen-mask holds (none in the IVS models).
        case wide
    }

    struct Entry {
        var kind: Kind
        /// The shape's own text may be the output: no timestamp reachable from it and no member bound
        /// to a header, the URI or the query (what ResponseParser's tree path would convert or add).
        var plain: Bool
        /// log2 of the structure's slot count (slots[slotBase ..< slotBase + 1 << slotBits]).
        var slotBits: UInt8
        /// The list member or map value shape (-1 for none).
        var element: Int32
        /// The structure's members: names[first ..< first + count].
        var first: Int32
        var count: Int32
        var slotBase: Int32
    }

    struct Name {
        /// The name's first 8 bytes (little-endian, zero-padded): with the length, they tell most
        /// names apart, and they are what the index hashes.
        var head: UInt64
        /// The member name's UTF-8 bytes, in `text`.
        var start: Int32
        var length: Int32
        var shape: Int32
    }

    /// What the request reader checks as Validator does (RequestReader): kept apart from Entry, which
    /// the response reader copies for every value.
    struct Limits {
        /// The model's min and max (length of a string, list or map; value of a number), when given.
        var min: Int64
        var max: Int64
        var hasMin: Bool
        var hasMax: Bool
        var isUnion: Bool
        /// Some member is filled with an idempotency token when absent (the serializer adds it).
        var idempotent: Bool
        /// A structure's required members (bit k: member k).
        var required: UInt64
        var type: ShapeType
        /// A map's key shape (-1 for none).
        var key: Int32
    }

    /// The most members a structure may have for the reader (one bit each in a UInt64).
    static let maxMembers = 64

    private let entries: UnsafeMutablePointer<Entry>
    private let entryCount: Int
    private let names: UnsafeMutablePointer<Name>
    /// Every member name's bytes, back to back.
    private let text: UnsafeMutablePointer<UInt8>
    /// Each structure's open-addressing index: 0 for an empty slot, else the member's index + 1.
    private let slots: UnsafeMutablePointer<UInt8>
    private let limits: UnsafeMutablePointer<Limits>

    init(_ model: ServiceModel) {
        let shapes = model.shapes
        var memberCount = 0, textCount = 0, slotCount = 0
        for s in shapes {
            memberCount += s.members.count
            for m in s.members { textCount += m.name.utf8.count }
            if s.type == .structure, s.members.count <= Self.maxMembers { slotCount += 1 << Self.slotBits(s.members.count) }
        }
        entries = .allocate(capacity: max(1, shapes.count))
        entryCount = shapes.count
        names = .allocate(capacity: max(1, memberCount))
        text = .allocate(capacity: max(1, textCount))
        slots = .allocate(capacity: max(1, slotCount))
        slots.initialize(repeating: 0, count: max(1, slotCount))
        limits = .allocate(capacity: max(1, shapes.count))
        var n = 0, t = 0, slot = 0
        for (i, s) in shapes.enumerated() {
            let kind: Kind
            switch s.type {
            case .structure: kind = s.members.count > Self.maxMembers ? .wide : .structure
            case .list: kind = .list
            case .map: kind = .map
            case .timestamp: kind = .timestamp
            case .string, .integer, .long, .float, .double, .boolean, .blob: kind = .scalar
            }
            let first = n
            for m in s.members {
                let start = t
                var head: UInt64 = 0
                for b in m.name.utf8 {
                    if t - start < 8 { head |= UInt64(b) << UInt64(8 * (t - start)) }
                    (text + t).initialize(to: b)
                    t += 1
                }
                (names + n).initialize(to: Name(head: head, start: Int32(start), length: Int32(t - start),
                                                shape: Int32(clamping: m.shape)))
                n += 1
            }
            var bits = 0
            let slotBase = slot
            if kind == .structure {
                bits = Self.slotBits(s.members.count)
                let mask = (1 << bits) - 1
                for k in 0..<s.members.count {
                    var h = Self.hash(names[first + k].head, bits)
                    while slots[slotBase + h] != 0 { h = (h + 1) & mask }
                    slots[slotBase + h] = UInt8(k + 1)
                }
                slot += 1 << bits
            }
            var required: UInt64 = 0
            for (k, m) in s.members.enumerated() where m.required && k < 64 { required |= 1 << UInt64(k) }
            (limits + i).initialize(to: Limits(min: s.min ?? 0, max: s.max ?? 0, hasMin: s.min != nil, hasMax: s.max != nil,
                                               isUnion: s.isUnion, idempotent: s.members.contains { $0.idempotencyToken },
                                               required: required, type: s.type, key: Int32(clamping: s.key)))
            (entries + i).initialize(to: Entry(kind: kind, plain: !s.containsTimestamp && !s.hasBoundMembers,
                                               slotBits: UInt8(bits), element: Int32(clamping: s.element),
                                               first: Int32(first), count: Int32(n - first), slotBase: Int32(slotBase)))
        }
    }

    deinit {
        entries.deallocate()
        names.deallocate()
        text.deallocate()
        slots.deallocate()
        limits.deallocate()
    }

    /// The limits of shape s (valid: an index entry(_:) accepted).
    @inline(__always)
    func limits(_ s: Int) -> Limits { limits[s] }

    /// Member k's name bytes in the structure whose members start at first.
    @inline(__always)
    func memberName(first: Int32, _ k: Int) -> UnsafeBufferPointer<UInt8> {
        let name = names[Int(first) + k]
        return UnsafeBufferPointer(start: text + Int(name.start), count: Int(name.length))
    }

    /// Slots for a structure of count members: a power of two at least twice the count (probes stay short).
    static func slotBits(_ count: Int) -> Int {
        var bits = 1
        while 1 << bits < 2 * count { bits += 1 }
        return bits
    }

    /// The slot a name's head hashes to (Fibonacci hashing: the top bits of the product).
    @inline(__always)
    static func hash(_ head: UInt64, _ bits: Int) -> Int {
        Int(truncatingIfNeeded: (head &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
    }

    /// The entry of shape s; nil for -1 and anything else outside the model.
    @inline(__always)
    func entry(_ s: Int) -> Entry? {
        s >= 0 && s < entryCount ? entries[s] : nil
    }

    /// The index (0-based, within the structure) of the member whose name is the bytes key[0 ..< length],
    /// or nil, in the structure whose Entry has first, slotBase and slotBits; head is key's first 8
    /// bytes as Name.head has them.
    @inline(__always)
    func member(first: Int32, slotBase: Int32, slotBits: UInt8, _ key: UnsafePointer<UInt8>, _ length: Int,
                head: UInt64) -> Int? {
        let bits = Int(slotBits)
        let mask = (1 << bits) - 1, base = Int(slotBase), first = Int(first)
        let length32 = Int32(truncatingIfNeeded: length)
        var h = Self.hash(head, bits)
        // At most every slot once: the table is never full, so an empty slot ends the search sooner.
        var probes = 0
        while probes <= mask {
            let s = Int(slots[base + h])
            if s == 0 { return nil }
            let name = names[first + s - 1]
            if name.head == head, name.length == length32 {
                // The first 8 bytes are equal; compare the rest, 8 at a time while 8 remain.
                let p = text + Int(name.start)
                var j = 8
                while j + 8 <= length,
                      UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self) == UnsafeRawPointer(key + j).loadUnaligned(as: UInt64.self) {
                    j += 8
                }
                while j < length, p[j] == key[j] { j += 1 }
                if j >= length { return s - 1 }
            }
            h = (h + 1) & mask
            probes += 1
        }
        return nil
    }

    /// The shape of member k of the structure whose members start at first.
    @inline(__always)
    func memberShape(first: Int32, _ k: Int) -> Int { Int(names[Int(first) + k].shape) }

    /// The table of one of the library's models, built once; any other model (tests) gets its own.
    static func of(_ model: ServiceModel) -> ReaderShapes {
        if model === ServiceModel.ivs { return ivs }
        if model === ServiceModel.ivsRealtime { return ivsRealtime }
        if model === ServiceModel.ivschat { return ivschat }
        return ReaderShapes(model)
    }

    private static let ivs = ReaderShapes(.ivs)
    private static let ivsRealtime = ReaderShapes(.ivsRealtime)
    private static let ivschat = ReaderShapes(.ivschat)
}
