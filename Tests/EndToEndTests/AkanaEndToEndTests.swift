import Foundation
import Testing

/// `offboard akana login | delete | logout` against `offboard-emulator` (and a scripted
/// server for the answers the emulator never gives).
@Suite struct AkanaEndToEndTests {
    static let tenant = "acmepaymentscorp"
    static let user = "cb50e0c5-2bc4-4195-8932-000000000001.acmepaymentscorp"
    static let user2 = "cb50e0c5-2bc4-4195-8932-000000000002.acmepaymentscorp"
    static let user3 = "cb50e0c5-2bc4-4195-8932-000000000003.acmepaymentscorp"

    let emulator: Emulator
    let stateHome: String

    init() throws {
        emulator = try Emulator(["--session-ttl", "4"])
        stateHome = FileManager.default.temporaryDirectory.appendingPathComponent("offboard-state-\(UUID().uuidString)").path
    }

    var env: [String: String] { ["XDG_STATE_HOME": stateHome, "AKANA_BASE_URL": emulator.baseURL] }

    func offboard(_ arguments: [String], env extra: [String: String] = [:], stdin: String? = nil) throws -> RunResult {
        try run(Binaries.path("offboard"), arguments, environment: env.merging(extra) { $1 }, stdin: stdin)
    }

    @discardableResult
    func login(_ email: String = "admin@acme.example", password: String = "offboard-demo") throws -> RunResult {
        try offboard(["akana", "login", "--email", email, "--password-stdin"], stdin: password + "\n")
    }

    var sessionFile: String? {
        let folder = stateHome + "/offboard"
        return (try? FileManager.default.contentsOfDirectory(atPath: folder))?.first.map { "\(folder)/\($0)" }
    }

    func akanaUser(_ id: String) throws -> [String: Any]? {
        let users = (try emulator.state()["akana"] as? [String: Any])?["users"] as? [[String: Any]] ?? []
        return users.first { $0["id"] as? String == id }
    }

    func akanaDeleteRequests() throws -> Int {
        (try emulator.state()["akana"] as? [String: Any])?["deleteRequests"] as? Int ?? -1
    }

    func akanaActiveSessions() throws -> Int {
        (try emulator.state()["akana"] as? [String: Any])?["activeSessions"] as? Int ?? -1
    }

    /// A shell command that runs `akana login` on a pseudo-terminal and types `typed` once the
    /// password prompt is shown (up to 10 s), as a person would: input that arrives before the
    /// prompt is echoed by the terminal before offboard has turned echo off. Its status is
    /// login's; the terminal's output goes to standard output.
    func loginOnATerminal(typing typed: String, flag: String = "") -> String {
        let shown = FileManager.default.temporaryDirectory.appendingPathComponent("terminal-\(UUID().uuidString)").path
        return "{ i=0; until grep -q 'Password for' \(shown) 2>/dev/null || [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done; \(typed); }"
            + " | script -qec '\(Binaries.path("offboard")) akana login --email admin@acme.example \(flag)' /dev/null > \(shown);"
            + " status=$?; cat \(shown); rm -f \(shown); (exit $status)"
    }

    @Test func loginDeleteLogout() throws {
        let loggedIn = try login()
        #expect(loggedIn.status == 0)
        #expect(loggedIn.stdout == "")
        #expect(loggedIn.stderr.contains("logged in to \(emulator.baseURL) as admin@acme.example (tenant acmepaymentscorp)"))
        let file = try #require(sessionFile)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(!loggedIn.stderr.contains("offboard-demo"))

        let human = try offboard(["akana", "delete", Self.user, "--yes"])
        #expect(human.status == 0)
        #expect(human.stdout == "deleted \(Self.user)\n")
        #expect(human.stderr == "")
        let json = try offboard(["akana", "delete", Self.user2, "--yes", "--json"])
        #expect(json.status == 0)
        let line = try #require(json.jsonLines().first)
        #expect(line["service"] as? String == "akana")
        #expect(line["outcome"] as? String == "deleted")
        #expect(line["status"] as? Int == 200)
        #expect(line["confirmation"] as? String == Self.user2)
        #expect(try akanaUser(Self.user)?["state"] as? String == "deleted")

        let loggedOut = try offboard(["akana", "logout"])
        #expect(loggedOut.status == 0)
        #expect(loggedOut.stderr.contains("logged out of \(emulator.baseURL)"))
        #expect(sessionFile == nil)
        #expect((try emulator.state()["akana"] as? [String: Any])?["activeSessions"] as? Int == 0)

        let afterLogout = try offboard(["akana", "delete", Self.user3, "--yes"])
        #expect(afterLogout.status == 77)
        #expect(afterLogout.stderr.contains("not logged in to \(emulator.baseURL) — run `offboard akana login"))
    }

    /// A batch that outlasts its 2-second session: renewed on the way, saved atomically, no 401.
    @Test func aBatchLongerThanItsSessionRenewsIt() throws {
        let emulator = try Emulator(["--session-ttl", "2", "--seed-users", "60"])
        let env = ["AKANA_BASE_URL": emulator.baseURL]
        #expect(
            try offboard(["akana", "login", "--email", "admin@acme.example", "--password-stdin"], env: env, stdin: "offboard-demo\n").status == 0)
        let file = try #require(sessionFile)
        let before = try String(contentsOfFile: file, encoding: .utf8)
        let ids = (1...60).map { "00000000-0000-4000-8000-" + String(format: "%012x", $0) + ".acmepaymentscorp" }
        // 60 at 15 a second: 4 seconds, two sessions' worth.
        let result = try offboard(["akana", "delete"] + ids + ["--yes", "--json", "--rate", "15", "-v"], env: env)
        #expect(result.status == 0)
        #expect(result.jsonLines().count == 60)
        #expect(result.jsonLines().allSatisfy { $0["outcome"] as? String == "deleted" })
        #expect(result.stderr.contains("> POST /api/login/renewToken"))
        #expect(!result.stderr.contains("< HTTP/1.1 401"))
        let after = try String(contentsOfFile: file, encoding: .utf8)
        #expect(after != before)
        #expect(after.contains("\"createdAt\""))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        // The renewed session is the one saved: the next run uses it.
        let next = try offboard(["akana", "show", ids[0], "--json"], env: env)
        #expect(next.status == 1)
        #expect(next.jsonLines().first?["outcome"] as? String == "not_found")
    }

    @Test func notFoundAndIgnoreNotFound() throws {
        try login()
        let missing = "cb50e0c5-2bc4-4195-8932-0000000000aa.acmepaymentscorp"
        let plain = try offboard(["akana", "delete", missing, "--yes", "--json"])
        #expect(plain.status == 1)
        #expect(plain.jsonLines().first?["outcome"] as? String == "not_found")
        #expect((plain.jsonLines().first?["error"] as? [String: Any])?["kind"] as? String == "not_found")
        let ignored = try offboard(["akana", "delete", missing, "--yes", "--ignore-not-found"])
        #expect(ignored.status == 0)
        #expect(ignored.stdout.contains("not found \(missing)"))
    }

    @Test func aMismatchedConfirmationIsDeletedWithAWarning() throws {
        let garbage = try Emulator(["--garbage-rate", "1"])
        let env = ["AKANA_BASE_URL": garbage.baseURL]
        #expect(
            try offboard(["akana", "login", "--email", "admin@acme.example", "--password-stdin"], env: env, stdin: "offboard-demo\n").status == 0)
        let human = try offboard(["akana", "delete", Self.user, "--yes"], env: env)
        #expect(human.status == 0)
        #expect(human.stdout == "deleted \(Self.user)\n")
        #expect(human.stderr.contains("warning: \(Self.user): the confirmation did not match: the server answered \"garbage-"))
        let json = try offboard(["akana", "delete", Self.user2, "--yes", "--json"], env: env)
        let line = try #require(json.jsonLines().first)
        #expect(line["outcome"] as? String == "deleted")
        #expect((line["warning"] as? String)?.contains("did not match") == true)
        #expect((line["confirmation"] as? String)?.hasPrefix("garbage-") == true)

        // Only an applied delete is garbled: a refused one keeps its real answer.
        let refused = try offboard(
            ["akana", "delete", Self.user3, "--yes", "--json"],
            env: env.merging(["AKANA_AUTH_TOKEN": "wrong", "AKANA_CSRF_TOKEN": "wrong"]) { $1 })
        #expect(refused.status == 77)
        let torii = try run(
            Binaries.path("offboard"), ["torii", "delete", "01931a73-8b00-7000-8000-000000000001", "--yes"],
            environment: ["TORII_SECRET_KEY": "sk_test_wrong", "TORII_BASE_URL": garbage.baseURL])
        #expect(torii.status == 77)
    }

    @Test func aNonAdminIsUnauthorizedAndTheRestOfTheBatchIsNotAttempted() throws {
        try login("developer@acme.example")
        let json = try offboard(["akana", "delete", Self.user, Self.user2, Self.user3, "--yes", "--json", "--concurrency", "1"])
        #expect(json.status == 77)
        let lines = json.jsonLines()
        #expect(lines.count == 3)
        #expect(lines[0]["status"] as? Int == 403)
        #expect((lines[0]["error"] as? [String: Any])?["kind"] as? String == "unauthorized")
        #expect(
            lines.dropFirst().allSatisfy { ($0["error"] as? [String: Any])?["kind"] as? String == "not_attempted" && $0["attempts"] as? Int == 0 })
        #expect(try akanaDeleteRequests() == 1)
        let human = try offboard(["akana", "delete", Self.user, "--yes"])
        #expect(
            human.stderr.contains(
                "hint: the account may lack the site admin role that deleting users needs, or the session expired — run `offboard akana login"))
    }

    @Test func anExpiredSessionSaysToLogInAgain() throws {
        try login()
        #expect(waitUntil(seconds: 10) { (try? akanaActiveSessions()) == 0 }, "the session expired (--session-ttl 4)")
        let result = try offboard(["akana", "delete", Self.user, "--yes"])
        #expect(result.status == 77)
        #expect(result.stderr.contains("(HTTP 401)"))
        #expect(result.stderr.contains("hint: session missing or expired — run `offboard akana login --base-url \(emulator.baseURL)"))
        #expect(try akanaUser(Self.user)?["state"] as? String == "active")
    }

    /// Tokens from the environment, as a CI job would pass them; without the CSRF value the
    /// platform refuses, and the hint says why.
    @Test func tokensFromTheEnvironmentAndAMissingCSRFToken() throws {
        try login()
        let session = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: try #require(sessionFile)))) as? [String: Any]
        let auth = try #require(session?["authToken"] as? String), csrf = try #require(session?["csrfToken"] as? String)
        let otherHome = ["XDG_STATE_HOME": stateHome + "-empty"]

        let withoutCSRF = try offboard(["akana", "delete", Self.user, "--yes"], env: otherHome.merging(["AKANA_AUTH_TOKEN": auth]) { $1 })
        #expect(withoutCSRF.status == 77)
        #expect(withoutCSRF.stderr.contains("CSRF token — set AKANA_CSRF_TOKEN"))
        #expect(!withoutCSRF.stderr.contains(auth))

        let withCSRF = try offboard(
            ["akana", "delete", Self.user, "--yes", "-v"],
            env: otherHome.merging(["AKANA_AUTH_TOKEN": auth, "AKANA_CSRF_TOKEN": csrf]) { $1 })
        #expect(withCSRF.status == 0)
        #expect(withCSRF.stderr.contains("> X-Csrf-Token_acmepaymentscorp: TokenID%3D…(redacted)"))
        #expect(!withCSRF.stderr.contains(auth) && !withCSRF.stderr.contains(csrf))
    }

    @Test func anIDOfAnotherTenantIsRefusedBeforeSending() throws {
        try login()
        let result = try offboard(["akana", "delete", Self.user, "cb50e0c5-2bc4-4195-8932-000000000004.othertenant", "--yes"])
        #expect(result.status == 65)
        #expect(
            result.stderr.contains(
                "argument 2: \"cb50e0c5-2bc4-4195-8932-000000000004.othertenant\" belongs to tenant othertenant, not acmepaymentscorp (the saved session's tenant)"
            ))
        #expect(try akanaDeleteRequests() == 0)

        let explicit = try offboard(
            ["akana", "delete", Self.user, "--yes", "--fed-member", "othertenant"],
            env: ["AKANA_AUTH_TOKEN": "x", "XDG_STATE_HOME": stateHome + "-empty"])
        #expect(explicit.status == 65)
        #expect(try akanaDeleteRequests() == 0)
        let malformed = try offboard(["akana", "delete", "cb50e0c5-2bc4-4195-8932-000000000004.", "--yes"])
        #expect(malformed.status == 65)
        #expect(malformed.stderr.contains("expected <uuid>.<tenant>"))
    }

    @Test func loginFailures() throws {
        let wrong = try login(password: "not-the-password")
        #expect(wrong.status == 77)
        #expect(wrong.stderr.contains("login refused: Invalid email or password"))
        #expect(!wrong.stderr.contains("not-the-password"))
        let pending = try login("pending@acme.example")
        #expect(pending.status == 77)
        #expect(pending.stderr.contains(": change.password —"), "the documented value, and only the next task")
        #expect(sessionFile == nil)
        let noTerminal = try offboard(["akana", "login", "--email", "admin@acme.example"])
        #expect(noTerminal.status == 64)
        #expect(noTerminal.stderr.contains("--password-stdin"))
    }

    /// On a terminal the password is asked for, and what is typed is not echoed.
    @Test func thePasswordIsReadOnTheTerminalWithoutEcho() throws {
        let result = try run("/bin/sh", ["-c", loginOnATerminal(typing: "echo offboard-demo")], environment: env)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Password for admin@acme.example: "))
        #expect(!result.stdout.contains("offboard-demo"), "no echo")
        #expect(result.stdout.contains("logged in to \(emulator.baseURL) as admin@acme.example"))
        #expect(sessionFile != nil)
    }

    /// What a person may type at the prompt, or pass: nothing is sent for an empty answer.
    @Test(arguments: [
        ("printf 'offboard-demo\\n'", "--password-stdin", Int32(0), "logged in to"),  // a terminal on stdin: still no echo
        ("printf '\\004'", "", 1, "no password entered (end of input) — nothing was sent"),  // Ctrl-D
        ("printf '\\n'", "", 64, "the password is empty — nothing was sent"),
    ])
    func thePasswordPromptOnTheTerminal(typed: String, flag: String, status: Int32, message: String) throws {
        let result = try run("/bin/sh", ["-c", loginOnATerminal(typing: typed, flag: flag) + "; echo \"exit $?\""], environment: env)
        #expect(result.stdout.contains("exit \(status)"))
        #expect(result.stdout.contains(message))
        #expect(!result.stdout.contains("offboard-demo"), "no echo")
        #expect((sessionFile != nil) == (status == 0))
    }

    /// A terminal on standard input but no controlling terminal (`setsid`): nothing to prompt on.
    @Test func withoutAControllingTerminalThePasswordMustBePiped() throws {
        let command = "script -qec 'setsid -w \(Binaries.path("offboard")) akana login --email admin@acme.example' /dev/null; echo \"exit $?\""
        let result = try run("/bin/sh", ["-c", command], environment: env)
        #expect(result.stdout.contains("no terminal to ask for the password — pipe it in with --password-stdin"))
        #expect(result.stdout.contains("exit 64"))
    }

    /// The server's words, however they come, stay one line and cannot drive the terminal.
    @Test func aLoginRefusalShowsTheServersWordsSafely() throws {
        let server = try ScriptedServer { _, _ in
            .http(401, [("Content-Type", "application/json")], body: #"{"message":"bad\nerror: fake \u001b[31mred"}"#)
        }
        let result = try offboard(
            ["akana", "login", "--email", "admin@acme.example", "--password-stdin", "--base-url", server.baseURL],
            stdin: "offboard-demo\n")
        #expect(result.status == 77)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains(#"login refused: bad\nerror: fake \u{1B}[31mred"#))
    }

    /// `export AKANA_AUTH_TOKEN=$(…)` that printed nothing must not quietly mean the saved session.
    @Test(arguments: ["AKANA_AUTH_TOKEN", "AKANA_CSRF_TOKEN", "AKANA_FED_MEMBER", "AKANA_BASE_URL"])
    func aVariableSetButEmptyIsRefused(name: String) throws {
        try login()
        var env = ["AKANA_AUTH_TOKEN": "TokenID%3Dabc", "AKANA_CSRF_TOKEN": "TokenID%3Ddef"]
        env[name] = ""
        let result = try offboard(["akana", "delete", Self.user, "--yes"], env: env)
        #expect(result.status == 78)
        #expect(result.stderr.contains("\(name) is set but empty — unset it, or give it a value"))
        #expect(try akanaDeleteRequests() == 0)
    }

    /// The same rule where another source wins: an empty CSRF variable next to a saved session,
    /// an empty base URL next to --base-url. A CSRF token alone is no half of a session either.
    @Test func anEmptyVariableIsRefusedAlsoWhereAnotherSourceWins() throws {
        try login()
        let emptyCSRF = try offboard(["akana", "delete", Self.user, "--yes"], env: ["AKANA_CSRF_TOKEN": ""])
        #expect(emptyCSRF.status == 78)
        #expect(emptyCSRF.stderr.contains("AKANA_CSRF_TOKEN is set but empty — unset it, or give it a value"))
        let emptyBase = try offboard(["akana", "delete", Self.user, "--yes", "--base-url", emulator.baseURL], env: ["AKANA_BASE_URL": ""])
        #expect(emptyBase.status == 78)
        #expect(emptyBase.stderr.contains("AKANA_BASE_URL is set but empty"))
        let csrfAlone = try offboard(["akana", "delete", Self.user, "--yes"], env: ["AKANA_CSRF_TOKEN": "TokenID%3Ddef"])
        #expect(csrfAlone.status == 78)
        #expect(csrfAlone.stderr.contains("AKANA_CSRF_TOKEN or --csrf-token-file is given without AKANA_AUTH_TOKEN or --auth-token-file"))
        #expect(try akanaDeleteRequests() == 0)
    }

    @Test func anEmptyEmailIsRefused() throws {
        let result = try offboard(["akana", "login", "--email", " ", "--password-stdin"], stdin: "offboard-demo\n")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--email is empty"))
    }

    @Test func aSessionFileOthersCanReadIsRefused() throws {
        try login()
        let file = try #require(sessionFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        let result = try offboard(["akana", "delete", Self.user, "--yes"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("can be read by others (mode 644), so it is not used — run chmod 600 \(file)"))
        // Writable by the group is named as such, not as readable.
        try FileManager.default.setAttributes([.posixPermissions: 0o620], ofItemAtPath: file)
        let writable = try offboard(["akana", "delete", Self.user, "--yes"])
        #expect(writable.status == 78)
        #expect(writable.stderr.contains("can be written by others (mode 620), so it is not used"))
        #expect(try akanaDeleteRequests() == 0)
    }

    @Test func logoutRemovesTheFileEvenWhenTheServerIsUnreachable() throws {
        let port = try closedPort()
        let closed = "http://127.0.0.1:\(port)"
        let folder = stateHome + "/offboard"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = "\(folder)/akana-http-127.0.0.1_3A\(port).json"
        let session =
            #"{"service":"akana","baseUrl":"\#(closed)","email":"a@b","tenant":"acmepaymentscorp","authToken":"TokenID%3Dx","csrfToken":"TokenID%3Dy","createdAt":""}"#
        #expect(FileManager.default.createFile(atPath: file, contents: Data(session.utf8), attributes: [.posixPermissions: 0o600]))

        let result = try offboard(["akana", "logout", "--base-url", closed])
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning: could not end the session on the server"))
        #expect(result.stderr.contains("logged out of \(closed)"))
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test func aBadRequestAndServerErrorsFromAScriptedServer() throws {
        let server = try ScriptedServer { request, _ in
            request.target.contains("000000000001")
                ? .http(400, [("Content-Type", "text/plain")], body: "HTTP method DELETE is not supported by this URL")
                : .http(500, [("Content-Type", "text/plain")], body: "An error occurred processing the call.")
        }
        let env = ["AKANA_BASE_URL": server.baseURL, "AKANA_AUTH_TOKEN": "TokenID%3Dabc", "AKANA_CSRF_TOKEN": "TokenID%3Ddef"]
        let bad = try offboard(["akana", "delete", Self.user, "--yes"], env: env)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("HTTP method DELETE is not supported by this URL (HTTP 400)"))
        #expect(bad.stderr.contains("hint: the server rejected the request shape (Accept header or URL)"))
        let request = try #require(server.requests.first)
        #expect(request.header("Accept") == "text/plain")
        #expect(request.header("Cookie") == "AtmoAuthToken_acmepaymentscorp=TokenID%3Dabc; Csrf-Token_acmepaymentscorp=TokenID%3Ddef")
        #expect(request.header("X-Csrf-Token_acmepaymentscorp") == "TokenID%3Ddef")

        let failing = try offboard(["akana", "delete", Self.user2, "--yes", "--json", "--retries", "2"], env: env)
        #expect(failing.status == 69)
        let line = try #require(failing.jsonLines().first)
        #expect(line["attempts"] as? Int == 3, "Akana's 500 is retried")
        #expect((line["error"] as? [String: Any])?["kind"] as? String == "server_error")
    }

    /// A login redirected elsewhere (a single sign-on page) is a wrong base URL, not a refusal.
    @Test func aRedirectedLoginPointsAtTheBaseURL() throws {
        let server = try ScriptedServer { _, _ in .http(302, [("Location", "https://sso.example.com/login")]) }
        let result = try offboard(
            ["akana", "login", "--email", "admin@acme.example", "--password-stdin", "--base-url", server.baseURL],
            stdin: "offboard-demo\n")
        #expect(result.status == 78)
        #expect(result.stderr.contains("to https://sso.example.com/login"))
        #expect(result.stderr.contains("--base-url should be the platform's API address"))
    }
}
