import Foundation
import Testing

/// Batches as scripts use them: many IDs from standard input, concurrency, confirmation on a
/// terminal, stopping on rejected credentials, Ctrl-C, and the journal across `kill -9`.
@Suite struct BatchEndToEndTests {
    static func seeded(_ index: Int) -> String { String(format: "00000000-0000-4000-8000-%012x", index) }

    func offboard(
        _ emulatorURL: String, _ arguments: [String], stdin: String? = nil,
        signal: (Int32, SignalMoment)? = nil, twice: Bool = false
    ) throws -> RunResult {
        try run(
            Binaries.path("offboard"), arguments,
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulatorURL], stdin: stdin,
            signal: signal, twice: twice)
    }

    func seededUsers(_ emulator: Emulator) throws -> [String: [String: Any]] {
        let users = (try emulator.state()["torii"] as? [String: Any])?["users"] as? [[String: Any]] ?? []
        return Dictionary(
            uniqueKeysWithValues: users.compactMap { user in
                (user["id"] as? String).flatMap { $0.hasPrefix("00000000-") ? ($0, user) : nil }
            })
    }

    @Test func aThousandIDsFromStandardInputAtConcurrency16() throws {
        let emulator = try Emulator(["--seed-users", "1000"])
        let input = (1...1000).map(Self.seeded).joined(separator: "\n") + "\n"
        let result = try offboard(emulator.baseURL, ["torii", "delete", "--from-file", "-", "--yes", "--json", "--concurrency", "16"], stdin: input)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let lines = result.jsonLines()
        #expect(lines.count == 1000)
        #expect(Set(lines.compactMap { $0["id"] as? String }).count == 1000)
        #expect(lines.allSatisfy { $0["outcome"] as? String == "deleted" && $0["line"] is Int })
        let users = try seededUsers(emulator)
        #expect(users.count == 1000)
        #expect(users.values.allSatisfy { $0["deletions"] as? Int == 1 && $0["deleteRequests"] as? Int == 1 })
    }

    @Test func aJSONDryRunListsEveryRequestAndSendsNothing() throws {
        let emulator = try Emulator(["--seed-users", "3"])
        let result = try offboard(emulator.baseURL, ["torii", "delete", Self.seeded(1), Self.seeded(2), Self.seeded(3), "--dry-run", "--json"])
        #expect(result.status == 0)
        let lines = result.jsonLines()
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0["outcome"] as? String == "would_delete" && $0["attempts"] as? Int == 0 })
        let request = try #require(lines.first?["request"] as? [String: Any])
        #expect(request["method"] as? String == "DELETE")
        #expect((request["headers"] as? [String: String])?["Authorization"] == "Bearer sk_test_…(redacted)")
        #expect(try emulator.toriiDeleteRequests() == 0)
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        let withJournal = try offboard(emulator.baseURL, ["torii", "delete", Self.seeded(1), "--dry-run", "--journal", journal])
        #expect(withJournal.status == 0)
        #expect(!FileManager.default.fileExists(atPath: journal), "a dry run writes no journal")
    }

    /// `script` gives offboard a real terminal; what the test writes is typed at the prompt.
    func onATerminal(_ emulator: Emulator, _ arguments: String, typing answer: String) throws -> RunResult {
        let command = "\(Binaries.path("offboard")) \(arguments)"
        return try run(
            "/usr/bin/script", ["-qec", command, "/dev/null"],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL], stdin: answer)
    }

    @Test func confirmationOnATerminal() throws {
        let emulator = try Emulator(["--seed-users", "150"])
        let three = (1...3).map(Self.seeded).joined(separator: " ")
        let declined = try onATerminal(emulator, "torii delete \(three)", typing: "n\n")
        #expect(declined.status == 1)
        #expect(declined.stdout.contains("About to delete 3 torii users (test environment) at \(emulator.baseURL):"))
        #expect(declined.stdout.contains("Delete these 3 users? [y/N]"))
        #expect(declined.stdout.contains("nothing deleted"))
        #expect(try emulator.toriiDeleteRequests() == 0)

        let accepted = try onATerminal(emulator, "torii delete \(three) --no-color", typing: "y\n")
        #expect(accepted.status == 0)
        #expect(accepted.stdout.contains("deleted \(Self.seeded(3))"))
        #expect(!accepted.stdout.contains("\u{1B}[32m"), "--no-color")
        #expect(accepted.stdout.contains("\r\u{1B}[K1/3"), "a progress line, erased before results")
        #expect(accepted.stdout.contains("3 deleted of 3 in "))
        #expect(try emulator.toriiDeleteRequests() == 3)
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        let emulator = try Emulator(["--seed-users", "3"])
        let coloured = try onATerminal(emulator, "torii delete \(Self.seeded(1)) --yes", typing: "")
        #expect(coloured.stdout.contains("\u{1B}[32mdeleted\u{1B}[0m \(Self.seeded(1))"))
        let piped = try offboard(emulator.baseURL, ["torii", "delete", Self.seeded(2), "--yes"])
        #expect(piped.stdout == "deleted \(Self.seeded(2))\n")
        let noColor = try run(
            "/usr/bin/script", ["-qec", "\(Binaries.path("offboard")) torii delete \(Self.seeded(3)) --yes", "/dev/null"],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL, "NO_COLOR": "1"])
        #expect(noColor.status == 0)
        #expect(!noColor.stdout.contains("\u{1B}["))
    }

    @Test func aMassDeletionMustBeConfirmedWithTheCount() throws {
        let emulator = try Emulator(["--seed-users", "150"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString)").path
        try ((4...150).map(Self.seeded).joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let stray = try onATerminal(emulator, "torii delete --from-file \(file)", typing: "y\n")
        #expect(stray.status == 1)
        #expect(stray.stdout.contains("Type 147 to delete 147 users:"))
        #expect(try emulator.toriiDeleteRequests() == 0)
        let counted = try onATerminal(emulator, "torii delete --from-file \(file) -q", typing: "147\n")
        #expect(counted.status == 0)
        #expect(try emulator.toriiDeleteRequests() == 147)
    }

    @Test func rejectedCredentialsStopTheBatchAndTheRestIsReported() throws {
        let server = try ScriptedServer { _, index in
            index < 3
                ? .http(204)
                : .http(
                    401, [("Content-Type", "application/problem+json")],
                    body: #"{"title":"Unauthorized","status":401,"detail":"Invalid secret key."}"#)
        }
        let ids = (1...8).map(Self.seeded)
        let result = try offboard(server.baseURL, ["torii", "delete"] + ids + ["--yes", "--json", "--concurrency", "1"])
        #expect(result.status == 77)
        let lines = result.jsonLines()
        #expect(lines.map { $0["outcome"] as? String } == ["deleted", "deleted", "deleted"] + Array(repeating: "failed", count: 5))
        #expect((lines[3]["error"] as? [String: Any])?["kind"] as? String == "unauthorized")
        #expect(lines[4...].allSatisfy { ($0["error"] as? [String: Any])?["kind"] as? String == "not_attempted" && $0["status"] is NSNull })
        #expect(server.requests.count == 4)

        let human = try offboard(server.baseURL, ["torii", "delete", Self.seeded(9), Self.seeded(10), "--yes", "--concurrency", "1"])
        #expect(human.stderr.contains("1 failed, 1 not attempted (credentials rejected) of 2 in "))
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func ctrlCFinishesInFlightDeletionsAndReportsTheRest(signal: Int32) throws {
        let emulator = try Emulator(["--seed-users", "20", "--latency", "400"])
        let ids = (1...20).map(Self.seeded)
        let result = try offboard(
            emulator.baseURL, ["torii", "delete"] + ids + ["--yes", "--json", "--concurrency", "2"],
            signal: (signal, .afterStdoutLines(2)))
        #expect(result.status == 130)
        let lines = result.jsonLines()
        #expect(lines.count == 20, "every ID is reported")
        let deleted = lines.filter { $0["outcome"] as? String == "deleted" }
        let notAttempted = lines.filter { ($0["error"] as? [String: Any])?["kind"] as? String == "not_attempted" }
        #expect(deleted.count + notAttempted.count == 20, "in-flight deletions finish instead of failing")
        #expect(deleted.count >= 2 && notAttempted.count >= 10)
        let reallyDeleted = try seededUsers(emulator).values.filter { $0["state"] as? String == "deleted" }.count
        #expect(reallyDeleted == deleted.count, "nothing deleted goes unreported")
    }

    /// On a terminal the IDs not attempted are listed a few, then counted: a stopped 100,000-ID
    /// run must not scroll for minutes. JSON still has one line per ID.
    @Test func humanOutputCountsTheIDsNotAttempted() throws {
        let emulator = try Emulator(["--seed-users", "30", "--latency", "400"])
        let input = (1...30).map(Self.seeded).joined(separator: "\n") + "\n"
        let result = try offboard(
            emulator.baseURL, ["torii", "delete", "--from-file", "-", "--yes", "--concurrency", "2"],
            stdin: input, signal: (SIGINT, .afterStdoutLines(2)))
        #expect(result.status == 130)
        let notAttempted = result.stderr.split(separator: "\n").filter { $0.hasSuffix("not attempted: the run was interrupted first") }
        #expect(notAttempted.count == 5)
        let deleted = result.stdout.split(separator: "\n").count
        let more = 30 - deleted - 5
        #expect(
            result.stderr.contains(
                "error: \(more) more (lines \(deleted + 6)–30) not attempted: the run was interrupted first — --json or --journal lists every one"))
    }

    @Test func aSecondCtrlCExitsAtOnce() throws {
        let emulator = try Emulator(["--seed-users", "4", "--latency", "4000"])
        let ids = (1...4).map(Self.seeded)
        let result = try offboard(
            emulator.baseURL, ["torii", "delete"] + ids + ["--yes", "--json", "--concurrency", "2", "-v"],
            signal: (SIGINT, .afterRequestsSent(2)), twice: true)
        #expect(result.status == 130)
        #expect(result.jsonLines().isEmpty, "gone before the in-flight deletions answered")
    }

    @Test func aStopAlsoStopsDeletionsScheduledByRate() throws {
        let emulator = try Emulator(["--seed-users", "4"])
        let ids = (1...4).map(Self.seeded)
        let interrupted = try offboard(
            emulator.baseURL, ["torii", "delete"] + ids + ["--yes", "--json", "--rate", "0.5", "--concurrency", "4"],
            signal: (SIGINT, .afterStdoutLines(1)))
        #expect(interrupted.status == 130)
        let lines = interrupted.jsonLines()
        #expect(lines.count == 4)
        #expect(lines.filter { $0["outcome"] as? String == "deleted" }.count == 1)
        #expect(try emulator.toriiDeleteRequests() == 1, "nothing scheduled is sent after Ctrl-C")

        let rejected = try run(
            Binaries.path("offboard"), ["torii", "delete"] + ids + ["--yes", "--json", "--rate", "2"],
            environment: ["TORII_SECRET_KEY": "sk_test_wrong", "TORII_BASE_URL": emulator.baseURL])
        #expect(rejected.status == 77)
        #expect(rejected.jsonLines().dropFirst().allSatisfy { ($0["error"] as? [String: Any])?["kind"] as? String == "not_attempted" })
        #expect(try emulator.toriiDeleteRequests() == 2)
    }

    /// Only IDs really sent get a `pending` record: after a crash, an ID never sent is not
    /// mistaken for one whose result is unknown (a 403 of another environment is not a confirmation).
    @Test func aCrashDoesNotTurnUnsentIDsIntoUnknownResults() throws {
        let emulator = try Emulator(["--seed-users", "1", "--latency", "1500"])
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let arguments = [
            "torii", "delete", Self.seeded(1), "01931a73-8b00-7000-8000-0000000000f1", "--yes", "--json",
            "--concurrency", "1", "--journal", journal,
        ]
        let killed = try offboard(emulator.baseURL, arguments + ["-v"], signal: (SIGKILL, .afterRequestsSent(1)))
        #expect(killed.status == SIGKILL)
        let resumed = try offboard(emulator.baseURL, arguments)
        let other = try #require(resumed.jsonLines().first { $0["id"] as? String == "01931a73-8b00-7000-8000-0000000000f1" })
        #expect(other["outcome"] as? String == "failed")
        #expect((other["error"] as? [String: Any])?["kind"] as? String == "forbidden")
        #expect(resumed.status == 1)
    }

    @Test func aClosedOutputStopsTheBatchAndNothingDeletedGoesUnrecorded() throws {
        let emulator = try Emulator(["--seed-users", "100", "--latency", "50"])
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let ids = (1...100).map(Self.seeded).joined(separator: " ")
        let script =
            "\(Binaries.path("offboard")) torii delete \(ids) --yes --json --concurrency 2 --journal \(journal) | head -1; echo \"status ${PIPESTATUS[0]}\" >&2"
        let result = try run(
            "/bin/bash", ["-c", script],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL])
        #expect(result.stderr.contains("status 130"))
        let records = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        let deletedInJournal = records.filter { $0.contains("\"outcome\":\"deleted\"") }.count
        let deletedOnServer = (try emulator.state()["torii"] as? [String: Any]).flatMap { $0["users"] as? [[String: Any]] }?
            .filter { $0["state"] as? String == "deleted" }.count
        #expect(deletedInJournal == deletedOnServer)
        #expect(deletedInJournal < 100)
    }

    /// Results that cannot be shown stop the run, and say why: a full disk, or a stdout the caller
    /// closed (which must not become whatever file offboard opens next). A dry run too.
    @Test(arguments: [("> /dev/full", "No space left on device"), (">&-", "Bad file descriptor")])
    func aFailingStandardOutputStopsTheRunAndSaysWhy(redirect: String, reason: String) throws {
        let emulator = try Emulator(["--seed-users", "300"])
        let ids = (1...300).map(Self.seeded).joined(separator: " ")
        for mode in ["--dry-run", "--yes"] {
            let script = "\(Binaries.path("offboard")) torii delete \(ids) \(mode) --json --concurrency 2 \(redirect)"
            let result = try run(
                "/bin/bash", ["-c", script],
                environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL])
            #expect(result.status == 130, "\(mode) \(redirect)")
            let errors = result.stderr.split(separator: "\n")
            #expect(errors == ["error: cannot write to standard output: \(reason) — the run stops; nothing new is sent"], "\(mode) \(redirect)")
        }
        let deleted = try seededUsers(emulator).values.filter { $0["state"] as? String == "deleted" }.count
        #expect(deleted > 0 && deleted < 300, "the batch stopped early")
    }

    /// A stop for a failing stdout is not a first Ctrl-C: the Ctrl-C that follows still lets the
    /// deletions in flight finish and be reported.
    @Test func aCtrlCAfterStandardOutputFailedStillFinishesInFlightDeletions() throws {
        let emulator = try Emulator(["--seed-users", "10", "--latency", "1500"])
        let ids = (1...10).map(Self.seeded).joined(separator: " ")
        // Started at 0, 0.5, 1 s…: the first answer (1.5 s) fails to print while others are in flight.
        let script = "exec \(Binaries.path("offboard")) torii delete \(ids) --yes --rate 2 --concurrency 4 > /dev/full"
        let result = try run(
            "/bin/bash", ["-c", script],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL],
            signal: (SIGINT, SignalMoment { _, stderr in stderr.contains("cannot write to standard output") }))
        #expect(result.status == 130)
        #expect(result.stderr.contains("of 10 in"), "the run ended normally, with its summary")
        let deleted = try seededUsers(emulator).values.filter { $0["state"] as? String == "deleted" }.count
        #expect(deleted >= 2, "the deletions in flight finished")
        #expect(!result.stderr.contains("error: \(Self.seeded(1))"), "and none that finished is reported as failed")
    }

    /// A stop seen while skips are reported also holds back the IDs queued just before it.
    @Test func nothingIsSentAfterAStopSeenWhileReportingSkips() throws {
        let emulator = try Emulator(["--seed-users", "3"])
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let env = ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL]
        #expect(try run(Binaries.path("offboard"), ["torii", "delete", Self.seeded(1), "--yes", "--journal", journal], environment: env).status == 0)
        // ID 2 is queued, then ID 1's "skipped" line fails to print.
        let script =
            "\(Binaries.path("offboard")) torii delete \(Self.seeded(2)) \(Self.seeded(1)) \(Self.seeded(3)) --yes --json --journal \(journal) > /dev/full"
        let result = try run("/bin/bash", ["-c", script], environment: env)
        #expect(result.status == 130)
        #expect(try emulator.toriiDeleteRequests() == 1, "only the first run's request")
    }

    /// A journal is only ever an offboard journal of the same service, base URL and environment.
    @Test func aJournalIsNeverAnotherFileNorAnotherEnvironments() throws {
        let emulator = try Emulator(["--seed-users", "2"])
        let folder = NSTemporaryDirectory() + "journals-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let env = ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL]

        // The ID list given as the journal as well: refused, and left as it was.
        let list = folder + "/ids.txt", listText = Self.seeded(1) + "\n" + Self.seeded(2) + "\n"
        try listText.write(toFile: list, atomically: true, encoding: .utf8)
        let misuse = try run(Binaries.path("offboard"), ["torii", "delete", "--from-file", list, "--journal", list, "--yes"], environment: env)
        #expect(misuse.status == 64)
        #expect(misuse.stderr.contains("--journal \(list) is not an offboard journal"))
        #expect(try String(contentsOfFile: list, encoding: .utf8) == listText)

        // Torii's test and live environments share a base URL; their journals are not shared.
        let journal = folder + "/journal"
        #expect(try run(Binaries.path("offboard"), ["torii", "delete", Self.seeded(1), "--yes", "--journal", journal], environment: env).status == 0)
        let live = try run(
            Binaries.path("offboard"), ["torii", "delete", Self.seeded(1), "--yes", "--journal", journal],
            environment: env.merging(["TORII_SECRET_KEY": "sk_live_other"]) { $1 })
        #expect(live.status == 64)
        #expect(live.stderr.contains("was written for torii (test), not torii (live)"))
        #expect(try emulator.toriiDeleteRequests() == 1)
    }

    /// Two runs writing one journal would each skip what the other did: the second is refused.
    @Test func aJournalInUseByAnotherRunIsRefused() throws {
        let emulator = try Emulator(["--seed-users", "2", "--latency", "2000"])
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let first = Process()
        first.executableURL = URL(fileURLWithPath: Binaries.path("offboard"))
        first.arguments = ["torii", "delete", Self.seeded(1), "--yes", "--journal", journal]
        first.environment = ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL, "HOME": NSTemporaryDirectory()]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        // The first run holds the lock from the journal's header on, for its whole (slow) delete.
        let started = waitUntil { !((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").isEmpty }
        try #require(started, "the first run never wrote its journal")
        let second = try offboard(emulator.baseURL, ["torii", "delete", Self.seeded(2), "--yes", "--journal", journal])
        first.waitUntilExit()
        #expect(second.status == 64)
        #expect(second.stderr == "error: another offboard run is using --journal \(journal) — wait for it to end, or use another journal\n")
        #expect(first.terminationStatus == 0)
        let users = try seededUsers(emulator)
        #expect(users[Self.seeded(1)]?["deletions"] as? Int == 1)
        #expect(users[Self.seeded(2)]?["deleteRequests"] as? Int == 0, "the refused run sent nothing")
    }

    @Test func theJournalMakesARunSafeToRepeatAfterKill9() throws {
        let emulator = try Emulator(["--seed-users", "40", "--latency", "250"])
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let input = (1...40).map(Self.seeded).joined(separator: "\n") + "\n"
        let arguments = ["torii", "delete", "--from-file", "-", "--yes", "--json", "--concurrency", "4", "--journal", journal]

        let killed = try offboard(emulator.baseURL, arguments, stdin: input, signal: (SIGKILL, .afterStdoutLines(4)))
        #expect(killed.status == SIGKILL)
        let firstRun = killed.jsonLines().count
        #expect(firstRun > 0 && firstRun < 40)

        let resumed = try offboard(emulator.baseURL, arguments, stdin: input)
        #expect(resumed.status == 0)
        let lines = resumed.jsonLines()
        #expect(lines.count == 40)
        let outcomes = Dictionary(grouping: lines) { $0["outcome"] as? String ?? "?" }.mapValues(\.count)
        #expect(outcomes["skipped", default: 0] >= firstRun)
        #expect(Set(outcomes.keys).isSubset(of: ["skipped", "deleted", "already_deleted"]))
        let users = try seededUsers(emulator)
        #expect(users.values.allSatisfy { $0["deletions"] as? Int == 1 }, "every ID deleted exactly once")

        // The journal is a complete record: every ID's last record says it is done.
        let records = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        var last: [String: String] = [:]
        for record in records { if let id = record["id"] as? String { last[id] = record["outcome"] as? String } }
        #expect(last.count == 40)
        #expect(last.values.allSatisfy { $0 == "deleted" || $0 == "already_deleted" })

        let again = try offboard(emulator.baseURL, arguments, stdin: input)
        #expect(again.status == 0)
        #expect(again.jsonLines().allSatisfy { $0["outcome"] as? String == "skipped" })

        let otherService = try offboard("http://127.0.0.1:1", arguments, stdin: input)
        #expect(otherService.status == 64)
        #expect(otherService.stderr.contains("was written for torii at \(emulator.baseURL), not torii at http://127.0.0.1:1"))
    }
}
