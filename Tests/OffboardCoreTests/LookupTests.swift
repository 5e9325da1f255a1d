import HTTPCore
import Testing

@testable import Akana
@testable import OffboardCore
@testable import Torii

/// Look-ups of one user: each service's reading of a GET, and `show`'s plan on the fake transport.
@Suite struct LookupTests {
    static let torii = try! ToriiService(baseURL: "http://torii.test", secretKey: "sk_test_lookup")
    static let akana = AkanaService(
        baseURL: "https://dev.acme.com",
        credentials: AkanaCredentials(tenant: "acme", authToken: "TokenID%3Da", csrfToken: "TokenID%3Db"))
    static let toriiID = "01931a73-8b00-7000-8000-000000000001"
    static let akanaID = "cb50e0c5-2bc4-4195-8932-0391ad6066bb.acme"

    static func json(_ status: Int, _ body: String, type: String = "application/json") -> HTTPResponse {
        HTTPResponse(status: status, headers: [HTTPHeader("Content-Type", type)], body: Array(body.utf8))
    }

    @Test func toriiAsksForTheUserByID() {
        let request = Self.torii.lookupRequest(for: Self.toriiID)
        #expect(request.method == "GET")
        #expect(request.url == "http://torii.test/api/server/v1/users/\(Self.toriiID)")
        #expect(request.header("Authorization") == "Bearer sk_test_lookup")
    }

    @Test func toriiReadsTheUserAndItsDeletedState() throws {
        let body = #"{"id":"x","name":"Ada Lovelace","email":"ada@example.com","status":"active","deletedAt":null}"#
        guard case .found(let user) = Self.torii.lookup(Self.json(200, body), id: Self.toriiID, problem: nil) else {
            Issue.record("not found")
            return
        }
        #expect(user.name == "Ada Lovelace")
        #expect(user.email == "ada@example.com")
        #expect(user.status == "active")
        #expect(user.deletedAt == nil)
        #expect(!user.isDeleted)
        #expect(user.json == JSONValue.parse(Array(body.utf8)))
        let deleted = #"{"firstName":"Ada","lastName":"Lovelace","status":"deleted","deletedAt":"2026-11-30T10:00:00Z"}"#
        guard case .found(let gone) = Self.torii.lookup(Self.json(200, deleted), id: Self.toriiID, problem: nil) else {
            Issue.record("not found")
            return
        }
        #expect(gone.name == "Ada Lovelace")
        #expect(gone.isDeleted)
        #expect(gone.deletedAt == "2026-11-30T10:00:00Z")
    }

    @Test func toriiTells403And404Apart() {
        guard case .failed(let other) = Self.torii.lookup(HTTPResponse(status: 403), id: Self.toriiID, problem: nil) else {
            Issue.record("a 403 is no user found")
            return
        }
        #expect(other.error?.kind == .forbidden)
        #expect(other.error?.hint?.contains("another environment") == true)
        guard case .notFound(let none) = Self.torii.lookup(HTTPResponse(status: 404), id: Self.toriiID, problem: nil) else {
            Issue.record("a 404 is not found")
            return
        }
        #expect(none.outcome == .notFound)
        guard case .failed(let html) = Self.torii.lookup(Self.json(200, "<html>", type: "text/html"), id: Self.toriiID, problem: nil) else {
            Issue.record("HTML is no user")
            return
        }
        #expect(html.error?.kind == .unexpectedResponse)
    }

    @Test func akanaAsksForJSONAndReadsTheUserObject() {
        let request = Self.akana.lookupRequest(for: Self.akanaID)
        #expect(request.method == "GET")
        #expect(request.url == "https://dev.acme.com/api/users/\(Self.akanaID)")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("Cookie") == "AtmoAuthToken_acme=TokenID%3Da; Csrf-Token_acme=TokenID%3Db")
        let body =
            #"{"UserID":"x","UserName":"ada","FirstName":"Ada","LastName":"Lovelace","Email":"ada@acme.com","State":"registered","Disabled":true}"#
        guard case .found(let user) = Self.akana.lookup(Self.json(200, body), id: Self.akanaID, problem: nil) else {
            Issue.record("not found")
            return
        }
        #expect(user.name == "Ada Lovelace")
        #expect(user.email == "ada@acme.com")
        #expect(user.status == "registered, disabled")
        #expect(!user.isDeleted)
        guard case .failed(let refused) = Self.akana.lookup(HTTPResponse(status: 401), id: Self.akanaID, problem: nil) else {
            Issue.record("a 401 is a failure")
            return
        }
        #expect(refused.error?.kind == .unauthorized)
    }

    @Test func showsPlanRetriesAndReportsTheUser() throws {
        let body = #"{"name":"Ada Lovelace","email":"ada@example.com","status":"active"}"#
        let transport = FakeTransport { request, earlier in
            #expect(request.method == "GET")
            return earlier == 0 ? .status(503) : .json(200, body)
        }
        let (ids, _) = try IDReader.read(arguments: [Self.toriiID], file: nil, format: ToriiIDFormat())
        let batch = Batch(service: Self.torii, settings: BatchSettings(), transport: transport, random: { FixedRandom.lowest })
        let run = BatchEngineTests.Run()
        batch.start(.lookUp, ids, emit: { run.results.append($0) }, done: { run.summary = $0 })
        transport.runUntilIdle()
        let result = try #require(run.results.first)
        #expect(result.outcome == .found)
        #expect(result.attempts == 2)
        #expect(result.user?.email == "ada@example.com")
        // A user's `status` member is no problem detail.
        #expect(result.problem == nil)
        #expect(result.json["user"]?["name"]?.stringValue == "Ada Lovelace")
        #expect(run.summary?.exitStatus == .success)
    }
}

@Suite struct ToriiSearchTests {
    let torii = LookupTests.torii

    @Test func searchesByEmailPageByPage() throws {
        let first = torii.searchRequest(email: "Ada@Example.com", cursor: nil)
        #expect(first.method == "POST")
        #expect(first.url == "http://torii.test/api/server/v1/users/search?limit=100")
        #expect(first.body.map { String(decoding: $0, as: UTF8.self) } == #"{"email":"Ada@Example.com"}"#)
        #expect(torii.searchRequest(email: "a@b.c", cursor: "c/2").url.hasSuffix("limit=100&cursor=c%2F2"))
        let body =
            #"{"items":[{"id":"u1","email":"ada@example.com","status":"active"},{"id":"u2","email":"ada@example.com.au"}],"nextCursor":"n2","hasMore":true}"#
        let page = try #require(torii.searchPage(in: LookupTests.json(200, body)))
        #expect(page.users.map(\.id) == ["u1", "u2"])
        #expect(page.nextCursor == "n2")
        let last = try #require(torii.searchPage(in: LookupTests.json(200, #"{"items":[],"nextCursor":"x","hasMore":false}"#)))
        #expect(last.nextCursor == nil)
        #expect(torii.searchPage(in: LookupTests.json(200, #"{"users":[]}"#)) == nil)
    }
}

@Suite struct EmailResolutionTests {
    typealias Engine = BatchEngineTests

    /// Runs the resolution of `emails` against pages the fake transport serves by cursor.
    func resolve(_ emails: [String], pages: @escaping (_ email: String, _ cursor: String?) -> String) throws -> [DeletionResult] {
        let (list, _) = try IDReader.read(arguments: emails, file: nil, format: EmailFormat())
        let transport = FakeTransport { request, _ in
            let body = request.body.flatMap { JSONValue.parse($0) }
            let cursor = request.url.split(separator: "cursor=").dropFirst().first.map(String.init)
            return .json(200, pages(body?["email"]?.stringValue ?? "", cursor))
        }
        let batch = Batch(service: LookupTests.torii, settings: BatchSettings(), transport: transport)
        var results: [DeletionResult] = []
        let recorder = Engine.Run()
        batch.start(.findByEmail(LookupTests.torii), list, emit: { recorder.results.append($0) }, done: { recorder.summary = $0 })
        transport.runUntilIdle()
        results = recorder.results
        return results
    }

    @Test func readsEveryPageAndKeepsOnlyTheExactAddress() throws {
        let results = try resolve(["Ada.Lovelace@Acme.example"]) { _, cursor in
            cursor == nil
                ? #"{"items":[{"id":"u1","email":"ada.lovelace@acme.example.org"}],"nextCursor":"p2","hasMore":true}"#
                : #"{"items":[{"id":"u2","email":"ADA.LOVELACE@acme.example","name":"Ada"}],"nextCursor":null,"hasMore":false}"#
        }
        #expect(results.count == 1)
        #expect(results[0].id == "u2", "the user's ID")
        #expect(results[0].email == "ada.lovelace@acme.example", "and the address it was found by")
        #expect(results[0].user?.id == "u2")
    }

    @Test func noMatchIsNotFoundAndSeveralAreAmbiguous() throws {
        let results = try resolve(["nobody@acme.example", "shared@acme.example"]) { email, _ in
            email == "shared@acme.example"
                ? #"{"items":[{"id":"u1","email":"shared@acme.example","name":"One"},{"id":"u2","email":"Shared@acme.example","name":"Two"}],"hasMore":false}"#
                : #"{"items":[{"id":"u3","email":"somebody.nobody@acme.example"}],"hasMore":false}"#
        }
        let nobody = try #require(results.first { $0.id == "nobody@acme.example" })
        #expect(nobody.outcome == .notFound)
        let shared = try #require(results.first { $0.id == "shared@acme.example" })
        #expect(shared.error?.kind == .ambiguous)
        #expect(shared.error?.message == "2 users have this email address: u1 (One); u2 (Two)")
        #expect(ExitStatus.forFailure(.ambiguous) == .malformedInput)
    }

    @Test func anAddressMustLookLikeOne() {
        var format = EmailFormat()
        #expect((try? format.parse("Ada@Example.com").get()) == .opaque("ada@example.com"))
        for bad in ["ada", "@example.com", "ada@", "a@b@c", "ada @example.com", "ada@exa\u{200B}mple.com"] {
            #expect((try? format.parse(bad[...]).get()) == nil, "\(bad)")
        }
    }
}
