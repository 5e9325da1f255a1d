import HTTPCore
import Synchronization
import Testing
import Torii

@testable import Akana
@testable import OffboardCore

/// Akana sessions renewed before they expire: when, how the answer is read, and how the batch
/// waits for a renewal and stops on a failed one.
@Suite struct SessionRenewalTests {
    static let tenant = "acme"

    static func token(_ name: String, expiresAt: Int64) -> String {
        "TokenID%3D\(name)%2CexpirationTime%3D\(expiresAt)"
    }

    /// What the keeper saved.
    final class Saved: Sendable {
        let credentials = Mutex<[AkanaCredentials]>([])
    }

    /// A wall clock the test moves.
    final class Clock: Sendable {
        let milliseconds = Atomic<Int64>(1_000_000)
        func advance(_ by: Int64) { milliseconds.add(by, ordering: .relaxed) }
        var read: @Sendable () -> Int64 { { self.milliseconds.load(ordering: .relaxed) } }
    }

    static func keeper(
        expiresIn: Int64, clock: Clock, saved: Saved? = nil
    ) -> AkanaSessionKeeper {
        let credentials = AkanaCredentials(tenant: tenant, authToken: token("old", expiresAt: 1_000_000 + expiresIn), csrfToken: "csrf")
        return AkanaSessionKeeper(
            baseURL: "http://akana.test", credentials: credentials,
            save: saved.map { saved in { @Sendable renewed in saved.credentials.withLock { $0.append(renewed) } } }, now: clock.read)
    }

    static func renewal(expiresAt: Int64) -> Result<HTTPResponse, TransportError> {
        .success(
            HTTPResponse(
                status: 200, headers: [HTTPHeader("Set-Cookie", "AtmoAuthToken_acme=\(token("new", expiresAt: expiresAt)); Path=/; HttpOnly")]))
    }

    @Test func theExpirationIsReadFromTheCookieValue() {
        #expect(AkanaSessionKeeper.expirationTime(of: "TokenID%3Dabc%2CexpirationTime%3D1613690454263%2Cx%3Dy") == 1_613_690_454_263)
        #expect(AkanaSessionKeeper.expirationTime(of: "TokenID=abc,expirationTime=42") == 42)
        #expect(AkanaSessionKeeper.expirationTime(of: "opaque-token") == nil)
        #expect(AkanaSessionKeeper.expirationTime(of: "expirationTime%3D99999999999999999999") == nil)
    }

    @Test func aRenewalIsDueOnlyWithinTheMarginAndBeforeTheEnd() throws {
        let clock = Clock()
        // A 30-minute session: renewed once less than 5 minutes are left.
        let keeper = Self.keeper(expiresIn: 30 * 60_000, clock: clock)
        #expect(keeper.renewalRequest() == nil)
        clock.advance(25 * 60_000 + 1)
        let request = try #require(keeper.renewalRequest())
        #expect(request.method == "POST")
        #expect(request.url == "http://akana.test/api/login/renewToken")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(request.header("X-Csrf-Token_acme") == "csrf")
        #expect(request.header("Cookie")?.hasPrefix("AtmoAuthToken_acme=TokenID%3Dold") == true)
        clock.advance(5 * 60_000)
        #expect(keeper.renewalRequest() == nil, "an expired session cannot be renewed")
    }

    @Test func aShortSessionIsRenewedAtHalfItsLife() {
        let clock = Clock()
        let keeper = Self.keeper(expiresIn: 5000, clock: clock)
        clock.advance(2400)
        #expect(keeper.renewalRequest() == nil)
        clock.advance(200)
        #expect(keeper.renewalRequest() != nil)
    }

    @Test func aRenewalTakesEffectIsSavedAndMovesTheNextOne() {
        let clock = Clock()
        let saved = Saved()
        let keeper = Self.keeper(expiresIn: 5000, clock: clock, saved: saved)
        clock.advance(3000)
        #expect(keeper.renewed(by: Self.renewal(expiresAt: clock.read() + 5000)) == nil)
        #expect(keeper.credentials.authToken.contains("TokenID%3Dnew"))
        #expect(keeper.credentials.csrfToken == "csrf")
        #expect(saved.credentials.withLock { $0 } == [keeper.credentials])
        #expect(keeper.renewalRequest() == nil)
        let sent = HTTPRequest(
            method: "DELETE", url: "http://akana.test/api/users/x",
            headers: [HTTPHeader("Accept", "text/plain"), HTTPHeader("Cookie", "AtmoAuthToken_acme=stale")])
        let current = keeper.withCurrentCredentials(sent)
        #expect(current.header("Cookie")?.contains("TokenID%3Dnew") == true)
        #expect(current.headers.values(named: "Cookie").count == 1)
        #expect(current.header("Accept") == "text/plain")
    }

    @Test func aFailedRenewalSaysWhy() {
        let keeper = Self.keeper(expiresIn: 5000, clock: Clock())
        let refused = keeper.renewed(by: .success(HTTPResponse(status: 401)))
        #expect(refused?.status == .notAuthorized)
        #expect(refused?.message.contains("could not be renewed: the server answered HTTP 401 to renewToken — run `offboard akana login") == true)
        let noCookie = keeper.renewed(by: .success(HTTPResponse(status: 200)))
        #expect(noCookie?.message.contains("without a new AtmoAuthToken_acme cookie") == true)
        let unreachable = keeper.renewed(by: .failure(TransportError(kind: .connection, message: "connection refused", mayHaveReachedServer: false)))
        #expect(unreachable?.status == .unavailable)
    }

    // MARK: In a batch

    /// A session that asks for renewal on the batch's second start, and answers it as `answer` says.
    final class OneRenewal: SessionRenewal, @unchecked Sendable {
        var asked = 0
        var renewedAt: [Int] = []
        let succeeds: Bool
        init(succeeds: Bool) { self.succeeds = succeeds }

        func renewalRequest() -> HTTPRequest? {
            asked += 1
            return asked == 2 ? HTTPRequest(method: "POST", url: "http://torii.test/renew") : nil
        }
        func renewed(by outcome: Result<HTTPResponse, TransportError>) -> OffboardError? {
            succeeds ? nil : OffboardError(.notAuthorized, "the session could not be renewed")
        }
        func withCurrentCredentials(_ request: HTTPRequest) -> HTTPRequest {
            var request = request
            request.headers.append(HTTPHeader("Session", succeeds && asked >= 2 ? "new" : "old"))
            return request
        }
    }

    /// Torii's service with a session to renew.
    struct RenewingService: DeletionService {
        let base = BatchEngineTests.service
        let renewal: OneRenewal
        var sessionRenewal: (any SessionRenewal)? { renewal }
        var name: String { base.name }
        var baseURL: String { base.baseURL }
        var scopeDescription: String { base.scopeDescription }
        var scope: String { base.scope }
        var redaction: Redaction { base.redaction }
        var probeRequest: HTTPRequest { base.probeRequest }
        func deleteRequest(for id: String) -> HTTPRequest { base.deleteRequest(for: id) }
        func lookupRequest(for id: String) -> HTTPRequest { base.lookupRequest(for: id) }
        func lookup(_ response: HTTPResponse, id: String, problem: Problem?) -> Lookup { base.lookup(response, id: id, problem: problem) }
        func isOwnAnswer(toProbe response: HTTPResponse) -> Bool { base.isOwnAnswer(toProbe: response) }
        func wrongBaseURLMessage(evidence: String) -> String { base.wrongBaseURLMessage(evidence: evidence) }
        func verdict(for response: HTTPResponse, id: String, problem: Problem?, earlierResultUnknown: Bool) -> Verdict {
            base.verdict(for: response, id: id, problem: problem, earlierResultUnknown: earlierResultUnknown)
        }
    }

    static func run(_ arguments: [String], on transport: FakeTransport, renewal: OneRenewal) throws -> BatchEngineTests.Run {
        let (ids, _) = try IDReader.read(arguments: arguments, file: nil, format: ToriiIDFormat())
        let run = BatchEngineTests.Run()
        let batch = Batch(service: RenewingService(renewal: renewal), settings: BatchSettings(concurrency: 1), transport: transport)
        batch.start(.delete(), ids, emit: { run.results.append($0) }, done: { run.summary = $0 })
        transport.runUntilIdle()
        return run
    }

    @Test func theBatchWaitsForARenewalAndSendsTheNewCredentials() throws {
        let renewal = OneRenewal(succeeds: true)
        let ids = BatchEngineTests.ids(3)
        let transport = FakeTransport { _, _ in .status(204, after: .milliseconds(10)) }
        let run = try Self.run(ids, on: transport, renewal: renewal)
        #expect(transport.sent.map(\.id) == [ids[0], "renew", ids[1], ids[2]])
        #expect(transport.sent.last?.request.header("Session") == "new")
        #expect(run.summary?.exitStatus == .success)
    }

    @Test func aFailedRenewalStopsTheBatch() throws {
        let renewal = OneRenewal(succeeds: false)
        let ids = BatchEngineTests.ids(3)
        let transport = FakeTransport { _, _ in .status(204, after: .milliseconds(10)) }
        let run = try Self.run(ids, on: transport, renewal: renewal)
        #expect(run.summary?.stopReason == .sessionNotRenewed)
        #expect(run.summary?.stopError?.message == "the session could not be renewed")
        #expect(run.summary?.exitStatus == .notAuthorized)
        #expect(run.results.map(\.outcome) == [.deleted, .failed, .failed])
        #expect(run.results.last?.error?.kind == .notAttempted)
    }
}
