// Fuzz target "sts": AWS STS's XML answers, read with expat as the assume-role providers read them.
//
// Input: byte 0 picks what the bytes are (modulo 4), the rest is the body:
//   0  a 200 answer to AssumeRole (STSClient.parseResult)
//   1  a 200 answer to AssumeRoleWithWebIdentity
//   2  an error answer (STSClient.parseError); byte 1 picks the status (400 + byte), byte 2 whether
//      an x-amzn-RequestId header comes with it
//   3  a web identity token file's bytes: the check before sending (STSParameters.problem) and the
//      form body they go into (STSClient.formBody)
// Every outcome then goes where the providers send it: credentials to the chain's checks, a failure
// through STSParameters.error into a credentials error (error JSON).
//
// Promises checked: the tree is bounded (depth, elements); credentials read have a key, a secret, a
// token and an expiry that is a real time; a failure's reason is one of the parser's sentences, never
// the document (bounded length, ASCII); an error answer's code and message are bounded and its status
// is the response's; every error JSON has the fixed shape; a web identity token never appears in a
// message, and the form body is form-encoded ASCII with one & between parameters.
@testable import IVSCore
#if canImport(Glibc)
import Glibc
#endif

enum STSTarget {
    static let what = "assume-role for profile \"fuzz\" (role_arn arn:aws:iam::123456789012:role/fuzz, source_profile base)"

    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(data)
        let mode = input.byte() % 4
        switch mode {
        case 0, 1:
            let action = mode == 0 ? "AssumeRole" : "AssumeRoleWithWebIdentity"
            let body = Array(input.rest)
            checkTree(body)
            switch STSClient.parseResult(body, action: action) {
            case .success(let issued):
                let c = issued.credentials
                invariant(!c.accessKeyId.isEmpty && !c.secretAccessKey.isEmpty && !(c.sessionToken ?? "").isEmpty,
                          "STS credentials without a key, secret or token were accepted")
                guard let exp = c.expiration else { return invariant(false, "STS credentials without an expiry") }
                invariant(exp.isFinite && Clock.iso8601(exp) != nil, "STS credentials expire at \(exp)")
                CredentialDocumentTarget.check(c)
            case .failure(let why):
                invariant(!why.reason.isEmpty && why.reason.utf8.count <= 200 && why.reason.utf8.allSatisfy { $0 >= 32 && $0 < 127 },
                          "a parse failure's reason is not one short ASCII sentence: \(why.reason.debugDescription.prefix(300))")
                let f = STSClient.Failure(code: "InvalidResponse", message: why.reason, httpStatus: 200, attempts: 1)
                checkFailure(STSParameters.error(f, action: action, what: what))
            }
        case 2:
            let status = 400 + Int(input.byte())
            let withHeader = input.byte() & 1 == 1
            var r = HTTPResponse(status: status, headerCapacity: 4)
            if withHeader {
                let line = Array("x-amzn-RequestId: 4f3c0b7a-0a5e-4a4b-9a55-0123456789ab\r\n".utf8)
                _ = line.withUnsafeBytes { r.receiveHeaderLine($0) }
            }
            r.body = Array(input.rest)
            checkTree(r.body)
            var e = STSClient.parseError(r)
            invariant(e.kind == .service && e.httpStatus == status, "an STS error answer became \(e.kind) \(String(describing: e.httpStatus))")
            invariant(!e.code.isEmpty && e.code.unicodeScalars.count <= 131 && e.message.unicodeScalars.count <= 503, "an STS error's code or message is unbounded")
            e.retryable = RetryPolicy.isRetryable(e) || e.code == "IDPCommunicationError"
            checkErrorJSON(e, "STS error")
            let f = STSClient.Failure(code: e.code, message: e.message, httpStatus: e.httpStatus, attempts: 3)
            checkFailure(STSParameters.error(f, action: "AssumeRole", what: what))
        default:
            let token = String(decoding: input.rest, as: UTF8.self)
            let params = [("RoleArn", "arn:aws:iam::123456789012:role/fuzz"), ("RoleSessionName", "fuzz-session"),
                          ("WebIdentityToken", token)]
            if let problem = STSParameters.problem(params) {
                invariant(token.count < 4, "a token of \(token.count) characters was refused: \(problem)")
                // The other settings are quoted in the problem; the token never is.
                invariant(!problem.utf8.contains(34), "the token is quoted: \(problem)")
                checkFailure(.credentials("\(what): \(problem)", code: "ParamValidationError"))
                return
            }
            let body = STSClient.formBody(action: "AssumeRoleWithWebIdentity", params)
            invariant(body.allSatisfy { $0 > 32 && $0 < 127 }, "the form body is not printable ASCII")
            invariant(body.filter { $0 == 38 }.count == params.count + 1, "the form body has an & too many")
            invariant(body.filter { $0 == 61 }.count == params.count + 2, "the form body has an = too many")
        }
    }

    /// XMLTree's bounds hold for whatever it builds.
    static func checkTree(_ body: [UInt8]) {
        guard case .success(let tree) = XMLTree.parse(body) else { return }
        var elements = 0
        func walk(_ e: XMLTree.Element, _ depth: Int) {
            elements += 1
            invariant(depth <= XMLTree.maxDepth, "an element at depth \(depth)")
            for c in e.children { walk(c, depth + 1) }
        }
        walk(tree.root, 1)
        invariant(elements <= XMLTree.maxElements, "a tree of \(elements) elements")
    }

    static func checkFailure(_ e: IVSError) {
        invariant(e.kind == .credentials, "an STS failure became \(e.kind)")
        checkErrorJSON(e, "STS failure")
    }
}
