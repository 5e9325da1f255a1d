import HTTPCore
import Testing

@testable import OffboardCore
@testable import Output

@Suite struct ProblemTests {
    func response(_ body: String, type: String? = "application/problem+json") -> HTTPResponse {
        HTTPResponse(status: 403, headers: type.map { [HTTPHeader("Content-Type", $0)] } ?? [], body: Array(body.utf8))
    }

    @Test func keepsEveryMemberInOrderUnknownOnesIncluded() throws {
        let body =
            #"{"type":"https://t/p","title":"Forbidden","status":403,"detail":"d","instance":"/i","properties":{"b":1,"a":[true,null]},"zeta":1.50,"x-trace":"abc"}"#
        let problem = try #require(Problem.from(response(body)))
        #expect(problem.members.map(\.0) == ["type", "title", "status", "detail", "instance", "properties", "zeta", "x-trace"])
        #expect(problem.title == "Forbidden")
        #expect(problem.status == 403)
        #expect(problem.json.serialized == body, "re-emitted exactly as received, numbers included")
    }

    @Test func toleratesMissingMembers() throws {
        let problem = try #require(Problem.from(response(#"{"title":"Only a title"}"#)))
        #expect(problem.detail == nil)
        #expect(problem.status == nil)
        #expect(HumanRenderer.fields(of: problem) == ["title: Only a title"])
    }

    @Test(arguments: ["", "not json", "<html><body>502 Bad Gateway</body></html>", #"{"title":"#, "[1,2]", #"{"a":1} trailing"#])
    func nonProblemBodiesGiveNoProblem(body: String) {
        #expect(Problem.from(response(body)) == nil)
    }

    @Test func plainJSONCountsOnlyWithStandardMembers() {
        #expect(Problem.from(response(#"{"title":"x"}"#, type: "application/json; charset=utf-8")) != nil)
        #expect(Problem.from(response(#"{"ok":false}"#, type: "application/json")) == nil)
        #expect(Problem.from(response(#"{"title":"x"}"#, type: "text/html")) == nil)
        #expect(Problem.from(response(#"{"title":"x"}"#, type: nil)) == nil)
    }

    @Test func rendersFieldByFieldWithPropertiesSpreadOut() throws {
        let body =
            #"{"type":"https://t/p","title":"Forbidden","status":403,"detail":"d","instance":"/i","properties":{"environment":"live"},"retryable":false}"#
        let problem = try #require(Problem.from(response(body)))
        #expect(
            HumanRenderer.fields(of: problem) == [
                "title: Forbidden", "status: 403", "detail: d", "type: https://t/p", "instance: /i",
                "properties.environment: live", "retryable: false",
            ])
    }

    /// Torii's SDKs read `code` and `supportId` as top-level members; its OpenAPI document nests
    /// extras in `properties`. Either way every member is kept and shown.
    @Test(arguments: [
        (
            #"{"title":"Forbidden","status":403,"code":"forbidden","supportId":"sup_1","requestId":"req_1"}"#,
            ["code: forbidden", "supportId: sup_1", "requestId: req_1"]
        ),
        (
            #"{"title":"Forbidden","status":403,"properties":{"code":"forbidden","supportId":"sup_1","requestId":"req_1"}}"#,
            ["properties.code: forbidden", "properties.supportId: sup_1", "properties.requestId: req_1"]
        ),
    ])
    func extrasAreKeptAndShownAtAnyLevel(body: String, extras: [String]) throws {
        let problem = try #require(Problem.from(response(body)))
        #expect(problem.json.serialized == body)
        #expect(HumanRenderer.fields(of: problem) == ["title: Forbidden", "status: 403"] + extras)
    }
}

@Suite struct JSONTests {
    @Test func escapesControlCharactersAndQuotes() {
        #expect(JSONValue.string("a\"b\\c\n\u{01}\u{2028}é").serialized == #""a\"b\\c\n\u0001\u2028é""#)
    }

    @Test func parsesEscapesAndSurrogates() {
        #expect(JSONValue.parse(Array(#""\u00e9\ud83d\ude00\n\/""#.utf8)) == .string("é😀\n/"))
        #expect(JSONValue.parse(Array(#""\ud83d""#.utf8)) == .string("\u{FFFD}"))
    }

    @Test(arguments: ["01", "1.", "-", "1e", "tru", "\"a", "{\"a\" 1}", "[1,]", "{,}", "\"\u{01}\""])
    func rejectsMalformedJSON(text: String) {
        #expect(JSONValue.parse(Array(text.utf8)) == nil)
    }

    @Test func refusesDeepNestingInsteadOfCrashing() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(JSONValue.parse(Array(deep.utf8)) == nil)
    }
}
