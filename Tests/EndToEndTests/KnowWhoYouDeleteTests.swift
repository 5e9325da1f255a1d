import Foundation
import Testing

/// `show`, `--by email`, `--check`, `--verify`, and the 403s and 404s that are never guessed,
/// against `offboard-emulator`, in both output forms.
@Suite struct KnowWhoYouDeleteTests {
    static let ada = "01931a73-8b00-7000-8000-000000000000"
    static let grace = "01931a73-8b00-7000-8000-000000000001"
    static let alan = "01931a73-8b00-7000-8000-000000000002"
    static let liveUser = "01931a73-8b00-7000-8000-0000000000f1"
    static let unknown = "01931a73-8b00-7000-8000-0000000000aa"

    let emulator: Emulator
    init() throws { emulator = try Emulator() }

    var env: [String: String] { ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL] }

    func offboard(_ arguments: [String], env extra: [String: String] = [:], stdin: String? = nil) throws -> RunResult {
        try run(Binaries.path("offboard"), arguments, environment: env.merging(extra) { $1 }, stdin: stdin)
    }

    /// On a pseudo-terminal, answering the confirmation with `answer`.
    func onATerminal(_ arguments: String, typing answer: String) throws -> RunResult {
        try run("/usr/bin/script", ["-qec", "\(Binaries.path("offboard")) \(arguments)", "/dev/null"], environment: env, stdin: answer)
    }

    /// The requests `-v` traced as sent, by method: `["DELETE", "GET"]`.
    func methodsSent(_ result: RunResult) -> [String] {
        result.stderr.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("> "), let method = line.dropFirst(2).split(separator: " ").first,
                ["GET", "POST", "DELETE"].contains(method)
            else { return nil }
            return String(method)
        }
    }

    // MARK: show

    @Test func showListsWhoTheUsersAre() throws {
        let result = try offboard(["torii", "show", Self.ada, Self.grace])
        #expect(result.status == 0)
        // As each answer comes, like delete's results.
        #expect(
            Set(result.stdout.split(separator: "\n")) == [
                "\(Self.ada)  Ada Lovelace  ada.lovelace@acme.example  active",
                "\(Self.grace)  Grace Hopper  grace.hopper@acme.example  active",
            ])
        #expect(result.stderr.hasPrefix("2 found of 2 in "))
        #expect(try emulator.toriiDeleteRequests() == 0, "read-only")
    }

    @Test func showInJSONCarriesTheUserAsReceived() throws {
        _ = try offboard(["torii", "delete", Self.grace, "--yes"])
        let result = try offboard(["torii", "show", Self.ada, Self.grace, Self.unknown, "--json"])
        #expect(result.status == 1, "one of them does not exist")
        let lines = result.jsonLines()
        let ada = try #require(lines.first { $0["id"] as? String == Self.ada })
        #expect(ada["service"] as? String == "torii")
        #expect(ada["outcome"] as? String == "found")
        #expect(ada["status"] as? Int == 200)
        let user = try #require(ada["user"] as? [String: Any])
        #expect(user["email"] as? String == "ada.lovelace@acme.example")
        #expect(user["environmentId"] != nil, "the object as received, every member")
        let grace = try #require(lines.first { $0["id"] as? String == Self.grace })
        #expect((grace["user"] as? [String: Any])?["status"] as? String == "deleted")
        #expect((grace["user"] as? [String: Any])?["deletedAt"] is String)
        let unknown = try #require(lines.first { $0["id"] as? String == Self.unknown })
        #expect(unknown["outcome"] as? String == "not_found")
        #expect((unknown["error"] as? [String: Any])?["kind"] as? String == "not_found")
    }

    @Test func showNamesADeletedUsersDeletionTime() throws {
        _ = try offboard(["torii", "delete", Self.alan, "--yes"])
        let result = try offboard(["torii", "show", Self.alan])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("\(Self.alan)  Alan Turing  alan.turing@acme.example  deleted  deleted 20"))
    }

    @Test func showOnAkana() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("offboard-state-\(UUID().uuidString)").path
        let akana = ["XDG_STATE_HOME": home, "AKANA_BASE_URL": emulator.baseURL]
        let login = try offboard(["akana", "login", "--email", "admin@acme.example", "--password-stdin"], env: akana, stdin: "offboard-demo\n")
        #expect(login.status == 0)
        let user = "cb50e0c5-2bc4-4195-8932-000000000001.acmepaymentscorp"
        let result = try offboard(["akana", "show", user], env: akana)
        #expect(result.status == 0)
        #expect(result.stdout == "\(user)  Grace Hopper  grace.hopper@acme.example  registered\n")
        let json = try offboard(["akana", "show", user, "-o", "json"], env: akana)
        #expect((json.jsonLines().first?["user"] as? [String: Any])?["UserName"] != nil)
    }

    // MARK: --by email

    @Test func deleteByEmailFindsTheOneUser() throws {
        let result = try offboard(["torii", "delete", "--by", "email", "Ada.Lovelace@ACME.example", "--yes", "-v"])
        #expect(result.status == 0)
        #expect(result.stdout == "deleted \(Self.ada)\n")
        #expect(methodsSent(result) == ["POST", "DELETE"])
        #expect(try emulator.toriiUser(Self.ada)?["state"] as? String == "deleted")
    }

    @Test func anAddressNobodyHasIsNotFoundAndTheRestGoOn() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("emails-\(UUID().uuidString)").path
        try "nobody@acme.example\ngrace.hopper@acme.example\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try offboard(["torii", "delete", "--by", "email", "--from-file", file, "--yes", "--json"])
        #expect(result.status == 1)
        let lines = result.jsonLines()
        let nobody = try #require(lines.first { $0["id"] as? String == "nobody@acme.example" })
        #expect(nobody["outcome"] as? String == "not_found")
        #expect(nobody["line"] as? Int == 1)
        let grace = try #require(lines.first { $0["id"] as? String == Self.grace })
        #expect(grace["outcome"] as? String == "deleted")
        #expect(grace["line"] as? Int == 2)
    }

    @Test func anAddressSeveralUsersShareStopsTheRunBeforeAnyDeletion() throws {
        let result = try offboard(["torii", "delete", "--by", "email", "grace.hopper@acme.example", "hedy.lamarr@acme.example", "--yes"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(Self.grace): not attempted: an address of this run is shared by several users, so nothing is deleted"))
        #expect(
            result.stderr.contains(
                "hedy.lamarr@acme.example: 2 users have this email address: 01931a73-8b00-7000-8000-00000000000a (Hedy Lamarr, active); 01931a73-8b00-7000-8000-00000000000b (Hedy Lamarr, active)"
            ))
        #expect(result.stderr.contains("nothing deleted"))
        #expect(try emulator.toriiDeleteRequests() == 0)
    }

    @Test func aSearchThatIsNotTheAPIsIsAConfigurationError() throws {
        for command in ["delete", "show"] {
            let result = try offboard(
                ["torii", command, "--by", "email", "ada.lovelace@acme.example", "--yes", "--ignore-not-found"].filter {
                    command == "delete" || !["--yes", "--ignore-not-found"].contains($0)
                }, env: ["TORII_BASE_URL": emulator.baseURL + "/api/server/v1"])
            #expect(result.status == 78, "\(command)")
            #expect(result.stderr.contains("this base URL does not answer like the Torii API (404 for a search the API always answers)"))
        }
    }

    @Test func aUserTheSearchShowsDeletedGetsNoDelete() throws {
        _ = try offboard(["torii", "delete", Self.alan, "--yes"])
        let result = try offboard(["torii", "delete", "--by", "email", "Alan.Turing@acme.example", "--yes", "--json"])
        #expect(result.status == 0)
        let line = try #require(result.jsonLines().first)
        #expect(line["outcome"] as? String == "already_deleted")
        #expect(line["id"] as? String == Self.alan)
        #expect(line["email"] as? String == "alan.turing@acme.example")
        #expect(try emulator.toriiDeleteRequests() == 1, "only the first run's")
    }

    @Test func showByEmailNamesTheUserAndTheAddress() throws {
        let result = try offboard(["torii", "show", "--by", "email", "grace.hopper@acme.example", "nobody@acme.example", "-o", "json"])
        #expect(result.status == 1)
        let lines = result.jsonLines()
        let grace = try #require(lines.first { $0["email"] as? String == "grace.hopper@acme.example" })
        #expect(grace["id"] as? String == Self.grace)
        #expect(grace["outcome"] as? String == "found")
        #expect((grace["attempts"] as? Int ?? 0) >= 1)
        let nobody = try #require(lines.first { $0["email"] as? String == "nobody@acme.example" })
        #expect(nobody["outcome"] as? String == "not_found")
        let human = try offboard(["torii", "show", "--by", "email", "nobody@acme.example"])
        #expect(human.stderr.contains("error: nobody@acme.example: no user has this email address (test environment)\n"), "no (HTTP 200)")
    }

    @Test func addressesPastedWithSeparatorsAreRefused() throws {
        let result = try offboard(["torii", "delete", "--by", "email", "ada.lovelace@acme.example,", "--yes"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("1 email address is not valid, so nothing was sent"))
    }

    @Test func akanaRefusesByEmail() throws {
        let result = try offboard(["akana", "delete", "--by", "email", "ada@acme.example", "--yes"], env: ["AKANA_BASE_URL": emulator.baseURL])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Akana documents no user search, so --by email cannot find users there"))
        let show = try offboard(["akana", "show", "--by", "email", "ada@acme.example"], env: ["AKANA_BASE_URL": emulator.baseURL])
        #expect(show.status == 64)
    }

    // MARK: --check

    @Test func theConfirmationSaysWhoTheUsersAre() throws {
        _ = try offboard(["torii", "delete", Self.alan, "--yes"])
        let declined = try onATerminal("torii delete \(Self.ada) \(Self.grace) \(Self.alan) \(Self.unknown)", typing: "n\n")
        #expect(declined.status == 1)
        #expect(declined.stdout.contains("About to delete 2 torii users (test environment) at \(emulator.baseURL):"))
        #expect(declined.stdout.contains("  \(Self.ada)  Ada Lovelace  ada.lovelace@acme.example  active"))
        #expect(declined.stdout.contains("Checked 4: 2 active, 1 already deleted, 1 not found — only the 2 get a DELETE"))
        #expect(declined.stdout.contains("Delete these 2 users? [y/N]"))
        #expect(try emulator.toriiDeleteRequests() == 1, "only the first run's")

        let accepted = try onATerminal("torii delete \(Self.ada) \(Self.alan) --no-color", typing: "y\n")
        #expect(accepted.status == 0)
        #expect(accepted.stdout.contains("deleted \(Self.ada)"))
        #expect(accepted.stdout.contains("already deleted \(Self.alan)"))
        #expect(try emulator.toriiDeleteRequests() == 2, "no DELETE for the user the check found deleted")
    }

    @Test func aTerminalIsAskedEvenWhenStandardErrorIsALog() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let declined = try onATerminal("torii delete \(Self.ada) 2>\(log)", typing: "n\n")
        #expect(declined.status == 1)
        #expect(declined.stdout.contains("Delete this user? [y/N]"))
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("nothing deleted"))
    }

    @Test func withoutATerminalNothingIsLookedUpBeforeTheRefusal() throws {
        let result = try offboard(["torii", "delete", Self.ada, Self.grace, "-v"])
        #expect(result.status == 64)
        #expect(methodsSent(result).isEmpty)
        #expect(result.stderr.contains("no terminal to confirm on"))
    }

    @Test func checkAndNoCheckTogetherAreAUsageError() throws {
        let result = try offboard(["torii", "delete", Self.ada, "--check", "--no-check", "--yes"])
        #expect(result.status == 64)
    }

    @Test func noCheckAsksWithTheIDsAlone() throws {
        let declined = try onATerminal("torii delete \(Self.ada) --no-check", typing: "n\n")
        #expect(declined.stdout.contains("About to delete 1 torii user (test environment)"))
        #expect(!declined.stdout.contains("Ada Lovelace"))
        #expect(!declined.stdout.contains("Checked"))
    }

    @Test func aCheckSendsNoDeleteForWhatItSettled() throws {
        _ = try offboard(["torii", "delete", Self.alan, "--yes"])
        let result = try offboard(["torii", "delete", Self.alan, Self.unknown, Self.liveUser, Self.ada, "--yes", "--check", "--json"])
        #expect(result.status == 1)
        let outcome = Dictionary(uniqueKeysWithValues: result.jsonLines().map { ($0["id"] as? String ?? "", $0["outcome"] as? String ?? "") })
        #expect(outcome == [Self.alan: "already_deleted", Self.unknown: "not_found", Self.liveUser: "failed", Self.ada: "deleted"])
        #expect(try emulator.toriiUser(Self.liveUser)?["deleteRequests"] as? Int == 0)
        #expect(try emulator.toriiDeleteRequests() == 2, "the first run's and Ada's")
    }

    @Test func aCheckedDryRunSaysWhatEachIDWouldDo() throws {
        _ = try offboard(["torii", "delete", Self.alan, "--yes"])
        let result = try offboard(["torii", "delete", Self.alan, Self.ada, "--dry-run", "--check"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("already deleted \(Self.alan)"))
        #expect(result.stdout.contains("would delete \(Self.ada): DELETE "))
        #expect(try emulator.toriiDeleteRequests() == 1)
    }

    // MARK: --verify

    @Test func verifyLooksEachDeletedUserUp() throws {
        let human = try offboard(["torii", "delete", Self.ada, "--yes", "--verify", "-v"])
        #expect(human.status == 0)
        #expect(human.stdout == "deleted (verified) \(Self.ada)\n")
        #expect(methodsSent(human) == ["DELETE", "GET"])
        let json = try offboard(["torii", "delete", Self.grace, "--yes", "--verify", "--json"])
        #expect(json.jsonLines().first?["verified"] as? Bool == true)
    }

    @Test func theHappyPathGainsNoRoundTrip() throws {
        let result = try offboard(["torii", "delete", Self.ada, "--yes", "-v"])
        #expect(result.status == 0)
        #expect(methodsSent(result) == ["DELETE"])
        #expect(!result.stdout.contains("verified"))
    }

    // MARK: never guessed

    @Test func rerunDoesNotCountAUserOfTheOtherEnvironmentAsDeleted() throws {
        let result = try offboard(["torii", "delete", Self.liveUser, "--yes", "--rerun", "--json"])
        #expect(result.status == 1)
        let line = try #require(result.jsonLines().first)
        #expect(line["outcome"] as? String == "failed")
        let error = try #require(line["error"] as? [String: Any])
        #expect(error["kind"] as? String == "forbidden")
        #expect((error["message"] as? String)?.hasPrefix("the user belongs to the other environment") == true)

        _ = try offboard(["torii", "delete", Self.ada, "--yes"])
        let repeated = try offboard(["torii", "delete", Self.ada, "--yes", "--rerun", "-v"])
        #expect(repeated.status == 0)
        #expect(repeated.stdout == "already deleted \(Self.ada)\n")
        #expect(methodsSent(repeated) == ["DELETE", "GET"])
    }

    @Test func aBaseURLWithTheAPIPathIsNotTakenForMissingUsers() throws {
        for extra in [[String](), ["--ignore-not-found"]] {
            let result = try offboard(
                ["torii", "delete", Self.ada, Self.grace, "--yes", "--concurrency", "1"] + extra,
                env: ["TORII_BASE_URL": emulator.baseURL + "/api/server/v1"])
            #expect(result.status == 78)
            #expect(result.stderr.contains("this base URL does not answer like the Torii API"))
            #expect(result.stderr.contains("does it already include /api/server/v1?"))
            #expect(result.stderr.contains("not attempted"))
        }
        let missing = try offboard(["torii", "delete", Self.unknown, "--yes"])
        #expect(missing.status == 1, "the right base URL: a real 404 is not_found")
        #expect(missing.stderr.contains("no user with this ID"))
    }

    @Test func akanaBaseURLWithTheAPIPathIsNotTakenForMissingUsers() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("offboard-state-\(UUID().uuidString)").path
        let akana = ["XDG_STATE_HOME": home, "AKANA_BASE_URL": emulator.baseURL]
        _ = try offboard(["akana", "login", "--email", "admin@acme.example", "--password-stdin"], env: akana, stdin: "offboard-demo\n")
        // The saved session's tokens, given as variables: a session is saved for one base URL.
        let folder = home + "/offboard"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first)
        let session = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(file)"))) as? [String: Any])
        let tokens = [
            "AKANA_AUTH_TOKEN": try #require(session["authToken"] as? String),
            "AKANA_CSRF_TOKEN": try #require(session["csrfToken"] as? String),
        ]
        let user = "cb50e0c5-2bc4-4195-8932-000000000001.acmepaymentscorp"
        let wrong = try offboard(["akana", "delete", user, "--yes", "--base-url", emulator.baseURL + "/api"], env: tokens)
        #expect(wrong.status == 78)
        #expect(wrong.stderr.contains("this base URL does not answer like an Akana platform's API"))
        #expect(wrong.stderr.contains("does it already include /api?"))

        let missing = try offboard(["akana", "delete", "cb50e0c5-2bc4-4195-8932-0000000000aa.acmepaymentscorp", "--yes", "-v"], env: akana)
        #expect(missing.status == 1)
        #expect(methodsSent(missing) == ["DELETE", "GET"], "the 404 double-checked once, with GET /api/login")
        #expect(missing.stderr.contains("no such user in tenant acmepaymentscorp"))

        // A check cannot tell a mistyped ID from a deleted user: not found, never "already deleted".
        let checked = try offboard(
            ["akana", "delete", "cb50e0c5-2bc4-4195-8932-0000000000ab.acmepaymentscorp", "--yes", "--check", "--json"], env: akana)
        #expect(checked.status == 1)
        #expect(checked.jsonLines().first?["outcome"] as? String == "not_found")
    }
}
