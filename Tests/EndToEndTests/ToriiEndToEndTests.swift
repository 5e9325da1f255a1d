import Foundation
import Testing

/// `offboard torii delete` against `offboard-emulator`: every row of the contract's Torii
/// table, in both output forms, and the input checks that must stop a run before it sends.
@Suite struct ToriiEndToEndTests {
    static let demoUser = "01931a73-8b00-7000-8000-000000000001"
    static let liveUser = "01931a73-8b00-7000-8000-0000000000f1"
    static let unknownUser = "01931a73-8b00-7000-8000-0000000000aa"

    let emulator: Emulator
    init() throws { emulator = try Emulator() }

    var env: [String: String] { ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL] }

    func offboard(_ arguments: [String], env extra: [String: String] = [:], stdin: String? = nil) throws -> RunResult {
        try run(Binaries.path("offboard"), arguments, environment: env.merging(extra) { $1 }, stdin: stdin)
    }

    @Test func deletesAUserHuman() throws {
        let result = try offboard(["torii", "delete", Self.demoUser, "--yes"])
        #expect(result.status == 0)
        #expect(result.stdout == "deleted \(Self.demoUser)\n")
        #expect(result.stderr == "")
        #expect(try emulator.toriiUser(Self.demoUser)?["state"] as? String == "deleted")
    }

    @Test func deletesAUserJSON() throws {
        let result = try offboard(["torii", "delete", Self.demoUser.uppercased(), "--yes", "--json"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let lines = result.jsonLines()
        #expect(lines.count == 1)
        #expect(lines.first?["service"] as? String == "torii")
        #expect(lines.first?["id"] as? String == Self.demoUser, "sent and reported lower-case")
        #expect(lines.first?["outcome"] as? String == "deleted")
        #expect(lines.first?["status"] as? Int == 204)
        #expect(lines.first?["attempts"] as? Int == 1)
        #expect(lines.first?["durationMs"] is Int)
        #expect(lines.first?["error"] == nil)
    }

    @Test func aRepeatedDeleteFailsWithAHintNamingRerun() throws {
        _ = try offboard(["torii", "delete", Self.demoUser, "--yes"])
        let human = try offboard(["torii", "delete", Self.demoUser, "--yes"])
        #expect(human.status == 1)
        #expect(human.stdout == "")
        #expect(human.stderr.hasPrefix("error: \(Self.demoUser): "))
        #expect(human.stderr.contains("(HTTP 403)"))
        #expect(human.stderr.contains("  title: Forbidden\n"))
        #expect(human.stderr.contains("  status: 403\n"))
        #expect(human.stderr.contains("  instance: /api/server/v1/users/\(Self.demoUser)\n"))
        // Torii's extras are top-level members, shown as they came.
        #expect(human.stderr.contains("  code: forbidden\n"))
        #expect(human.stderr.contains("  requestId: req_"))
        #expect(human.stderr.contains("hint:") && human.stderr.contains("--rerun"))

        let json = try offboard(["torii", "delete", Self.demoUser, "--yes", "-o", "json"])
        #expect(json.status == 1)
        let line = try #require(json.jsonLines().first)
        #expect(line["outcome"] as? String == "failed")
        #expect(line["status"] as? Int == 403)
        let error = try #require(line["error"] as? [String: Any])
        #expect(error["kind"] as? String == "forbidden")
        #expect((error["hint"] as? String)?.contains("--rerun") == true)
        let problem = try #require(line["problem"] as? [String: Any])
        #expect(problem["status"] as? Int == 403)
        #expect(problem["title"] as? String == "Forbidden")
        #expect(problem["code"] as? String == "forbidden")
        #expect((problem["supportId"] as? String)?.hasPrefix("sup_") == true)
        #expect((problem["requestId"] as? String)?.hasPrefix("req_") == true)
    }

    @Test func rerunCountsTheRepeatedDeleteAsAlreadyDeleted() throws {
        _ = try offboard(["torii", "delete", Self.demoUser, "--yes"])
        let human = try offboard(["torii", "delete", Self.demoUser, "--yes", "--rerun"])
        #expect(human.status == 0)
        #expect(human.stdout == "already deleted \(Self.demoUser)\n")
        #expect(human.stderr == "")
        let json = try offboard(["torii", "delete", Self.demoUser, "--yes", "--rerun", "--json"])
        #expect(json.status == 0)
        #expect(json.jsonLines().first?["outcome"] as? String == "already_deleted")
        #expect(json.jsonLines().first?["status"] as? Int == 403)
    }

    @Test func notFoundFailsUnlessIgnored() throws {
        let plain = try offboard(["torii", "delete", Self.unknownUser, "--yes"])
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("No user with this id"))
        #expect(plain.stderr.contains("--ignore-not-found"))
        let json = try offboard(["torii", "delete", Self.unknownUser, "--yes", "--json"])
        #expect(json.status == 1)
        #expect(json.jsonLines().first?["outcome"] as? String == "not_found")
        #expect((json.jsonLines().first?["error"] as? [String: Any])?["kind"] as? String == "not_found")

        let ignored = try offboard(["torii", "delete", Self.unknownUser, "--yes", "--ignore-not-found"])
        #expect(ignored.status == 0)
        #expect(ignored.stdout == "not found \(Self.unknownUser) (ignored: --ignore-not-found)\n")
        #expect(ignored.stderr == "")
        let ignoredJSON = try offboard(["torii", "delete", Self.unknownUser, "--yes", "--ignore-not-found", "--json"])
        #expect(ignoredJSON.status == 0)
        #expect(ignoredJSON.jsonLines().first?["outcome"] as? String == "not_found")
        #expect(ignoredJSON.jsonLines().first?["error"] == nil)
        #expect(ignoredJSON.jsonLines().first?["status"] as? Int == 404)
    }

    @Test func aWrongKeyIsUnauthorized() throws {
        let human = try offboard(["torii", "delete", Self.demoUser, "--yes"], env: ["TORII_SECRET_KEY": "sk_test_wrong"])
        #expect(human.status == 77)
        #expect(human.stderr.contains("Invalid secret key"))
        #expect(human.stderr.contains("TORII_SECRET_KEY"))
        let json = try offboard(["torii", "delete", Self.demoUser, "--yes", "--json"], env: ["TORII_SECRET_KEY": "sk_test_wrong"])
        #expect(json.status == 77)
        #expect((json.jsonLines().first?["error"] as? [String: Any])?["kind"] as? String == "unauthorized")
        #expect((json.jsonLines().first?["problem"] as? [String: Any])?["status"] as? Int == 401)
        #expect(try emulator.toriiUser(Self.demoUser)?["state"] as? String == "active")
    }

    @Test func withoutAUsableLibcurlItSaysSoAndSendsNothing() throws {
        // libcurl is opened at run time, and LD_LIBRARY_PATH is searched first: a file that is
        // not a library stands in for a machine without libcurl4.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("offboard-nolibcurl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("not a shared library\n".utf8).write(to: folder.appendingPathComponent("libcurl.so.4"))
        let broken = ["LD_LIBRARY_PATH": folder.path]

        let journal = folder.appendingPathComponent("journal").path
        let result = try offboard(["torii", "delete", Self.demoUser, "--yes", "--journal", journal], env: broken)
        #expect(result.status == 69)
        #expect(!FileManager.default.fileExists(atPath: journal), "told before a journal is created")
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("error: cannot load libcurl: "))
        #expect(result.stderr.hasSuffix(" — install it (Debian: apt-get install libcurl4)\n"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try emulator.toriiDeleteRequests() == 0)

        // Input is checked before libcurl is needed, so a bad ID is still a bad ID.
        let malformed = try offboard(["torii", "delete", "not-a-uuid", "--yes"], env: broken)
        #expect(malformed.status == 65)
        #expect(try run(Binaries.path("offboard"), ["--version"], environment: broken).status == 0)
    }

    @Test func aMissingKeyIsRefusedBeforeSending() throws {
        let result = try run(Binaries.path("offboard"), ["torii", "delete", Self.demoUser, "--yes", "--base-url", emulator.baseURL])
        #expect(result.status == 77)
        #expect(result.stdout == "")
        #expect(result.stderr == "error: no Torii secret key — export TORII_SECRET_KEY=sk_test_… or pass --secret-key-file <path>\n")
        #expect(try emulator.toriiDeleteRequests() == 0)

        // Without IDs either, the forgotten IDs are named first: usage, not credentials.
        let nothing = try run(Binaries.path("offboard"), ["torii", "delete", "--yes", "--base-url", emulator.baseURL])
        #expect(nothing.status == 64)
        #expect(nothing.stderr == "error: no user IDs given — pass IDs as arguments or with --from-file <path|->\n")
    }

    @Test func aUserOfAnotherEnvironmentIsForbidden() throws {
        let result = try offboard(["torii", "delete", Self.liveUser, "--yes", "--json"])
        #expect(result.status == 1)
        let line = try #require(result.jsonLines().first)
        #expect((line["error"] as? [String: Any])?["kind"] as? String == "forbidden")
        // The same words as a repeated delete's 403: Torii offers nothing that tells the two apart.
        #expect((line["error"] as? [String: Any])?["message"] as? String == "This secret key may not act on this user.")
        let human = try offboard(["torii", "delete", Self.liveUser, "--yes"])
        #expect(human.stderr.contains("detail: This secret key may not act on this user."))
        #expect(try emulator.toriiUser(Self.liveUser)?["state"] as? String == "active")
    }

    @Test func aMalformedUUIDStopsTheRunBeforeAnythingIsSent() throws {
        let result = try offboard(["torii", "delete", Self.demoUser, "not-a-uuid", "--yes"])
        #expect(result.status == 65)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("error: 1 user ID is not valid, so nothing was sent — argument 2: \"not-a-uuid\" is not a UUID"))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "one line")
        #expect(try emulator.toriiDeleteRequests() == 0)
        #expect(try emulator.toriiUser(Self.demoUser)?["state"] as? String == "active")
    }

    @Test func malformedLinesFromAFileAreNamedByLineNumber() throws {
        let input = "# offboarding list\n\(Self.demoUser)\n\nbad-one\n01931a73-8b00-7000-8000-00000000000\n"
        let result = try offboard(["torii", "delete", "--from-file", "-", "--yes"], stdin: input)
        #expect(result.status == 65)
        #expect(result.stderr.contains("line 4: \"bad-one\""))
        #expect(result.stderr.contains("line 5: \"01931a73-8b00-7000-8000-00000000000\""))
        #expect(try emulator.toriiDeleteRequests() == 0)
    }

    @Test func aServerThatIsNotListeningIsUnavailable() throws {
        let base = "http://127.0.0.1:\(try closedPort())"
        let human = try offboard(["torii", "delete", Self.demoUser, "--yes", "--base-url", base, "--retries", "0"])
        #expect(human.status == 69)
        #expect(human.stderr.contains("Couldn't connect to server") || human.stderr.contains("Connection refused"))
        #expect(human.stderr.contains("hint: check that the server is running and --base-url is right"))
        let json = try offboard(["torii", "delete", Self.demoUser, "--yes", "--base-url", base, "--retries", "1", "--json"])
        #expect(json.status == 69)
        let line = try #require(json.jsonLines().first)
        #expect(line["status"] is NSNull)
        #expect(line["attempts"] as? Int == 2, "connection failures are retried")
        #expect((line["error"] as? [String: Any])?["kind"] as? String == "connection")
    }

    @Test(arguments: [
        (["--base-url", "api.torii.so"], [String: String](), Int32(78), "--base-url \"api.torii.so\" is not a usable base URL"),
        ([], ["TORII_BASE_URL": ""], 78, "TORII_BASE_URL is set but empty — unset it, or give it a value"),
        (["--base-url", "https://api.torii.so"], ["TORII_BASE_URL": ""], 78, "TORII_BASE_URL is set but empty"),
        (["--secret-key-file", "/nonexistent/key"], ["TORII_SECRET_KEY": ""], 78, "TORII_SECRET_KEY is set but empty"),
        ([], ["TORII_BASE_URL": "ftp://example.com"], 78, "TORII_BASE_URL \"ftp://example.com\" is not a usable base URL"),
        (["--secret-key-file", "/nonexistent/key"], [:], 78, "cannot read --secret-key-file /nonexistent/key: No such file or directory"),
        (
            [], ["TORII_SECRET_KEY": "pk_test_publishable"], 78,
            "the Torii secret key must start with sk_test_ or sk_live_ (this is a publishable key)"
        ),
        ([], ["TORII_SECRET_KEY": "hunter2hunter2"], 78, "the Torii secret key must start with sk_test_ or sk_live_ (it has neither prefix)"),
        (["--concurrency", "0"], [:], 64, "--concurrency must be from 1 to 64"),
        (["--concurrency", "-1"], [:], 64, "--concurrency must be from 1 to 64 (got -1)"),
        (["--timeout", "-5"], [:], 64, "--timeout must be from 0.001 to 86400 seconds"),
        (["--timeout", "1e-5"], [:], 64, "--timeout must be from 0.001 to 86400 seconds"),
        (["--rate", "0x10"], [:], 64, "The value '0x10' is invalid for '--rate <n>'"),
        (["--from-file", "/dev/null", "--from-file", "/dev/null"], [:], 64, "--from-file given 2 times — pass one file"),
        (["--dry-run", "--journal", "/tmp"], [:], 78, "--journal /tmp is not a file — give a file path, e.g. /tmp/offboard.journal"),
        (["--journal", "/etc/passwd/j"], [:], 78, "cannot write --journal /etc/passwd/j: Not a directory"),
        (["--journal", ""], [:], 64, "--journal needs a file path"),
        (["--journal", "/nonexistent/dir/j"], [:], 78, "cannot write --journal /nonexistent/dir/j: No such file or directory — give a path"),
        (["--cacert", "/nonexistent/ca.pem"], [:], 78, "cannot read --cacert /nonexistent/ca.pem: No such file or directory"),
        (["--cacert", "/tmp"], [:], 78, "--cacert /tmp is not a file"),
        (["--cacert", "/etc/passwd"], [:], 78, "--cacert /etc/passwd holds no PEM certificate"),
    ])
    func badConfigurationIsRefusedBeforeSending(arguments: [String], env: [String: String], status: Int32, message: String) throws {
        let result = try offboard(["torii", "delete", Self.demoUser, "--yes"] + arguments, env: env)
        #expect(result.status == status)
        #expect(result.stderr.contains(message))
        #expect(!result.stderr.contains("pk_test_publishable") && !result.stderr.contains("hun"), "no part of a key is repeated")
        #expect(result.stdout == "")
        #expect(try emulator.toriiDeleteRequests() == 0)
    }

    @Test func withoutATerminalYesIsRequired() throws {
        let result = try offboard(["torii", "delete", Self.demoUser])
        #expect(result.status == 64)
        #expect(result.stderr.contains("pass --yes"))
        #expect(try emulator.toriiDeleteRequests() == 0)
    }

    @Test func theKeyCanComeFromAFileAndAWideModeWarns() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("sk_test_emulator\n".utf8), attributes: [.posixPermissions: 0o644])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try offboard(
            ["torii", "delete", Self.demoUser, "--yes", "--secret-key-file", path],
            env: ["TORII_SECRET_KEY": "sk_test_wrong"])
        #expect(result.status == 0, "the file wins over the environment")
        #expect(result.stderr.contains("warning: --secret-key-file \(path) can be read by other users (mode 644) — run chmod 600 \(path)"))
    }

    @Test func theVerboseTraceRedactsTheKey() throws {
        let result = try offboard(["torii", "delete", Self.demoUser, "--yes", "-v"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("> DELETE /api/server/v1/users/\(Self.demoUser) HTTP/1.1"))
        #expect(result.stderr.contains("> Authorization: Bearer sk_test_…(redacted)"))
        #expect(result.stderr.contains("< HTTP/1.1 204"))
        #expect(!result.stderr.contains("sk_test_emulator") && !result.stdout.contains("sk_test_emulator"))
    }

    @Test func aBatchFromStandardInputReportsLinesAndASummary() throws {
        let input = "\(Self.demoUser)\n# comment\n01931a73-8b00-7000-8000-000000000002\n\(Self.unknownUser)\n\(Self.demoUser)\n"
        let json = try offboard(["torii", "delete", "--from-file", "-", "--yes", "--json"], stdin: input)
        #expect(json.status == 1)
        let lines = json.jsonLines()
        #expect(lines.count == 3, "one line per distinct ID")
        #expect(Set(lines.compactMap { $0["line"] as? Int }) == [1, 3, 4])
        #expect(json.stderr.contains("1 duplicate ID will be deleted once"))

        let human = try offboard(["torii", "delete", "01931a73-8b00-7000-8000-000000000003", "01931a73-8b00-7000-8000-000000000004", "--yes"])
        #expect(human.status == 0)
        #expect(human.stderr.hasPrefix("2 deleted of 2 in "))
        #expect(human.stderr.hasSuffix(" s (torii, test environment)\n"))
    }

    @Test func aDryRunSendsNothing() throws {
        let result = try offboard(["torii", "delete", Self.demoUser, "--dry-run"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("would delete \(Self.demoUser): DELETE \(emulator.baseURL)/api/server/v1/users/\(Self.demoUser)"))
        #expect(result.stdout.contains("Authorization: Bearer sk_test_…(redacted)"))
        #expect(!result.stdout.contains("sk_test_emulator"))
        let quiet = try offboard(["torii", "delete", Self.demoUser, "--dry-run", "--quiet"])
        #expect(quiet.stdout == result.stdout, "--quiet silences successes, not the listing asked for")
        #expect(try emulator.toriiDeleteRequests() == 0)
    }

    /// Defaults as the contract writes them, and the number options take what people type.
    @Test func helpShowsDefaultsAsWritten() throws {
        let help = try run(Binaries.path("offboard"), ["torii", "delete", "--help"])
        #expect(help.status == 0)
        for text in ["(default: 0)", "(default: 30)", "(default: 10)", "(default: 4)", "(default: 3)"] {
            #expect(help.stdout.contains(text), "\(text)")
        }
        #expect(!help.stdout.contains(".0)"))
        let fractional = try offboard(["torii", "delete", Self.demoUser, "--dry-run", "--timeout", "0.5", "--rate", "2.5"])
        #expect(fractional.status == 0)
    }

    @Test func versionIsPrinted() throws {
        let result = try run(Binaries.path("offboard"), ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: ".").count == 3)
    }
}
