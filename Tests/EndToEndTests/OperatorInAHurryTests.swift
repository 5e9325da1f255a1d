import Foundation
import Testing

/// What an operator in a hurry meets (issue 17): typos, Ctrl-C, resumed runs, odd input files,
/// the wrong URL scheme, dumb terminals, secrets tried as options, bare Akana IDs.
@Suite struct OperatorInAHurryTests {
    static let user = "01931a73-8b00-7000-8000-000000000001"

    static func seeded(_ index: Int) -> String { String(format: "00000000-0000-4000-8000-%012x", index) }

    /// Seeded IDs `range`, one per line.
    static func idLines(_ range: ClosedRange<Int>) -> String { range.map(seeded).joined(separator: "\n") + "\n" }

    func offboard(
        _ arguments: [String], env: [String: String] = [:], stdin: String? = nil, signal: (Int32, SignalMoment)? = nil
    ) throws -> RunResult {
        try run(
            Binaries.path("offboard"), arguments, environment: ["TORII_SECRET_KEY": "sk_test_emulator"].merging(env) { $1 }, stdin: stdin,
            signal: signal)
    }

    /// The first line of a usage error; the parser's usage lines follow it.
    func usageError(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try offboard(arguments)
        #expect(result.status == 64, "\(arguments)", sourceLocation: sourceLocation)
        #expect(result.stdout == "", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("\nUsage: offboard"), "the usage lines stay", sourceLocation: sourceLocation)
        return String(result.stderr.prefix { $0 != "\n" })
    }

    // MARK: 1. typos

    @Test(arguments: [
        (["torii", "delete", "--dry", user], "Error: Unknown option '--dry'. Did you mean '--dry-run'?"),
        (["torii", "delete", "--dryrun", user], "Error: Unknown option '--dryrun'. Did you mean '--dry-run'?"),
        (["akana", "delete", "--ignore-notfound", user], "Error: Unknown option '--ignore-notfound'. Did you mean '--ignore-not-found'?"),
        (["torii", "delete", "--jsno", user], "Error: Unknown option '--jsno'. Did you mean '--json'?"),
        (["torii", "delete", "--no", user], "Error: Unknown option '--no'. Did you mean '--no-color' or '--no-check'?"),
        (
            ["torii", "delete", "--id", user],
            "Error: Unknown option '--id': user IDs are arguments, not an option — offboard torii delete <user-id> ... (or --from-file <path>, one ID per line)"
        ),
        (
            ["torii", "show", "--email", "ada@acme.example"],
            "Error: Unknown option '--email': to find users by email address, pass --by email and the addresses as arguments — offboard torii show --by email <address> ..."
        ),
    ])
    func aMistypedOptionGetsTheNearestOne(arguments: [String], expected: String) throws {
        #expect(try usageError(arguments) == expected)
    }

    /// However close a typo is to `--yes`, it is never offered: it deletes without asking.
    @Test(arguments: [["--yess"], ["--ye"], ["--yse"], ["--es"], ["-Y"], ["--dry"], ["--id"], ["--y"]])
    func yesIsNeverSuggested(option: [String]) throws {
        for command in [["torii", "delete"], ["akana", "delete"]] {
            let result = try offboard(command + option + [Self.user])
            #expect(result.status == 64)
            #expect(!result.stderr.contains("'--yes'") && !result.stderr.contains("'-y'"), "\(command + option): \(result.stderr)")
        }
    }

    @Test(arguments: [
        (["tori", "delete", user], "Error: Unknown command 'tori'. Did you mean 'torii'?"),
        (["torii", "delet", user], "Error: Unknown command 'delet'. Did you mean 'delete'?"),
        (["akana", "lgoin"], "Error: Unknown command 'lgoin'. Did you mean 'login'?"),
        (["akana", "logut"], "Error: Unknown command 'logut'. Did you mean 'logout'?"),
        (["torii", "rm", user], "Error: Unknown command 'rm'. Did you mean 'delete'?"),
        (["okta", "delete", user], "Error: Unknown command 'okta' — the commands of offboard are 'torii', 'akana'"),
    ])
    func aMistypedCommandGetsTheNearestOne(arguments: [String], expected: String) throws {
        #expect(try usageError(arguments) == expected)
    }

    // MARK: 9. secrets tried as options

    @Test(arguments: [
        (["torii", "delete", "--secret-key", "sk_live_hunter2secret", user], "export TORII_SECRET_KEY=sk_…, or pass --secret-key-file <path>"),
        (["torii", "show", "--secret-key=sk_live_hunter2secret", user], "export TORII_SECRET_KEY=sk_…, or pass --secret-key-file <path>"),
        (["torii", "delete", "--key", "sk_live_hunter2secret", user], "export TORII_SECRET_KEY=sk_…, or pass --secret-key-file <path>"),
        (["torii", "delete", "--token", "sk_live_hunter2secret", user], "export TORII_SECRET_KEY=sk_…, or pass --secret-key-file <path>"),
        (
            ["akana", "delete", "--token", "TokenID%3Dhunter2secret", user],
            "export AKANA_AUTH_TOKEN and AKANA_CSRF_TOKEN, or pass --auth-token-file and --csrf-token-file"
        ),
        (["akana", "login", "--email", "a@b", "--password", "hunter2secret"], "or pipe it in with --password-stdin"),
        (["torii", "--secret-key", "sk_live_hunter2secret", "delete", user], "export TORII_SECRET_KEY=sk_…, or pass --secret-key-file <path>"),
    ])
    func aSecretGivenAsAnOptionIsRefusedOnPurposeAndNotRepeated(arguments: [String], instead: String) throws {
        let result = try offboard(arguments)
        #expect(result.status == 64)
        let first = String(result.stderr.prefix { $0 != "\n" })
        #expect(first.contains(", on purpose (other users could read it in ps, and shell history would keep it) — "), "\(first)")
        #expect(first.hasSuffix(instead), "\(first)")
        #expect(!result.stderr.contains("hunter2secret"), "the value given is never repeated")
    }

    /// A key pasted where an ID goes is refused like any malformed ID, but not repeated.
    @Test func aSecretKeyGivenAsAnIDIsNotRepeated() throws {
        let emulator = try Emulator()
        let result = try offboard(["torii", "delete", Self.user, "sk_live_hunter2secret", "--yes"], env: ["TORII_BASE_URL": emulator.baseURL])
        #expect(result.status == 65)
        #expect(
            result.stderr.contains(
                "argument 2: sk_live_…(redacted) is a secret key, not a user ID — the key goes in TORII_SECRET_KEY or --secret-key-file"))
        #expect(!result.stderr.contains("hunter2secret"))
        #expect(try emulator.toriiDeleteRequests() == 0)
    }

    // MARK: 3. the summary of a stopped batch

    /// IDs a stop left unsent are not failures: the summary names them apart, counts grouped.
    @Test func theSummaryNamesTheIDsNotAttemptedApart() throws {
        let emulator = try Emulator(["--seed-users", "1200", "--latency", "300"])
        let result = try offboard(
            ["torii", "delete", "--from-file", "-", "--yes", "--concurrency", "2"], env: ["TORII_BASE_URL": emulator.baseURL],
            stdin: Self.idLines(1...1200), signal: (SIGINT, .afterStdoutLines(2)))
        #expect(result.status == 130)
        let deleted = result.stdout.split(separator: "\n").count
        let notAttempted = 1200 - deleted
        let summary = try #require(result.stderr.split(separator: "\n").last)
        #expect(
            summary.hasPrefix("\(deleted) deleted, 1,\(String(format: "%03d", notAttempted - 1000)) not attempted (interrupted) of 1,200 in "),
            "\(summary)")
        #expect(summary.hasSuffix(" s (torii, test environment)"), "\(summary)")
        #expect(!summary.contains("failed"))
    }

    // MARK: 7, 8. terminals

    /// Runs offboard on a pseudo-terminal (`script`): stdout and stderr both end up in the
    /// result's stdout, as the terminal showed them.
    func onATerminal(_ arguments: String, env: [String: String]) throws -> RunResult {
        try run(
            "/usr/bin/script", ["-qec", "\(Binaries.path("offboard")) \(arguments)", "/dev/null"],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator"].merging(env) { $1 })
    }

    /// `TERM=dumb` (Emacs' shell, an editor's console) shows escape sequences as garbage: no
    /// colour, no progress line redrawn in place.
    @Test func aDumbTerminalGetsNoEscapeSequences() throws {
        let emulator = try Emulator(["--seed-users", "40"])
        let missing = "01931a73-8b00-7000-8000-0000000000aa"
        let ids = (1...40).map(Self.seeded).joined(separator: " ")
        let dumb = try onATerminal("torii delete \(ids) \(missing) --yes", env: ["TORII_BASE_URL": emulator.baseURL, "TERM": "dumb"])
        #expect(dumb.status == 1, "the missing user")
        #expect(dumb.stdout.contains("deleted \(Self.seeded(40))"))
        #expect(dumb.stdout.contains("error: \(missing): "))
        #expect(!dumb.stdout.contains("\u{1B}"), "\(dumb.stdout.debugDescription)")

        // The same on a terminal that takes them: colour (and so a test that could fail).
        let emulator2 = try Emulator(["--seed-users", "40"])
        let xterm = try onATerminal("torii delete \(ids) --yes", env: ["TORII_BASE_URL": emulator2.baseURL, "TERM": "xterm"])
        #expect(xterm.status == 0)
        #expect(xterm.stdout.contains("\u{1B}[32mdeleted\u{1B}[0m"))
    }

    /// Results printed on the terminal erase the progress line one by one; it is redrawn at
    /// most ten times a second, not once per ID.
    @Test func theProgressLineIsRedrawnAtMostTenTimesASecond() throws {
        let count = 400
        let emulator = try Emulator(["--seed-users", "\(count)"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString)").path
        try Self.idLines(1...count).write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try onATerminal(
            "torii delete --from-file \(file) --yes --concurrency 8", env: ["TORII_BASE_URL": emulator.baseURL])
        #expect(result.status == 0)
        #expect(result.stdout.components(separatedBy: "deleted\u{1B}[0m 00000000-").count - 1 == count, "every result on the terminal")
        let drawings = result.stdout.components(separatedBy: "/\(count) · ").count - 1
        let summary = try #require(result.stdout.range(of: "\(count) deleted of \(count) in "))
        let seconds = try #require(Double(result.stdout[summary.upperBound...].prefix { $0 != " " }))
        #expect(drawings >= 1, "a progress line was drawn")
        #expect(Double(drawings) <= seconds * 10 + 2, "\(drawings) drawings in \(seconds) s")
    }

    // MARK: 4. a resumed run

    /// With a journal, the confirmation counts what remains, and a mass deletion's typed count
    /// is the remaining count: the old total no longer confirms.
    @Test func aResumedRunAsksOnlyForWhatRemains() throws {
        let emulator = try Emulator(["--seed-users", "150"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("leavers.journal").path
        let file = folder.appendingPathComponent("leavers.txt").path
        try Self.idLines(1...150).write(toFile: file, atomically: true, encoding: .utf8)
        let env = ["TORII_BASE_URL": emulator.baseURL]
        let first = try offboard(["torii", "delete", "--journal", journal, "--yes"] + (1...30).map(Self.seeded), env: env)
        #expect(first.status == 0)

        let arguments = "torii delete --from-file \(file) --journal \(journal)"
        let oldTotal = try run(
            "/usr/bin/script", ["-qec", "\(Binaries.path("offboard")) \(arguments)", "/dev/null"],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL], stdin: "150\n")
        #expect(oldTotal.stdout.contains("About to delete 120 torii users (test environment) at \(emulator.baseURL):"))
        #expect(oldTotal.stdout.contains("Checked 120: 120 active\r\n"), "the users done are not looked up again")
        #expect(oldTotal.stdout.contains("120 to delete; 30 done in the journal \(journal) (not sent again)"))
        #expect(oldTotal.stdout.contains("Type 120 to delete 120 users:"))
        #expect(oldTotal.status == 1, "150 is not the count asked for")
        #expect(try emulator.toriiDeleteRequests() == 30)

        let remaining = try run(
            "/usr/bin/script", ["-qec", "\(Binaries.path("offboard")) \(arguments) -q", "/dev/null"],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL], stdin: "120\n")
        #expect(remaining.status == 0)
        #expect(try emulator.toriiDeleteRequests() == 150)
    }

    // MARK: 6. https:// to a plain-HTTP server

    /// A plain-HTTP server behind an https:// URL is no certificate problem: neither --cacert
    /// nor --insecure helps, and the message asks about the scheme instead.
    @Test func httpsToAPlainHTTPServerAsksAboutTheScheme() throws {
        let emulator = try Emulator()
        let https = "https://" + emulator.baseURL.dropFirst("http://".count)
        for extra in [[], ["--insecure"]] {
            let result = try offboard(["torii", "delete", Self.user, "--yes", "--base-url", https] + extra)
            #expect(result.status == 69)
            #expect(result.stderr.contains("error: \(Self.user): the server did not answer TLS ("), "\(result.stderr)")
            #expect(
                result.stderr.contains(
                    "hint: it seems to speak plain HTTP: should the URL start with http:// instead of https://? (--cacert and --insecure cannot help)"
                ))
            #expect(!result.stderr.contains("TLS verification failed") && !result.stderr.contains("pass --cacert"))
        }
        let login = try offboard(
            ["akana", "login", "--base-url", https, "--email", "admin@acme.example", "--password-stdin"], stdin: "offboard-demo\n")
        #expect(login.status == 69)
        #expect(login.stderr.contains("should the URL start with http:// instead of https://?"), "\(login.stderr)")
        #expect(try emulator.toriiDeleteRequests() == 0)
    }

    // MARK: 5. odd input files

    func temporaryFile(_ name: String, _ contents: Data) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        #expect(FileManager.default.createFile(atPath: path, contents: contents, attributes: [.posixPermissions: 0o600]))
        return path
    }

    /// Text with a byte-order mark in UTF-16 or UTF-32, as Windows tools export it, reads as
    /// the same IDs (line numbers and CRLF included).
    @Test(arguments: [String.Encoding.utf16LittleEndian, .utf16BigEndian, .utf32LittleEndian])
    func aUTF16OrUTF32FileWithAByteOrderMarkIsDecoded(encoding: String.Encoding) throws {
        let emulator = try Emulator(["--seed-users", "3"])
        let text = "# leavers\r\n\(Self.seeded(1))\r\n\r\n\(Self.seeded(2))\r\n\(Self.seeded(3))\r\n"
        let mark: [UInt8] =
            switch encoding {
            case .utf16LittleEndian: [0xFF, 0xFE]
            case .utf16BigEndian: [0xFE, 0xFF]
            default: [0xFF, 0xFE, 0, 0]
            }
        let file = try temporaryFile("leavers.txt", Data(mark) + (try #require(text.data(using: encoding))))
        let result = try offboard(
            ["torii", "delete", "--from-file", file, "--yes", "--json", "--concurrency", "1"], env: ["TORII_BASE_URL": emulator.baseURL])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.jsonLines()
        #expect(lines.map { $0["id"] as? String } == [Self.seeded(1), Self.seeded(2), Self.seeded(3)])
        #expect(lines.map { $0["line"] as? Int } == [2, 4, 5])
        #expect(try emulator.toriiDeleteRequests() == 3)
    }

    @Test func aUTF16FileWithoutAByteOrderMarkIsRefusedNamingTheEncoding() throws {
        let emulator = try Emulator(["--seed-users", "2"])
        let file = try temporaryFile("leavers.txt", try #require(Self.idLines(1...2).data(using: .utf16LittleEndian)))
        let result = try offboard(["torii", "delete", "--from-file", file, "--yes"], env: ["TORII_BASE_URL": emulator.baseURL])
        #expect(result.status == 65)
        #expect(
            result.stderr
                == "error: --from-file \(file) holds NUL bytes (line 1), so it is not UTF-8 text: UTF-16LE without a byte-order mark? convert it, e.g. iconv -f UTF-16LE -t UTF-8 \(file) > ids.txt; nothing was sent\n"
        )
        #expect(try emulator.toriiDeleteRequests() == 0)
    }

    /// A CSV export is not one ID per line: the message finds the column of IDs and shows a
    /// pipeline that takes it — which, run, deletes exactly those users.
    @Test func aCSVFileShowsHowToTakeTheIDColumn() throws {
        let emulator = try Emulator(["--seed-users", "3"])
        let rows = (1...3).map { "\"Seed User\($0)\",\"\(Self.seeded($0))\",seed.user\($0)@example.com" }
        let file = try temporaryFile("leavers export.csv", Data((["name,id,email"] + rows).joined(separator: "\r\n").utf8))
        let env = ["TORII_BASE_URL": emulator.baseURL]
        let refused = try offboard(["torii", "delete", "--from-file", file, "--yes"], env: env)
        #expect(refused.status == 65)
        let prefix =
            "error: --from-file \(file) looks like CSV, not one ID per line: the user IDs are in column 2 (\"id\") of 3 — take that column, e.g. "
        #expect(refused.stderr.hasPrefix(prefix), "\(refused.stderr)")
        #expect(try emulator.toriiDeleteRequests() == 0)

        let pipeline = try #require(refused.stderr.dropFirst(prefix.count).components(separatedBy: "; nothing was sent").first)
        #expect(pipeline == "tail -n +2 '\(file)' | cut -d, -f2 | tr -d '\"' | offboard … --from-file -")
        let command = pipeline.replacingOccurrences(of: "offboard …", with: "\(Binaries.path("offboard")) torii delete --yes --json")
        let taken = try run("/bin/bash", ["-c", command], environment: env.merging(["TORII_SECRET_KEY": "sk_test_emulator"]) { $1 })
        #expect(taken.status == 0, "\(taken.stderr)")
        #expect(taken.jsonLines().compactMap { $0["id"] as? String }.sorted() == (1...3).map(Self.seeded))
    }

    @Test func aKeyFileWithAUTF8ByteOrderMarkNamesTheMark() throws {
        let emulator = try Emulator()
        let key = try temporaryFile("torii.key", Data([0xEF, 0xBB, 0xBF] + Array("sk_test_emulator\r\n".utf8)))
        let result = try run(
            Binaries.path("offboard"), ["torii", "delete", Self.user, "--yes", "--secret-key-file", key],
            environment: ["TORII_BASE_URL": emulator.baseURL])
        #expect(result.status == 78)
        #expect(
            result.stderr
                == "error: --secret-key-file \(key) starts with a UTF-8 byte-order mark (bytes EF BB BF, as some Windows editors save) — save it without one, e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' \(key)\n"
        )
        #expect(!result.stderr.contains("sk_test_emulator"))
        #expect(try emulator.toriiDeleteRequests() == 0)
    }

    // MARK: 2. Ctrl-C

    /// With slow answers, the first Ctrl-C is answered at once — before the deletions in flight
    /// answer — with how many there are and what a second Ctrl-C would leave.
    @Test func theFirstCtrlCSaysAtOnceWhatIsInFlight() throws {
        let emulator = try Emulator(["--seed-users", "4", "--latency", "4000"])
        let ids = (1...4).map(Self.seeded).joined(separator: " ")
        // One stream, in the order written: the notice must come before the results.
        let twoSent = SignalMoment { output, _ in output.components(separatedBy: "\n> DELETE ").count - 1 >= 2 }
        let result = try run(
            "/bin/bash", ["-c", "exec \(Binaries.path("offboard")) torii delete \(ids) --yes --concurrency 2 -v 2>&1"],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL], signal: (SIGINT, twoSent))
        #expect(result.status == 130)
        let notice = try #require(
            result.stdout.range(
                of:
                    "\nstopping: nothing new starts; the 2 deletions in flight finish and are reported. Ctrl-C again quits at once, leaving their results unknown.\n"
            ), "\(result.stdout)")
        let firstResult = try #require(result.stdout.range(of: "\ndeleted \(Self.seeded(1))"))
        #expect(notice.upperBound <= firstResult.lowerBound, "said before the deletions in flight answered")
        #expect(result.stdout.contains("2 deleted, 2 not attempted (interrupted) of 4 in "))
    }

    /// The second Ctrl-C quits at once, and says what it left: results unknown, pending in the
    /// journal.
    @Test func theSecondCtrlCSaysWhatItLeaves() throws {
        let emulator = try Emulator(["--seed-users", "4", "--latency", "4000"])
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let result = try run(
            Binaries.path("offboard"), ["torii", "delete"] + (1...4).map(Self.seeded) + ["--yes", "--concurrency", "2", "-v", "--journal", journal],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL],
            signal: (SIGINT, .afterRequestsSent(2)), twice: true)
        #expect(result.status == 130)
        #expect(result.stdout == "", "gone before the deletions in flight answered")
        #expect(result.stderr.contains("stopping: nothing new starts; the 2 deletions in flight finish and are reported."))
        #expect(
            result.stderr.hasSuffix(
                "quit at once: the deletions that were in flight have unknown results; the journal \(journal) keeps them as pending, for the next run with it\n"
            ))
        let pending = try String(contentsOfFile: journal, encoding: .utf8).components(separatedBy: #""outcome":"pending""#).count - 1
        #expect(pending == 2)
    }

    // MARK: 10. Akana

    /// With the tenant known before any ID is read, a bare UUID is that tenant's user, said
    /// once; without one, it is refused with the ways to name the tenant. (An emulator of its
    /// own: sessions last the default half hour here, so a busy machine cannot expire one.)
    @Test func aBareAkanaUUIDIsTakenAsTheKnownTenantsUser() throws {
        let emulator = try Emulator()
        let stateHome = FileManager.default.temporaryDirectory.appendingPathComponent("offboard-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: stateHome) }
        let env = ["XDG_STATE_HOME": stateHome, "AKANA_BASE_URL": emulator.baseURL]
        func akanaUser(_ id: String) throws -> String? {
            let users = (try emulator.state()["akana"] as? [String: Any])?["users"] as? [[String: Any]] ?? []
            return users.first { $0["id"] as? String == id }?["state"] as? String
        }
        let login = try offboard(["akana", "login", "--email", "admin@acme.example", "--password-stdin"], env: env, stdin: "offboard-demo\n")
        #expect(login.status == 0)

        let bare = ["cb50e0c5-2bc4-4195-8932-000000000004", "cb50e0c5-2bc4-4195-8932-000000000005", "cb50e0c5-2bc4-4195-8932-000000000006"]
        let session = try offboard(["akana", "delete", bare[0], "--yes"], env: env)
        #expect(session.status == 0)
        #expect(session.stdout == "deleted \(bare[0]).acmepaymentscorp\n")
        #expect(
            session.stderr == "warning: \(bare[0]) has no tenant and is taken as \(bare[0]).acmepaymentscorp (the saved session's tenant)\n")
        #expect(try akanaUser(bare[0] + ".acmepaymentscorp") == "deleted")

        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: stateHome + "/offboard").first)
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stateHome + "/offboard/" + file))) as? [String: Any]
        let tokens = [
            "AKANA_BASE_URL": emulator.baseURL, "XDG_STATE_HOME": stateHome + "-empty",
            "AKANA_AUTH_TOKEN": try #require(saved?["authToken"] as? String), "AKANA_CSRF_TOKEN": try #require(saved?["csrfToken"] as? String),
        ]
        let fedMember = try offboard(
            ["akana", "delete", bare[1], "cb50e0c5-2bc4-4195-8932-000000000003.acmepaymentscorp", bare[2], "--yes", "--json"],
            env: tokens.merging(["AKANA_FED_MEMBER": "acmepaymentscorp"]) { $1 })
        #expect(fedMember.status == 0)
        #expect(fedMember.jsonLines().compactMap { $0["id"] as? String }.allSatisfy { $0.hasSuffix(".acmepaymentscorp") })
        #expect(fedMember.stderr == "warning: 2 IDs have no tenant and are taken as <uuid>.acmepaymentscorp (AKANA_FED_MEMBER)\n")

        let unknown = try offboard(
            ["akana", "delete", "cb50e0c5-2bc4-4195-8932-000000000001.acmepaymentscorp", "cb50e0c5-2bc4-4195-8932-000000000007", "--yes"],
            env: tokens)
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("has no tenant (Akana IDs are <uuid>.<tenant>) — add it, or name the tenant with --fed-member"))
        #expect(try akanaUser("cb50e0c5-2bc4-4195-8932-000000000007.acmepaymentscorp") == "active")
    }

    /// No saved session and no base URL: nothing to log out of is not an error.
    @Test func akanaLogoutWithNoSessionHasNothingToDo() throws {
        let stateHome = FileManager.default.temporaryDirectory.appendingPathComponent("offboard-state-\(UUID().uuidString)").path
        let result = try run(Binaries.path("offboard"), ["akana", "logout"], environment: ["XDG_STATE_HOME": stateHome])
        #expect(result.status == 0)
        #expect(result.stderr == "not logged in: there is no saved session, so nothing to log out of\n")
    }
}
