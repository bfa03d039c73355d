import CExpat

/// An XML document read with expat into a small tree: element names (prefix dropped), their text and
/// children. For the query-protocol responses of AWS STS, which are untrusted input: a document type
/// declaration (and so any entity) is refused, and depth and element count are bounded, so no answer
/// can make the parser expand or recurse without limit.
struct XMLTree: Sendable {
    struct Element: Sendable {
        var name: String
        var text: String
        var children: [Element]

        /// The first child element with this name.
        func child(_ name: String) -> Element? { children.first { $0.name == name } }

        /// The element reached by following child names from this one.
        func path(_ names: String...) -> Element? {
            var e: Element? = self
            for n in names { e = e?.child(n) }
            return e
        }
    }

    let root: Element

    /// Why a document was refused, in words (never the document's content).
    struct Problem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    static let maxDepth = 32
    static let maxElements = 10_000

    /// Builds the tree while expat parses; callbacks reach it through expat's user data.
    private final class Builder {
        var stack: [Element] = []
        var root: Element?
        var elements = 0
        var problem: String?
        var parser: XML_Parser?

        func stop(_ why: String) {
            if problem == nil { problem = why }
            if let p = parser { XML_StopParser(p, 0) }
        }
    }

    private static func builder(_ ud: UnsafeMutableRawPointer?) -> Builder? {
        ud.map { Unmanaged<Builder>.fromOpaque($0).takeUnretainedValue() }
    }

    /// The local part of a possibly prefixed name (`sts:Code` -> `Code`).
    private static func localName(_ p: UnsafePointer<XML_Char>?) -> String {
        guard let p else { return "" }
        let s = String(cString: p)
        if let colon = s.lastIndex(of: ":") { return String(s[s.index(after: colon)...]) }
        return s
    }

    /// Parses a whole document; the failure says why in words (never the document's content).
    static func parse(_ bytes: [UInt8]) -> Result<XMLTree, Problem> {
        guard bytes.count <= Int(Int32.max) else { return .failure(Problem("the document is too large")) }
        guard let parser = XML_ParserCreate(nil) else { return .failure(Problem("cannot create an XML parser")) }
        defer { XML_ParserFree(parser) }
        let b = Builder()
        b.parser = parser
        let unmanaged = Unmanaged.passRetained(b)
        defer { unmanaged.release() }
        XML_SetUserData(parser, unmanaged.toOpaque())
        XML_SetElementHandler(parser, { ud, name, _ in
            guard let b = XMLTree.builder(ud) else { return }
            b.elements += 1
            if b.stack.count >= XMLTree.maxDepth { b.stop("elements nested deeper than \(XMLTree.maxDepth)"); return }
            if b.elements > XMLTree.maxElements { b.stop("more than \(XMLTree.maxElements) elements"); return }
            b.stack.append(Element(name: XMLTree.localName(name), text: "", children: []))
        }, { ud, _ in
            guard let b = XMLTree.builder(ud), let done = b.stack.popLast() else { return }
            if b.stack.isEmpty { b.root = done } else { b.stack[b.stack.count - 1].children.append(done) }
        })
        XML_SetCharacterDataHandler(parser) { ud, s, len in
            guard let b = XMLTree.builder(ud), let s, len > 0, !b.stack.isEmpty else { return }
            let text = UnsafeRawBufferPointer(start: s, count: Int(len))
            b.stack[b.stack.count - 1].text += String(decoding: text, as: UTF8.self)
        }
        // No document type declarations: AWS never sends one, and refusing it rules out entity expansion.
        XML_SetStartDoctypeDeclHandler(parser) { ud, _, _, _, _ in
            XMLTree.builder(ud)?.stop("a document type declaration is not accepted")
        }
        XML_SetEntityDeclHandler(parser) { ud, _, _, _, _, _, _, _, _ in
            XMLTree.builder(ud)?.stop("an entity declaration is not accepted")
        }
        let status = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buf.count) { XML_Parse(parser, $0, Int32(buf.count), 1) }
            } ?? XML_Parse(parser, nil, 0, 1)
        }
        if let why = b.problem { return .failure(Problem(why)) }
        guard status == XML_STATUS_OK else {
            let reason = XML_ErrorString(XML_GetErrorCode(parser)).map { String(cString: $0) } ?? "not well-formed"
            return .failure(Problem("not well-formed XML (\(reason), line \(XML_GetCurrentLineNumber(parser)))"))
        }
        guard let root = b.root else { return .failure(Problem("no root element")) }
        return .success(XMLTree(root: root))
    }
}
