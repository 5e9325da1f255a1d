import Foundation
import Testing

/// Credentials never appear in anything offboard prints, whatever the mode.
@Suite struct SecretsEndToEndTests {
    static let toriiSecret = "KNOWNSECRET4d1c9e"
    static let user = "01931a73-8b00-7000-8000-000000000001"

    @Test func theToriiKeyNeverAppearsInAnyMode() throws {
        let emulator = try Emulator(["--torii-key", "sk_test_\(Self.toriiSecret)"])
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(
            atPath: keyFile, contents: Data("sk_test_\(Self.toriiSecret)\n".utf8), attributes: [.posixPermissions: 0o644])
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        let good = ["TORII_SECRET_KEY": "sk_test_\(Self.toriiSecret)", "TORII_BASE_URL": emulator.baseURL]
        let closed = "http://127.0.0.1:\(try closedPort())"
        let runs: [([String], [String: String])] = [
            (["torii", "delete", Self.user, "--yes"], good),
            (["torii", "delete", Self.user, "--yes", "-v"], good),
            (["torii", "delete", Self.user, "--yes", "-v", "--json"], good),
            (["torii", "delete", "01931a73-8b00-7000-8000-0000000000f1", "--yes", "-v"], good),
            (["torii", "delete", Self.user, "--dry-run"], good),
            (["torii", "delete", Self.user, "--dry-run", "--json"], good),
            (["torii", "delete", Self.user, "--yes", "-v", "--secret-key-file", keyFile], ["TORII_BASE_URL": emulator.baseURL]),
            (["torii", "delete", Self.user, "--yes", "-v", "--retries", "0", "--base-url", closed], good),
            (["torii", "delete", Self.user, "--yes", "--base-url", "ftp://x"], good),
            (
                ["torii", "delete", Self.user, "--yes", "-v"],
                ["TORII_SECRET_KEY": "sk_live_\(Self.toriiSecret)x", "TORII_BASE_URL": emulator.baseURL]
            ),
            (["torii", "delete", Self.user, "--yes"], ["TORII_SECRET_KEY": "pk_live_\(Self.toriiSecret)", "TORII_BASE_URL": emulator.baseURL]),
            (["torii", "delete", "not-a-uuid", "--yes"], good),
            (["torii", "delete", Self.user], good),
        ]
        for (arguments, env) in runs {
            let result = try run(Binaries.path("offboard"), arguments, environment: env)
            #expect(!(result.stdout + result.stderr).contains(Self.toriiSecret), "\(arguments): \(result.stdout)\(result.stderr)")
            #expect(!(result.stdout + result.stderr).isEmpty, "\(arguments) said something")
        }
    }

    /// A credential with a second line or a space would become extra header lines: refused.
    @Test func aCredentialThatIsNotOneTokenIsRefused() throws {
        let emulator = try Emulator()
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(
            atPath: keyFile, contents: Data("sk_test_emulator\nsk_live_\(Self.toriiSecret)\n".utf8),
            attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        let fromFile = try run(
            Binaries.path("offboard"), ["torii", "delete", Self.user, "--yes", "-v", "--secret-key-file", keyFile],
            environment: ["TORII_BASE_URL": emulator.baseURL])
        #expect(fromFile.status == 78)
        #expect(fromFile.stderr.contains("must contain the secret alone, on one line"))
        #expect(!fromFile.stderr.contains(Self.toriiSecret))
        let fromEnvironment = try run(
            Binaries.path("offboard"), ["torii", "delete", Self.user, "--yes"],
            environment: ["TORII_BASE_URL": emulator.baseURL, "TORII_SECRET_KEY": "sk_test_a b"])
        #expect(fromEnvironment.status == 78)
        #expect(try emulator.toriiDeleteRequests() == 0)
    }

    @Test func akanaPasswordsAndTokensNeverAppear() throws {
        let emulator = try Emulator()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)").path
        let env = ["XDG_STATE_HOME": state, "AKANA_BASE_URL": emulator.baseURL]
        var outputs = ""
        func offboard(_ arguments: [String], stdin: String? = nil, env extra: [String: String] = [:]) throws {
            let result = try run(Binaries.path("offboard"), arguments, environment: env.merging(extra) { $1 }, stdin: stdin)
            outputs += result.stdout + result.stderr
        }
        try offboard(["akana", "login", "--email", "admin@acme.example", "--password-stdin", "-v"], stdin: "offboard-demo\n")
        try offboard(["akana", "login", "--email", "admin@acme.example", "--password-stdin", "-v"], stdin: "wrong-passw0rd-XYZ\n")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: state + "/offboard").first)
        let session = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(state)/offboard/\(file)"))) as? [String: Any])
        let auth = try #require(session["authToken"] as? String), csrf = try #require(session["csrfToken"] as? String)
        let user = "cb50e0c5-2bc4-4195-8932-000000000001.acmepaymentscorp"
        try offboard(["akana", "delete", user, "--dry-run", "--json"])
        try offboard(["akana", "delete", user, "--dry-run"])
        try offboard(["akana", "delete", user, "--yes", "-v", "--json"])
        try offboard(["akana", "delete", user, "--yes", "-v"])
        try offboard(["akana", "delete", user, "--yes", "-v"], env: ["AKANA_AUTH_TOKEN": auth, "AKANA_CSRF_TOKEN": csrf + "wrong"])
        try offboard(["akana", "logout", "-v"])
        #expect(outputs.contains("(redacted)"))
        // The token IDs are the secret part; "TokenID%3D" in front of them is not.
        for secret in ["offboard-demo", "wrong-passw0rd-XYZ", String(auth.dropFirst("TokenID%3D".count)), String(csrf.dropFirst("TokenID%3D".count))]
        {
            #expect(!outputs.contains(secret), "\(secret) leaked")
        }
    }
}
