import Foundation
import Testing

/// Mass deletions under a server's rate limit: the built binary against the emulator's
/// `--rate-limit` and a scripted server's 429s. Not timed: each checks outcomes, statuses and
/// what reached the server.
@Suite struct PacingEndToEndTests {
    static func seeded(_ count: Int) -> [String] {
        (1...count).map { "00000000-0000-4000-8000-" + String(format: "%012x", $0) }
    }

    func offboard(_ arguments: [String], base: String) throws -> RunResult {
        try run(Binaries.path("offboard"), arguments, environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": base])
    }

    func withIDFile<T>(_ ids: [String], _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString)").path
        try (ids.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    @Test func aRateLimitedRunAtDefaultSettingsDeletesEveryID() throws {
        let emulator = try Emulator(["--rate-limit", "50", "--latency", "20", "--seed-users", "150"])
        let ids = Self.seeded(150)
        let result = try withIDFile(ids) { try offboard(["torii", "delete", "--from-file", $0, "--yes", "--json", "-v"], base: emulator.baseURL) }
        #expect(result.status == 0)
        let lines = result.jsonLines()
        #expect(lines.count == 150)
        #expect(lines.allSatisfy { $0["outcome"] as? String == "deleted" })
        // The pace came from the emulator's RateLimit headers, and held the 429s to a few.
        #expect(result.stderr.contains("* pace: 48/s at most, 4 in flight at most: the server's quota is 50 per 1 s"))
        #expect(try emulator.toriiDeleteRequests() <= 150 + 7)
    }

    @Test func retriesAfterOneRetryAfterDoNotAllStartInTheSame10ms() throws {
        // Four: what goes out before any answer (the initial window), all refused together.
        let ids = Self.seeded(4)
        // Each ID's first DELETE is refused with the same Retry-After: 1.
        let refused = Refused()
        let server = try ScriptedServer { request, _ in refused.first(request.target) ? .http(429, [("Retry-After", "1")]) : .http(204) }
        let result = try offboard(["torii", "delete"] + ids + ["--yes", "--json", "--retries", "0"], base: server.baseURL)
        #expect(result.status == 0)
        #expect(result.jsonLines().allSatisfy { $0["outcome"] as? String == "deleted" && $0["attempts"] as? Int == 2 })
        let requests = server.requests
        try #require(requests.count == 8)
        let refusedAt = requests[..<4].map(\.at).max()!
        let retries = requests[4...].map(\.at).sorted()
        #expect(retries.first! - refusedAt >= .milliseconds(990), "nothing came back before the second asked for")
        #expect(retries.last! - retries.first! > .milliseconds(10), "the retries are spread, not all in one moment")
    }

    @Test func a429StormLongerThanTheWaitAllowedEndsRateLimited() throws {
        let server = try ScriptedServer { _, _ in .http(429, [("Retry-After", "1")]) }
        let ids = Self.seeded(3)
        let result = try offboard(
            ["torii", "delete"] + ids + ["--yes", "--json", "--concurrency", "1", "--rate-limit-wait", "2"], base: server.baseURL)
        #expect(result.status == 75)
        let lines = result.jsonLines()
        try #require(lines.count == 3)
        let first = try #require(lines.first { $0["id"] as? String == ids[0] })
        let error = try #require(first["error"] as? [String: Any])
        #expect(error["kind"] as? String == "rate_limited")
        #expect((error["message"] as? String)?.contains("not retried: still rate limited after waiting ") == true)
        #expect((error["message"] as? String)?.hasSuffix(" s; the wait allowed is 2 s") == true)
        #expect((error["hint"] as? String)?.contains("--rate-limit-wait") == true)
        // Once one ID has waited all it may, the rest are not sent for the same wait.
        #expect(lines.allSatisfy { ["rate_limited", "not_attempted"].contains(($0["error"] as? [String: Any])?["kind"] as? String) })
        #expect(server.requests.count <= 6)
    }

    @Test func rateLimitWaitIsValidated() throws {
        let result = try offboard(["torii", "delete", Self.seeded(1)[0], "--yes", "--rate-limit-wait", "-1"], base: "http://127.0.0.1:9")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--rate-limit-wait must be from 0 to 86400 seconds"))
    }
}

/// Which targets a scripted server has seen, to refuse each one's first request.
final class Refused: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: Set<String> = []

    /// True the first time `target` comes.
    func first(_ target: String) -> Bool {
        lock.withLock { seen.insert(target).inserted }
    }
}
