import Foundation
import Testing
import Torii

@testable import HTTPCore
@testable import OffboardCore

/// The batch engine's rules, each on the fake transport with a virtual clock: no network, no
/// sleeping. Every test names one rule and fails when that rule is broken.
@Suite struct BatchEngineTests {
    static let service = try! ToriiService(baseURL: "http://torii.test", secretKey: "sk_test_engine")

    /// The results of a whole batch, as emitted, and its summary.
    final class Run {
        var results: [DeletionResult] = []
        var summary: BatchSummary?

        func result(_ id: String) -> DeletionResult? { results.first { $0.id == id } }
    }

    static func ids(_ count: Int) -> [String] {
        (1...count).map { String(format: "01931a73-8b00-7000-8000-%012d", $0) }
    }

    @discardableResult
    static func run(
        _ arguments: [String], on transport: FakeTransport, settings: BatchSettings = BatchSettings(),
        random: any RandomNumberGenerator & Sendable = FixedRandom.highest, journal: Journal? = nil, stop: StopRequest = StopRequest(),
        plan: ((Run) -> Void)? = nil
    ) throws -> Run {
        let (ids, _) = try IDReader.read(arguments: arguments, file: nil, format: ToriiIDFormat())
        let run = Run()
        let batch = Batch(service: service, settings: settings, transport: transport, random: { random })
        batch.start(.delete(), ids, journal: journal, stop: stop, emit: { run.results.append($0) }, done: { run.summary = $0 })
        transport.runUntilIdle()
        return run
    }

    static func retrying(_ retries: Int) -> BatchSettings {
        BatchSettings(retry: RetryPolicy(maxRetries: retries))
    }

    // MARK: Retries

    @Test func aTransientFailureIsRetriedUpToTheLimit() throws {
        let id = Self.ids(1)[0]
        let transport = FakeTransport { _, _ in .status(503) }
        let run = try Self.run([id], on: transport, settings: Self.retrying(3))
        #expect(transport.sent.count == 4)
        #expect(run.result(id)?.attempts == 4)
        #expect(run.result(id)?.error?.kind == .serverError)
        #expect(run.summary?.exitStatus == .unavailable)
    }

    @Test func backoffIsExponentialWithFullJitterUnderTheCap() throws {
        let id = Self.ids(1)[0]
        // The highest draw waits the whole ceiling: 0.5 s doubling, capped at 8 s.
        let highest = FakeTransport { _, _ in .status(503) }
        try Self.run([id], on: highest, settings: Self.retrying(6), random: FixedRandom.highest)
        #expect(highest.sendTimes(of: id) == [0, 0.5, 1.5, 3.5, 7.5, 15.5, 23.5].map { Duration.seconds($0) })
        // The lowest draw does not wait at all: the jitter spans the whole range from zero.
        let lowest = FakeTransport { _, _ in .status(503) }
        try Self.run([id], on: lowest, settings: Self.retrying(6), random: FixedRandom.lowest)
        #expect(lowest.sendTimes(of: id) == Array(repeating: .zero, count: 7))
    }

    @Test func retryAfterInSecondsReplacesTheBackoff() throws {
        let id = Self.ids(1)[0]
        let transport = FakeTransport { _, earlier in
            earlier == 0 ? .status(503, headers: [HTTPHeader("Retry-After", "3")]) : .status(204)
        }
        let run = try Self.run([id], on: transport, settings: Self.retrying(3))
        #expect(transport.sendTimes(of: id) == [.zero, .seconds(3)])
        #expect(run.result(id)?.outcome == .deleted)
        #expect(run.result(id)?.attempts == 2)
    }

    @Test func retryAfterAsAnHTTPDateIsWaitedFor() throws {
        let id = Self.ids(1)[0]
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let inTenSeconds = format.string(from: Date().addingTimeInterval(10))
        let transport = FakeTransport { _, earlier in
            earlier == 0 ? .status(503, headers: [HTTPHeader("Retry-After", inTenSeconds)]) : .status(204)
        }
        try Self.run([id], on: transport, settings: Self.retrying(3))
        let retryAt = try #require(transport.sendTimes(of: id).last)
        // Whole seconds on the wire, and the wall clock moved on a little since the date was made.
        #expect(retryAt >= .seconds(8) && retryAt <= .seconds(10))
    }

    @Test func aRetryAfterLongerThanAMinuteEndsTheRetries() throws {
        let id = Self.ids(1)[0]
        let transport = FakeTransport { _, _ in .status(503, headers: [HTTPHeader("Retry-After", "120")]) }
        let run = try Self.run([id], on: transport, settings: Self.retrying(3))
        #expect(transport.sent.count == 1)
        #expect(
            run.result(id)?.error?.message.hasSuffix(
                "; not retried: the server asked to wait 120 s (Retry-After), longer than 60 s") == true)
    }

    @Test func aWaitingRetryFreesItsSlot() throws {
        let (first, second) = (Self.ids(2)[0], Self.ids(2)[1])
        let transport = FakeTransport { request, earlier in
            request.url.hasSuffix(first) && earlier == 0
                ? .status(503, headers: [HTTPHeader("Retry-After", "5")], after: .milliseconds(100))
                : .status(204, after: .milliseconds(100))
        }
        let run = try Self.run([first, second], on: transport, settings: BatchSettings(concurrency: 1, retry: RetryPolicy(maxRetries: 3)))
        // The second ID goes out as soon as the first one's answer frees the slot, not after its retry.
        #expect(transport.sendTimes(of: second) == [.milliseconds(100)])
        #expect(transport.sendTimes(of: first) == [.zero, .milliseconds(5100)])
        #expect(run.results.map(\.outcome) == [.deleted, .deleted])
    }

    @Test func aStopDuringABackoffReportsTheLastAnswer() throws {
        let id = Self.ids(1)[0]
        let stop = StopRequest()
        let transport = FakeTransport { _, _ in .status(503, headers: [HTTPHeader("Retry-After", "30")]) }
        transport.execute(at: transport.now + .seconds(1)) { stop.request() }
        let run = try Self.run([id], on: transport, settings: Self.retrying(3), stop: stop)
        #expect(transport.sent.count == 1)
        #expect(run.result(id)?.error?.kind == .serverError)
        #expect(run.result(id)?.error?.message.hasSuffix("; not retried: the batch stopped") == true)
        // Noticed within the 200 ms watch, not at the end of the 30 s wait.
        #expect(try #require(run.summary).elapsed < .seconds(2))
        #expect(run.summary?.exitStatus == .interrupted)
    }

    @Test func aSilentResendIsAnAttemptWhoseResultIsUnknown() throws {
        let id = Self.ids(1)[0]
        // libcurl sent the DELETE twice (a reused connection died): Torii's 403 to the second
        // copy may mean the first one deleted the user, and the look-up it calls for says so.
        let transport = FakeTransport { request, _ in
            request.method == "DELETE" ? .status(403, requestsSent: 2) : .json(200, #"{"status":"deleted"}"#)
        }
        let run = try Self.run([id], on: transport)
        #expect(transport.sent.map(\.request.method) == ["DELETE", "GET"])
        #expect(run.result(id)?.outcome == .alreadyDeleted)
        #expect(run.result(id)?.attempts == 2)
        #expect(run.summary?.exitStatus == .success)
    }

    // MARK: Stops

    @Test func rejectedCredentialsStopTheBatch() throws {
        let ids = Self.ids(5)
        let transport = FakeTransport { _, _ in .status(401) }
        let run = try Self.run(ids, on: transport, settings: BatchSettings(concurrency: 1))
        #expect(transport.sent.count == 1)
        #expect(run.result(ids[0])?.error?.kind == .unauthorized)
        for id in ids.dropFirst() {
            #expect(run.result(id)?.error?.kind == .notAttempted)
            #expect(run.result(id)?.error?.message == "not attempted: the server rejected the credentials earlier in this batch")
        }
        #expect(run.summary?.stopReason == .credentialsRejected)
        #expect(run.summary?.exitStatus == .notAuthorized)
    }

    @Test func aStopLetsRequestsInFlightFinish() throws {
        let ids = Self.ids(6)
        let stop = StopRequest()
        let transport = FakeTransport { _, _ in .status(204, after: .seconds(1)) }
        transport.execute(at: transport.now + .milliseconds(500)) { stop.request() }
        let run = try Self.run(ids, on: transport, settings: BatchSettings(concurrency: 2), stop: stop)
        #expect(transport.sent.count == 2)
        #expect(run.results.prefix(2).map(\.outcome) == [.deleted, .deleted])
        #expect(run.results.dropFirst(2).map { $0.error?.message } == Array(repeating: "not attempted: the run was interrupted first", count: 4))
        #expect(run.summary?.exitStatus == .interrupted)
    }

    // MARK: Pace

    @Test func rateSpacesTheStarts() throws {
        let ids = Self.ids(5)
        let transport = FakeTransport { _, _ in .status(204, after: .milliseconds(100)) }
        try Self.run(ids, on: transport, settings: BatchSettings(concurrency: 4, rate: 2))
        #expect(transport.sent.map(\.at) == [0, 0.5, 1, 1.5, 2].map { Duration.seconds($0) })
    }

    @Test func concurrencyBoundsTheRequestsInFlight() throws {
        let ids = Self.ids(5)
        let transport = FakeTransport { _, _ in .status(204, after: .seconds(1)) }
        try Self.run(ids, on: transport, settings: BatchSettings(concurrency: 2))
        #expect(transport.sent.map(\.at) == [0, 0, 1, 1, 2].map { Duration.seconds($0) })
    }

    // MARK: Journal

    @Test func theJournalHoldsPendingBeforeTheFirstRequestAndTheResultAfter() throws {
        let id = Self.ids(1)[0]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID()).journal").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (ids, _) = try IDReader.read(arguments: [id], file: nil, format: ToriiIDFormat())
        let journal = try Journal(path: path, service: "torii", scope: "test", baseURL: "http://torii.test", ids: ids, ignoreNotFound: false)
        try journal.beginWriting()
        var seenWhenSent: [String] = []
        let transport = FakeTransport { _, _ in
            seenWhenSent = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
            return .status(204)
        }
        try Self.run([id], on: transport, journal: journal)
        // When the request went out, the pending record was already on disk, and no result.
        #expect(seenWhenSent.count == 2)
        #expect(seenWhenSent.last?.contains(#""outcome":"pending""#) == true)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.last?.contains(#""outcome":"deleted""#) == true)
    }

    // MARK: Plans

    /// A plan of three requests per ID, as a check before and after a delete would be.
    struct LookDeleteLook: IDPlan {
        let id: String
        var steps = ["GET", "DELETE", "GET"]
        var request: HTTPRequest { HTTPRequest(method: steps[0], url: "http://plan.test/\(id)") }

        mutating func read(
            _ outcome: Result<HTTPResponse, TransportError>, now: ContinuousClock.Instant,
            random: inout any RandomNumberGenerator
        ) -> PlanStep {
            steps.removeFirst()
            guard steps.isEmpty else { return .send }
            return .finished(DeletionResult(service: "plan", id: id, line: nil, verdict: Verdict(outcome: .deleted)))
        }
    }

    @Test func aPlanOfSeveralRequestsKeepsItsSlotUntilItIsDone() throws {
        let arguments = Self.ids(2)
        let (ids, _) = try IDReader.read(arguments: arguments, file: nil, format: ToriiIDFormat())
        let transport = FakeTransport { _, _ in .status(200, after: .seconds(1)) }
        let run = Run()
        let limits = SchedulerLimits(concurrency: 1, rate: 0, longestWait: .seconds(120), transfer: TransferOptions(), dryRun: false)
        let scheduler = BatchScheduler(
            ids: ids, serviceName: "plan", limits: limits, transport: transport, journal: nil,
            stop: StopRequest(), random: FixedRandom.highest,
            emit: { run.results.append($0) }, done: { run.summary = $0 }
        ) { index, _, _ in
            LookDeleteLook(id: ids.id(at: index))
        }
        transport.execute { scheduler.scheduleFill() }
        transport.runUntilIdle()
        #expect(
            transport.sent.map { "\($0.request.method) \($0.id) \($0.at)" } == [
                "GET \(arguments[0]) 0.0 seconds", "DELETE \(arguments[0]) 1.0 seconds", "GET \(arguments[0]) 2.0 seconds",
                "GET \(arguments[1]) 3.0 seconds", "DELETE \(arguments[1]) 4.0 seconds", "GET \(arguments[1]) 5.0 seconds",
            ])
        #expect(run.results.map(\.outcome) == [.deleted, .deleted])
        #expect(run.summary?.exitStatus == .success)
    }
}
