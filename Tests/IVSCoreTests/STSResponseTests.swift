import XCTest
@testable import IVSCore

/// STS's XML answers as STSClient reads them (the sts fuzz target holds the same promises for any bytes).
final class STSResponseTests: XCTestCase {
    private func errorAnswer(_ status: Int, _ body: String) -> IVSError {
        var r = HTTPResponse(status: status, headerCapacity: 4)
        _ = Array("x-amzn-RequestId: header-id\r\n".utf8).withUnsafeBytes { r.receiveHeaderLine($0) }
        r.body = Array(body.utf8)
        return STSClient.parseError(r)
    }

    func testAnErrorAnswerGivesItsCodeMessageAndRequestId() {
        let e = errorAnswer(403, "<ErrorResponse><Error><Code> AccessDenied </Code><Message>not authorized</Message>"
                            + "</Error><RequestId>body-id</RequestId></ErrorResponse>")
        XCTAssertEqual(e.kind, .service)
        XCTAssertEqual(e.code, "AccessDenied")
        XCTAssertEqual(e.message, "not authorized")
        XCTAssertEqual(e.requestId, "body-id")
        XCTAssertEqual(e.httpStatus, 403)
    }

    /// Found by the sts fuzz target (fuzz/findings/sts/error-code-only-whitespace): a Code of
    /// whitespace (expat gives a CR as a LF) was trimmed to an empty code.
    func testACodeOrRequestIdOfOnlyWhitespaceIsNoCode() {
        let e = errorAnswer(400, "<ErrorResponse><Error><Code>\r\r\n \t</Code><Message>Ra</Message></Error>"
                            + "<RequestId> \n</RequestId></ErrorResponse>")
        XCTAssertEqual(e.code, "HTTP400")
        XCTAssertEqual(e.message, "Ra")
        XCTAssertEqual(e.requestId, "header-id")
    }
}
