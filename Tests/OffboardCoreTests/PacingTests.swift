import Testing
import Torii

@testable import HTTPCore
@testable import OffboardCore

/// Pacing under a server's rate limit, on the fake transport with a virtual clock: a server
/// that takes `quota` DELETEs per fixed one-second window and answers the rest 429.
@Suite struct PacingTests {
    /// A rate-limited server as the emulator is one: fixed windows (whose phase is not the
    /// batch's), a 429 with `Retry-After: 1` beyond the quota, and, when `announces`, the IETF
    /// draft's RateLimit headers on every answer.
    final class LimitedServer: @unchecked Sendable {
        let quota: Int
        let announces: Bool
        let latency: Duration
        /// How far into a window the batch starts.
        let phase: Duration
        var transport: FakeTransport!
        private var window = -1
        private var taken = 0
        private(set) var refused = 0

        init(quota: Int, announces: Bool, latency: Duration = .milliseconds(50), phase: Duration = .milliseconds(300)) {
            self.quota = quota
            self.announces = announces
            self.latency = latency
            self.phase = phase
        }

        func answer() -> FakeTransport.Answer {
            let now = transport.elapsed + phase
            let current = Int(now.components.seconds)
            if current != window { (window, taken) = (current, 0) }
            taken += 1
            var headers: [HTTPHeader] = []
            if announces {
                headers = [
                    HTTPHeader("RateLimit-Policy", "\"default\";q=\(quota);w=1"),
                    HTTPHeader("RateLimit", "\"default\";r=\(max(0, quota - taken));t=1"),
                ]
            }
            guard taken <= quota else {
                refused += 1
                return .status(429, headers: headers + [HTTPHeader("Retry-After", "1")], after: latency)
            }
            return .status(204, headers: headers, after: latency)
        }
    }

    static func run(
        _ count: Int, on server: LimitedServer, settings: BatchSettings = BatchSettings(), random: FixedRandom = .highest
    ) throws -> (BatchEngineTests.Run, FakeTransport, [PaceChange]) {
        let transport = FakeTransport { _, _ in server.answer() }
        server.transport = transport
        var changes: [PaceChange] = []
        let (ids, _) = try IDReader.read(arguments: BatchEngineTests.ids(count), file: nil, format: ToriiIDFormat())
        let run = BatchEngineTests.Run()
        let batch = Batch(service: BatchEngineTests.service, settings: settings, transport: transport, random: { random })
        batch.start(
            .delete(), ids, paceChanged: { changes.append($0) }, emit: { run.results.append($0) }, done: { run.summary = $0 })
        transport.runUntilIdle()
        return (run, transport, changes)
    }

    // MARK: The targets of issue 16, in virtual time

    @Test(arguments: [(50, 4), (50, 16), (200, 4), (200, 16)])
    func announcedLimitsAreMetWithoutFailuresNearTheIdealTime(quota: Int, concurrency: Int) throws {
        let server = LimitedServer(quota: quota, announces: true, latency: .milliseconds(quota == 50 ? 50 : 20))
        let (run, transport, changes) = try Self.run(2000, on: server, settings: BatchSettings(concurrency: concurrency))
        #expect(run.results.allSatisfy { $0.outcome == .deleted })
        #expect(run.summary?.exitStatus == .success)
        let ideal = 2000.0 / Double(quota)
        #expect(run.summary!.elapsed.seconds <= ideal * 1.10)
        #expect(Double(server.refused) <= Double(transport.sent.count) * 0.05)
        #expect(changes.first?.serverLimited == true)
        #expect(changes.first?.reason == "the server's quota is \(quota) per 1 s")
    }

    @Test func aServerThatOnlyAnswers429IsLearnedWithoutFailures() throws {
        let server = LimitedServer(quota: 50, announces: false)
        let (run, transport, _) = try Self.run(1000, on: server)
        #expect(run.results.allSatisfy { $0.outcome == .deleted })
        #expect(run.summary?.exitStatus == .success)
        // Far fewer 429s than unpaced (4 in flight at 50 ms would start 80 a second).
        #expect(Double(server.refused) <= Double(transport.sent.count) * 0.10)
        #expect(run.summary!.elapsed.seconds <= 1000.0 / 50 * 1.5)
    }

    // MARK: The rules

    @Test func a429ThatSaysWhenToComeBackUsesNoRetry() throws {
        let id = BatchEngineTests.ids(1)[0]
        let transport = FakeTransport { _, earlier in
            earlier < 3 ? .status(429, headers: [HTTPHeader("Retry-After", "1")]) : .status(204)
        }
        let run = try BatchEngineTests.run([id], on: transport, settings: BatchEngineTests.retrying(0))
        #expect(run.result(id)?.outcome == .deleted)
        #expect(run.result(id)?.attempts == 4)
    }

    @Test func a429WithARateLimitResetAndNoRetryAfterIsWaitedOutToo() throws {
        let id = BatchEngineTests.ids(1)[0]
        let transport = FakeTransport { _, earlier in
            earlier == 0 ? .status(429, headers: [HTTPHeader("X-RateLimit-Remaining", "0"), HTTPHeader("X-RateLimit-Reset", "2")]) : .status(204)
        }
        let run = try BatchEngineTests.run([id], on: transport, settings: BatchEngineTests.retrying(0), random: FixedRandom.lowest)
        #expect(run.result(id)?.outcome == .deleted)
        #expect(transport.sendTimes(of: id) == [.zero, .seconds(2)])
    }

    @Test func a429WithoutWhenToComeBackStillUsesARetry() throws {
        let id = BatchEngineTests.ids(1)[0]
        let transport = FakeTransport { _, _ in .status(429) }
        let run = try BatchEngineTests.run([id], on: transport, settings: BatchEngineTests.retrying(2))
        #expect(transport.sent.count == 3)
        #expect(run.result(id)?.error?.kind == .rateLimited)
    }

    @Test func waitingOutARateLimitIsBoundedByTimeThenTheBatchStops() throws {
        let ids = BatchEngineTests.ids(6)
        let transport = FakeTransport { _, _ in .status(429, headers: [HTTPHeader("Retry-After", "1")]) }
        let settings = BatchSettings(concurrency: 1, retry: RetryPolicy(maxRetries: 3, rateLimitWait: .seconds(5)))
        let run = try BatchEngineTests.run(ids, on: transport, settings: settings)
        let first = try #require(run.result(ids[0]))
        #expect(first.error?.kind == .rateLimited)
        #expect(first.error?.message.contains("not retried: still rate limited after waiting") == true)
        #expect(first.error?.message.hasSuffix("; the wait allowed is 5 s") == true)
        #expect(first.error?.hint?.contains("--rate-limit-wait") == true)
        // Every attempt but the last was inside the bound of 5 s.
        #expect(transport.sendTimes(of: ids[0]).allSatisfy { $0 <= .seconds(5) })
        #expect(run.summary?.stopReason == .rateLimited)
        // The IDs started while the first waited stop waiting; the rest are not attempted.
        #expect(run.results.count == 6)
        #expect(run.results.allSatisfy { [.rateLimited, .notAttempted].contains($0.error?.kind) })
        #expect(run.results.last?.error?.kind == .notAttempted)
        #expect(run.summary?.exitStatus == .temporary)
    }

    @Test func aRetryAfterLongerThanTheBoundIsNotWaitedFor() throws {
        let id = BatchEngineTests.ids(1)[0]
        let transport = FakeTransport { _, _ in .status(429, headers: [HTTPHeader("Retry-After", "600")]) }
        let run = try BatchEngineTests.run([id], on: transport)
        #expect(transport.sent.count == 1)
        #expect(run.result(id)?.error?.message.contains("the server asked to wait 600 s, longer than the 120 s allowed") == true)
    }

    @Test func idsToldToComeBackAtOneMomentDoNotAllReturnInIt() throws {
        let ids = BatchEngineTests.ids(16)
        let transport = FakeTransport { _, earlier in
            earlier == 0 ? .status(429, headers: [HTTPHeader("Retry-After", "1")], after: .milliseconds(20)) : .status(204)
        }
        let run = try BatchEngineTests.run(ids, on: transport, settings: BatchSettings(concurrency: 16), random: SpreadRandom())
        #expect(run.results.allSatisfy { $0.outcome == .deleted })
        let retries = ids.map { transport.sendTimes(of: $0)[1] }.sorted()
        // All after the second asked for, spread over more than 10 ms, and no two in the same millisecond.
        #expect(retries.first! >= .milliseconds(1020))
        #expect(retries.last! - retries.first! > .milliseconds(10))
        #expect(Set(retries.map(\.milliseconds)).count == retries.count)
    }

    @Test func the429sOfOneBurstLowerThePaceOnce() throws {
        let (ids, _) = try IDReader.read(arguments: BatchEngineTests.ids(4), file: nil, format: ToriiIDFormat())
        let transport = FakeTransport { _, earlier in
            earlier == 0 ? .status(429, headers: [HTTPHeader("Retry-After", "1")], after: .milliseconds(20)) : .status(204)
        }
        var changes: [PaceChange] = []
        let batch = Batch(service: BatchEngineTests.service, settings: BatchSettings(concurrency: 16), transport: transport)
        batch.start(.delete(), ids, paceChanged: { changes.append($0) }, emit: { _ in }, done: { _ in })
        transport.runUntilIdle()
        // Four answers to requests sent together (the initial window): one decrease, not four.
        #expect(changes.first?.concurrency == 2)
        #expect(changes.first?.reason == "a 429 asked to wait 1 s")
        #expect(changes.filter { $0.reason.hasPrefix("a 429") }.count == 1)
    }

    @Test func retryAfterHoldsEveryStartNotOnlyTheRefusedID() throws {
        let ids = BatchEngineTests.ids(3)
        let transport = FakeTransport { request, earlier in
            request.url.hasSuffix(ids[0]) && earlier == 0 ? .status(429, headers: [HTTPHeader("Retry-After", "2")]) : .status(204)
        }
        try BatchEngineTests.run(ids, on: transport, settings: BatchSettings(concurrency: 1))
        #expect(transport.sendTimes(of: ids[1]) == [.seconds(2)])
    }

    @Test func rateStaysAHardCapUnderAnAnnouncedQuota() throws {
        let server = LimitedServer(quota: 50, announces: true)
        let (run, transport, _) = try Self.run(40, on: server, settings: BatchSettings(rate: 10))
        #expect(run.summary?.exitStatus == .success)
        let gaps = zip(transport.sent.dropFirst(), transport.sent).map { $0.at - $1.at }
        #expect(gaps.allSatisfy { $0 >= .milliseconds(90) })
    }

    @Test func aQuotaUsedUpHoldsStartsUntilItsReset() throws {
        let ids = BatchEngineTests.ids(3)
        let transport = FakeTransport { request, _ in
            let remaining = request.url.hasSuffix(ids[0]) ? "0" : "5"
            return .status(
                204, headers: [HTTPHeader("RateLimit-Remaining", remaining), HTTPHeader("RateLimit-Reset", "3")], after: .milliseconds(10))
        }
        try BatchEngineTests.run(ids, on: transport, settings: BatchSettings(concurrency: 1))
        #expect(transport.sendTimes(of: ids[1]) == [.milliseconds(3010)])
    }

    @Test func fewRequestsLeftOfAQuotaAreSpreadOverTheTimeToItsReset() throws {
        let ids = BatchEngineTests.ids(6)
        // 3 left for the next 6 s, always: one start every 2 s once the first answer says so.
        let transport = FakeTransport { _, _ in
            .status(204, headers: [HTTPHeader("X-RateLimit-Remaining", "3"), HTTPHeader("X-RateLimit-Reset", "6")], after: .milliseconds(10))
        }
        try BatchEngineTests.run(ids, on: transport, settings: BatchSettings(concurrency: 1))
        let starts = transport.sent.map(\.at)
        #expect(zip(starts.dropFirst(2), starts.dropFirst()).allSatisfy { $0 - $1 >= .milliseconds(1990) })
        // A batch the quota covers is not slowed.
        let covered = FakeTransport { _, _ in
            .status(204, headers: [HTTPHeader("X-RateLimit-Remaining", "50"), HTTPHeader("X-RateLimit-Reset", "6")], after: .milliseconds(10))
        }
        try BatchEngineTests.run(ids, on: covered, settings: BatchSettings(concurrency: 1))
        #expect(covered.sent.last!.at <= .milliseconds(60))
    }

    // MARK: Reading the headers

    @Test func theDraftsHeadersAreRead() {
        let info = RateLimitInfo([
            HTTPHeader("RateLimit-Policy", "\"burst\";q=100;w=60, \"daily\";q=1000;w=86400"),
            HTTPHeader("RateLimit", "\"burst\";r=40;t=12, \"daily\";r=900;t=7200"),
        ])
        // The shortest window paces: a daily quota's average would crawl.
        #expect(info == RateLimitInfo(quota: 100, window: .seconds(60), remaining: 40, reset: .seconds(12)))
    }

    /// Found by fuzzing: a reset of 17000000601700000060 s trapped converting to Int64.
    @Test func aWindowOrResetOverADayAwayIsNotRead() {
        #expect(RateLimitInfo([HTTPHeader("X-RateLimit-Reset", "17000000601700000060")], now: 1_700_000_000) == nil)
        #expect(RateLimitInfo([HTTPHeader("RateLimit", "\"d\";r=1;t=9223372036854775807")]) == RateLimitInfo(remaining: 1))
        #expect(RateLimitInfo([HTTPHeader("RateLimit-Policy", "\"y\";q=1;w=31536000")]) == nil)
    }

    @Test func aQuotaThatResetsLaterThanTheWaitAllowedHoldsNothing() throws {
        let ids = BatchEngineTests.ids(3)
        let transport = FakeTransport { _, _ in
            .status(204, headers: [HTTPHeader("RateLimit-Remaining", "0"), HTTPHeader("RateLimit-Reset", "3600")], after: .milliseconds(10))
        }
        try BatchEngineTests.run(ids, on: transport, settings: BatchSettings(concurrency: 1))
        // Not an hour's silent stall: the 429s, if any come, end it within --rate-limit-wait.
        #expect(transport.sent.last!.at <= .milliseconds(30))
    }

    @Test func theOlderFormsAreRead() {
        #expect(
            RateLimitInfo([HTTPHeader("RateLimit-Limit", "10, 10;w=1"), HTTPHeader("RateLimit-Remaining", "3"), HTTPHeader("RateLimit-Reset", "1")])
                == RateLimitInfo(quota: 10, window: .seconds(1), remaining: 3, reset: .seconds(1)))
        // GitHub's reset is a Unix time.
        #expect(
            RateLimitInfo(
                [HTTPHeader("x-ratelimit-limit", "5000"), HTTPHeader("X-RateLimit-Remaining", "0"), HTTPHeader("X-RateLimit-Reset", "1700000060")],
                now: 1_700_000_000) == RateLimitInfo(quota: 5000, remaining: 0, reset: .seconds(60)))
    }

    @Test func oddRateLimitHeadersAreIgnored() {
        #expect(RateLimitInfo([HTTPHeader("Content-Type", "text/plain")]) == nil)
        #expect(RateLimitInfo([HTTPHeader("RateLimit", "\"a;r=1\";x=2"), HTTPHeader("RateLimit-Remaining", "-3")]) == nil)
        #expect(RateLimitInfo([HTTPHeader("RateLimit-Policy", "\"p\";q=10;w=0")]) == nil)
        #expect(RateLimitInfo([HTTPHeader("X-RateLimit-Reset", "nan")]) == nil)
    }
}

/// Draws evenly spread values, so that each ID's jitter differs.
struct SpreadRandom: RandomNumberGenerator {
    private var state: UInt64 = 0
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return state
    }
}
