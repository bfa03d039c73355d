import XCTest
@testable import IVSCore

/// PageJoiner, behind ivs_paginate: the result lists of every page joined in order, the last page's
/// ResponseMetadata, no page token; a repeated token or a page past the client's bounds ends it.
/// The paginator is the model's (ivs ListChannels: nextToken -> nextToken, result key channels).
final class PageJoinerTests: XCTestCase {
    private let listChannels = ServiceModel.ivs.operation(named: "ListChannels")!

    private func joiner(maxPages: Int = 1000, maxBytes: Int = 1 << 30) -> PageJoiner {
        PageJoiner(operation: "ListChannels", paginator: listChannels.paginator!, maxPages: maxPages, maxBytes: maxBytes)
    }

    private func page(_ text: String) throws -> JSONPointer { try Fixtures.parse(text) }

    private func finished(_ j: inout PageJoiner) throws -> String {
        let out = try XCTUnwrap(j.finish())
        defer { JSON.release(out) }
        return JSON.dump(out)
    }

    func testTheResultListsOfEveryPageAreJoinedInOrderWithTheLastPagesMetadataAndNoToken() throws {
        var j = joiner()
        XCTAssertEqual(try j.add(page(#"{"channels":[{"arn":"a"},{"arn":"b"}],"nextToken":"t1","ResponseMetadata":{"RequestId":"r1"}}"#),
                                 bodyBytes: 50).get(), "t1")
        XCTAssertEqual(try j.add(page(#"{"channels":[],"nextToken":"t2","ResponseMetadata":{"RequestId":"r2"}}"#),
                                 bodyBytes: 50).get(), "t2")
        XCTAssertNil(try j.add(page(#"{"channels":[{"arn":"c"}],"ResponseMetadata":{"RequestId":"r3"}}"#), bodyBytes: 50).get())
        assertSameJSON(try finished(&j), #"{"channels":[{"arn":"a"},{"arn":"b"},{"arn":"c"}],"ResponseMetadata":{"RequestId":"r3"}}"#)
    }

    func testAResultListMissingFromTheFirstPageIsStillJoined() throws {
        var j = joiner()
        XCTAssertEqual(try j.add(page(#"{"nextToken":"t1"}"#), bodyBytes: 1).get(), "t1")
        XCTAssertEqual(try j.add(page(#"{"channels":[{"arn":"a"}],"nextToken":"t2"}"#), bodyBytes: 1).get(), "t2")
        XCTAssertNil(try j.add(page(#"{"channels":[{"arn":"b"}]}"#), bodyBytes: 1).get())
        assertSameJSON(try finished(&j), #"{"channels":[{"arn":"a"},{"arn":"b"}]}"#)
    }

    func testAnEmptyTokenIsTheLastPage() throws {
        var j = joiner()
        XCTAssertNil(try j.add(page(#"{"channels":[{"arn":"a"}],"nextToken":""}"#), bodyBytes: 1).get())
        assertSameJSON(try finished(&j), #"{"channels":[{"arn":"a"}]}"#)
    }

    func testATokenTheServiceRepeatsIsAPaginationError() throws {
        var j = joiner()
        _ = try j.add(page(#"{"channels":[],"nextToken":"t1"}"#), bodyBytes: 1).get()
        _ = try j.add(page(#"{"channels":[],"nextToken":"t2"}"#), bodyBytes: 1).get()
        guard case .failure(let e) = j.add(try page(#"{"channels":[],"nextToken":"t1"}"#), bodyBytes: 1) else {
            return XCTFail("a repeated token was accepted")
        }
        j.discard()
        XCTAssertEqual(e.kind, .service)
        XCTAssertEqual(e.code, ErrorCode.pagination)
        XCTAssertTrue(e.message.contains("nextToken"), e.message)
        XCTAssertNil(j.finish(), "nothing is left after discard")
    }

    func testMaxPagesEndsWithAnErrorOnlyWhenMorePagesRemain() throws {
        var complete = joiner(maxPages: 2)
        _ = try complete.add(page(#"{"channels":[{"arn":"a"}],"nextToken":"t1"}"#), bodyBytes: 1).get()
        XCTAssertNil(try complete.add(page(#"{"channels":[{"arn":"b"}]}"#), bodyBytes: 1).get(), "two pages fit in maxPages 2")
        assertSameJSON(try finished(&complete), #"{"channels":[{"arn":"a"},{"arn":"b"}]}"#)

        var cut = joiner(maxPages: 2)
        _ = try cut.add(page(#"{"channels":[{"arn":"a"}],"nextToken":"t1"}"#), bodyBytes: 1).get()
        guard case .failure(let e) = cut.add(try page(#"{"channels":[{"arn":"b"}],"nextToken":"t2"}"#), bodyBytes: 1) else {
            return XCTFail("a third page was allowed")
        }
        cut.discard()
        XCTAssertEqual(e.kind, .service)
        XCTAssertEqual(e.code, ErrorCode.paginationLimit)
        XCTAssertTrue(e.message.contains("ListChannels"), e.message)
        XCTAssertTrue(e.message.contains("2 pages (maxPages)"), e.message)
        XCTAssertTrue(e.message.contains("nextToken"), "says how to page by hand: \(e.message)")
    }

    func testMaxPaginateBytesCountsTheResponseBodiesOfAllPages() throws {
        var j = joiner(maxBytes: 100)
        XCTAssertEqual(try j.add(page(#"{"channels":[],"nextToken":"t1"}"#), bodyBytes: 60).get(), "t1")
        guard case .failure(let e) = j.add(try page(#"{"channels":[],"nextToken":"t2"}"#), bodyBytes: 40) else {
            return XCTFail("100 bytes of pages were allowed with maxPaginateBytes 100 and more to come")
        }
        j.discard()
        XCTAssertEqual(e.code, ErrorCode.paginationLimit)
        XCTAssertTrue(e.message.contains("100 bytes of responses (maxPaginateBytes)"), e.message)

        var last = joiner(maxBytes: 100)
        _ = try last.add(page(#"{"channels":[],"nextToken":"t1"}"#), bodyBytes: 60).get()
        XCTAssertNil(try last.add(page(#"{"channels":[{"arn":"z"}]}"#), bodyBytes: 400).get(), "the last page is never refused")
        assertSameJSON(try finished(&last), #"{"channels":[{"arn":"z"}]}"#)
    }

    func testNothingAddedFinishesWithNothing() {
        var j = joiner()
        XCTAssertNil(j.finish())
    }

    /// Pages as the tree path renders them (parseOutput and ResponseMetadata.tree), joined.
    func testPagesRenderedFromResponsesJoinIntoOneOutput() throws {
        let parser = ResponseParser(model: .ivs)
        var j = joiner()
        let bodies = [#"{"channels":[{"arn":"a","future":1}],"nextToken":"t1"}"#, #"{"channels":[{"arn":"b"}],"nextToken":"t2"}"#,
                      #"{"channels":[{"arn":"c"}]}"#]
        var token: String? = nil
        for (i, body) in bodies.enumerated() {
            let r = response(200, body, headers: [("x-amzn-RequestId", "r\(i + 1)")])
            let tree = try parser.parseOutput(listChannels, r).get()
            tree.set("ResponseMetadata", ResponseMetadata(r, attempts: i + 1).tree())
            token = try j.add(tree, bodyBytes: r.body.count).get()
        }
        XCTAssertNil(token)
        assertSameJSON(try finished(&j), #"{"channels":[{"arn":"a"},{"arn":"b"},{"arn":"c"}],"ResponseMetadata":"#
                       + #"{"RequestId":"r3","HTTPStatusCode":200,"HTTPHeaders":{"x-amzn-requestid":"r3"},"RetryAttempts":2}}"#)
    }
}
