import HTTPCore
import Testing
import Torii

@testable import OffboardCore

/// The look-ups a DELETE's answer calls for, on the fake transport: an ambiguous 403 settled, a
/// run's first 404 double-checked, a success verified, a check's verdict sent no DELETE.
@Suite struct FollowUpTests {
    typealias Engine = BatchEngineTests
    static let searchAnswer = #"{"items":[],"nextCursor":null,"hasMore":false}"#

    @Test func underRerunA403IsSettledByALookUp() throws {
        let (deleted, active, other) = (Engine.ids(3)[0], Engine.ids(3)[1], Engine.ids(3)[2])
        let transport = FakeTransport { request, _ in
            if request.method == "DELETE" { return .status(403) }
            if request.url.hasSuffix(deleted) { return .json(200, #"{"status":"deleted","deletedAt":"2026-11-30T10:00:00Z"}"#) }
            if request.url.hasSuffix(active) { return .json(200, #"{"status":"active"}"#) }
            return .status(403)
        }
        let run = try Engine.run([deleted, active, other], on: transport, settings: BatchSettings(rerun: true))
        #expect(run.result(deleted)?.outcome == .alreadyDeleted)
        #expect(run.result(active)?.error?.kind == .forbidden)
        #expect(run.result(active)?.error?.message.contains("not deleted (status active)") == true)
        #expect(run.result(other)?.error?.message.hasPrefix("the user belongs to the other environment") == true)
        #expect(run.summary?.exitStatus == .refused)
    }

    @Test func withoutRerunA403IsNotLookedUp() throws {
        let id = Engine.ids(1)[0]
        let transport = FakeTransport { _, _ in .status(403) }
        let run = try Engine.run([id], on: transport)
        #expect(transport.sent.count == 1)
        #expect(run.result(id)?.error?.hint?.contains("--rerun") == true)
    }

    @Test func theFirst404OfARunIsDoubleCheckedOnce() throws {
        let ids = Engine.ids(3)
        let transport = FakeTransport { request, _ in
            request.method == "POST" ? .json(200, Self.searchAnswer) : .status(404)
        }
        let run = try Engine.run(ids, on: transport, settings: BatchSettings(concurrency: 1))
        #expect(transport.sent.map(\.request.method) == ["DELETE", "POST", "DELETE", "DELETE"])
        #expect(transport.sent[1].request.url == "http://torii.test/api/server/v1/users/search?limit=1")
        #expect(run.results.map(\.outcome) == [.notFound, .notFound, .notFound])
        #expect(run.summary?.exitStatus == .refused)
    }

    @Test func aBaseURLThatIsNotTheAPIStopsTheRun() throws {
        let ids = Engine.ids(3)
        let transport = FakeTransport { _, _ in .status(404) }
        let run = try Engine.run(ids, on: transport, settings: BatchSettings(concurrency: 1, ignoreNotFound: true))
        #expect(transport.sent.count == 2)
        let first = try #require(run.result(ids[0]))
        #expect(first.error?.kind == .configuration)
        #expect(
            first.error?.message.hasPrefix(
                "this base URL does not answer like the Torii API (404 for this user, and HTTP 404 for a request the API always answers) — does it already include /api/server/v1?"
            ) == true)
        #expect(run.results.dropFirst().allSatisfy { $0.error?.kind == .notAttempted })
        #expect(run.summary?.exitStatus == .configuration)
    }

    @Test func verifyLooksTheUserUpAfterTheDelete() throws {
        let (gone, still) = (Engine.ids(2)[0], Engine.ids(2)[1])
        let transport = FakeTransport { request, _ in
            if request.method == "DELETE" { return .status(204) }
            return request.url.hasSuffix(gone) ? .json(200, #"{"status":"deleted"}"#) : .json(200, #"{"status":"active"}"#)
        }
        let run = try Engine.run([gone, still], on: transport, settings: BatchSettings(verify: true))
        #expect(run.result(gone)?.outcome == .deleted)
        #expect(run.result(gone)?.verified == true)
        #expect(run.result(gone)?.json["verified"] == .bool(true))
        #expect(run.result(still)?.error?.kind == .notVerified)
        #expect(run.result(still)?.verified == false)
        #expect(run.summary?.exitStatus == .refused)
        // Without --verify nothing is looked up: the happy path gains no round trip.
        let plain = FakeTransport { _, _ in .status(204) }
        let unverified = try Engine.run([gone], on: plain)
        #expect(plain.sent.count == 1)
        #expect(unverified.result(gone)?.verified == nil)
    }

    @Test func aCheckedIDGetsNoDelete() throws {
        let (checked, open) = (Engine.ids(2)[0], Engine.ids(2)[1])
        let (ids, _) = try IDReader.read(arguments: [checked, open], file: nil, format: ToriiIDFormat())
        let transport = FakeTransport { _, _ in .status(204) }
        let run = Engine.Run()
        let batch = Batch(service: Engine.service, settings: BatchSettings(), transport: transport)
        batch.start(
            .delete(checked: [0: DeletionResult(service: "torii", id: checked, line: nil, verdict: Verdict(outcome: .alreadyDeleted))]), ids,
            emit: { run.results.append($0) }, done: { run.summary = $0 })
        transport.runUntilIdle()
        #expect(transport.sent.map(\.id) == [open])
        #expect(run.result(checked)?.outcome == .alreadyDeleted)
        #expect(run.result(open)?.outcome == .deleted)
    }
}
