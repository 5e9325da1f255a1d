import Foundation
import Testing

/// Network faults and hostile servers: retries, timeouts, cut-off bodies, redirects, broken
/// answers, TLS. Each runs the built binary against a real server on loopback.
@Suite struct ReliabilityEndToEndTests {
    static let user = "01931a73-8b00-7000-8000-000000000001"

    func delete(_ server: String, _ extra: [String] = [], key: String = "sk_test_emulator") throws -> (RunResult, [String: Any]) {
        let result = try run(
            Binaries.path("offboard"), ["torii", "delete", Self.user, "--yes", "--json", "--base-url", server] + extra,
            environment: ["TORII_SECRET_KEY": key])
        let line = result.jsonLines().first ?? [:]
        return (result, line)
    }

    func errorKind(_ line: [String: Any]) -> String? { (line["error"] as? [String: Any])?["kind"] as? String }
    func errorMessage(_ line: [String: Any]) -> String { (line["error"] as? [String: Any])?["message"] as? String ?? "" }

    @Test func transientAnswersAreRetriedUntilTheyPass() throws {
        let server = try ScriptedServer { _, index in index < 2 ? .http(503, [("Retry-After", "0")]) : .http(204) }
        let (result, line) = try delete(server.baseURL)
        #expect(result.status == 0)
        #expect(line["outcome"] as? String == "deleted")
        #expect(line["attempts"] as? Int == 3)
    }

    @Test func aLongRetryAfterEndsTheRetriesAndNamesTheWait() throws {
        let seconds = try ScriptedServer { _, _ in .http(503, [("Retry-After", "120")]) }
        let (result, line) = try delete(seconds.baseURL)
        #expect(result.status == 69)
        #expect(line["attempts"] as? Int == 1)
        #expect(errorMessage(line).contains("the server asked to wait 120 s (Retry-After)"))

        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date().addingTimeInterval(3600))
        let dated = try ScriptedServer { _, _ in .http(429, [("Retry-After", date)]) }
        let (datedResult, datedLine) = try delete(dated.baseURL)
        #expect(datedResult.status == 75)
        #expect(errorKind(datedLine) == "rate_limited")
        #expect(errorMessage(datedLine).contains("the server asked to wait 3"), "an HTTP date is read as a wait")
        #expect(datedLine["attempts"] as? Int == 1)
    }

    /// One ID waiting out a Retry-After does not hold up the others, even at --concurrency 1.
    @Test func oneIDsBackoffNeverBlocksTheOthers() throws {
        let slow = "01931a73-8b00-7000-8000-00000000000a"
        let server = try ScriptedServer { request, _ in
            request.target.hasSuffix(slow) ? .http(503, [("Retry-After", "2")]) : .http(204)
        }
        // The slow ID's retries keep answering 503: it ends last, after the others finished.
        let ids = [slow] + (1...5).map { "01931a73-8b00-7000-8000-00000000000\($0)" }
        let result = try run(
            Binaries.path("offboard"),
            ["torii", "delete"] + ids + [
                "--yes", "--json", "--concurrency", "1", "--retries", "1",
                "--base-url", server.baseURL,
            ],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator"])
        let lines = result.jsonLines()
        #expect(lines.count == 6)
        #expect(lines.last?["id"] as? String == slow)
        #expect(lines.last?["attempts"] as? Int == 2)
        #expect(lines.dropLast().allSatisfy { $0["outcome"] as? String == "deleted" })
    }

    @Test func theEmulatorsRateLimitIsWaitedOut() throws {
        let emulator = try Emulator(["--seed-users", "20", "--rate-limit", "5"])
        let input = (1...20).map { String(format: "00000000-0000-4000-8000-%012x", $0) }.joined(separator: "\n")
        let result = try run(
            Binaries.path("offboard"), ["torii", "delete", "--from-file", "-", "--yes", "--json", "--concurrency", "8", "--retries", "10"],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL], stdin: input)
        #expect(result.status == 0)
        let lines = result.jsonLines()
        #expect(lines.count == 20)
        #expect(lines.allSatisfy { $0["outcome"] as? String == "deleted" })
        // The emulator's RateLimit headers pace the batch: at most the first answers' worth of 429s.
        let answers = try #require((try emulator.state()["torii"] as? [String: Any])?["answersByStatus"] as? [String: Int])
        #expect((answers["429"] ?? 0) <= 8)
        #expect(answers["204"] == 20)
    }

    /// A 429 that does not say when to come back is a failed attempt like a 503 (one that does
    /// is waited out for a time instead: PacingEndToEndTests).
    @Test func rateLimitsAfterAllRetriesAreTemporary() throws {
        let server = try ScriptedServer { _, _ in .http(429) }
        let (result, line) = try delete(server.baseURL, ["--retries", "2"])
        #expect(result.status == 75)
        #expect(errorKind(line) == "rate_limited")
        #expect(line["attempts"] as? Int == 3)
        #expect(server.requests.count == 3)
    }

    @Test func refusalsAreNeverRetried() throws {
        let server = try ScriptedServer { _, _ in .http(400, [("Content-Type", "text/plain")], body: "bad") }
        let (result, line) = try delete(server.baseURL)
        #expect(result.status == 1)
        #expect(errorKind(line) == "bad_request")
        #expect(server.requests.count == 1)
    }

    /// A 403 after an attempt whose answer was lost may confirm the deletion (Torii answers a
    /// repeated DELETE so) or mean another environment: a look-up of the user settles it.
    @Test func a403AfterALostAnswerIsSettledByALookUp() throws {
        let deletedUser = ScriptedServer.Reply.http(
            200, [("Content-Type", "application/json")], body: #"{"status":"deleted","deletedAt":"2026-11-30T10:00:00Z"}"#)
        let dropped = try ScriptedServer { request, index in
            request.method == "GET" ? deletedUser : index == 0 ? nil : .http(403)
        }
        let (result, line) = try delete(dropped.baseURL)
        #expect(result.status == 0)
        #expect(line["outcome"] as? String == "already_deleted")
        #expect(line["attempts"] as? Int == 2)
        #expect(dropped.requests.map(\.method) == ["DELETE", "DELETE", "GET"])

        let failed = try ScriptedServer { request, index in
            request.method == "GET" ? deletedUser : index == 0 ? .http(504, [("Retry-After", "0")]) : .http(403)
        }
        #expect(try delete(failed.baseURL).1["outcome"] as? String == "already_deleted")

        // The look-up answers 403 too: a user of the other environment, not a deletion.
        let otherEnvironment = try ScriptedServer { _, index in index == 0 ? nil : .http(403) }
        let (refused, refusedLine) = try delete(otherEnvironment.baseURL)
        #expect(refused.status == 1)
        #expect(refusedLine["outcome"] as? String == "failed")
        #expect(((refusedLine["error"] as? [String: Any])?["message"] as? String)?.hasPrefix("the user belongs to the other environment") == true)
    }

    /// libcurl sends a request again by itself, on a new connection, when a kept-alive one turns
    /// out closed before any answer: the first copy may have been applied, so a 403 to the
    /// second is settled by a look-up, as after a lost answer.
    @Test func aRequestLibcurlSentTwiceCountsAsTwoAttempts() throws {
        let second = "01931a73-8b00-7000-8000-000000000002"
        let server = try ScriptedServer { request, index in
            switch (request.method, index) {
            case ("GET", _):
                return .http(200, [("Content-Type", "application/json")], body: #"{"status":"deleted","deletedAt":"2026-11-30T10:00:00Z"}"#)
            case (_, 0): return .http(204)
            case (_, 1): return nil  // the kept-alive connection closes under the second DELETE
            default: return .http(403)
            }
        }
        let result = try run(
            Binaries.path("offboard"),
            ["torii", "delete", Self.user, second, "--yes", "--json", "--concurrency", "1", "--base-url", server.baseURL],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.jsonLines()
        #expect(lines.map { $0["outcome"] as? String } == ["deleted", "already_deleted"])
        #expect(lines.last?["attempts"] as? Int == 2)
        #expect(server.requests.map(\.method) == ["DELETE", "DELETE", "DELETE", "GET"])
    }

    @Test func aStalledOrTricklingServerIsCutOffAtTheTimeout() throws {
        let head = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n"
        let stalled = try ScriptedServer { _, _ in .trickle(head, pieces: ["\r\n"], every: 5) }
        let (result, line) = try delete(stalled.baseURL, ["--timeout", "1", "--retries", "0"])
        #expect(result.status == 75)
        #expect(errorKind(line) == "timeout")
        #expect(line["status"] is NSNull || line["status"] as? Int == 204)

        let trickling = try ScriptedServer { _, _ in
            .trickle("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n", pieces: Array(repeating: "x", count: 40), every: 0.1)
        }
        let (trickled, trickledLine) = try delete(trickling.baseURL, ["--timeout", "1", "--retries", "0"])
        #expect(trickled.status == 75)
        #expect(errorKind(trickledLine) == "timeout")
    }

    /// A listener whose accept queue is full never completes a handshake: only the connect
    /// timeout ends the wait.
    @Test func aServerThatNeverAcceptsIsCutOffAtTheConnectTimeout() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        listen(listener, 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let fillers = (0..<4).map { _ in
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) } }
            return client
        }
        defer { fillers.forEach { close($0) } }
        let (result, line) = try delete("http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))", ["--connect-timeout", "1", "--retries", "0"])
        #expect(result.status == 75)
        #expect(errorKind(line) == "timeout")
        #expect(
            (line["error"] as? [String: Any])?["hint"] as? String
                == "the server did not accept a connection in time: check --base-url, or raise --connect-timeout")
    }

    @Test func bodiesOverOneMebibyteAreCutOff() throws {
        let huge = String(repeating: "a", count: 2 << 20)
        let declared = try ScriptedServer { _, _ in .http(200, [("Content-Type", "text/plain")], body: huge) }
        let (result, line) = try delete(declared.baseURL)
        #expect(result.status == 1)
        #expect(errorKind(line) == "unexpected_response")
        #expect(errorMessage(line).contains("larger than 1048576 bytes"))

        let undeclared = try ScriptedServer { _, _ in
            ScriptedServer.Reply(chunks: [(0, Data("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".utf8)), (0, Data(huge.utf8))])
        }
        let (undeclaredResult, undeclaredLine) = try delete(undeclared.baseURL)
        #expect(undeclaredResult.status == 1)
        #expect(errorKind(undeclaredLine) == "unexpected_response")
    }

    @Test func aRedirectIsNeverFollowed() throws {
        let server = try ScriptedServer { _, _ in .http(301, [("Location", "https://attacker.example/api/server/v1/users/x")]) }
        let (result, line) = try delete(server.baseURL)
        #expect(result.status == 1)
        #expect(errorKind(line) == "unexpected_response")
        #expect(errorMessage(line).contains("to https://attacker.example/api/server/v1/users/x"))
        #expect(server.requests.count == 1)
    }

    @Test func brokenAnswersGetAClearMessageAndTheRightOutcome() throws {
        let server = try ScriptedServer { request, _ in
            switch request.target.split(separator: "/").last.map(String.init) ?? "" {
            case Self.user: return .http(403, [("Content-Type", "application/problem+json")], body: #"{"title":"Forb"#)
            default: return .http(502, [("Content-Type", "text/html")], body: "<html><body><h1>502 Bad Gateway</h1></body></html>")
            }
        }
        let (malformed, malformedLine) = try delete(server.baseURL)
        #expect(malformed.status == 1)
        #expect(errorKind(malformedLine) == "forbidden")
        #expect(malformedLine["problem"] == nil)
        #expect(errorMessage(malformedLine) == "forbidden (HTTP 403)")

        let html = try run(
            Binaries.path("offboard"),
            ["torii", "delete", "01931a73-8b00-7000-8000-000000000002", "--yes", "--base-url", server.baseURL, "--retries", "1"],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator"])
        #expect(html.status == 69)
        #expect(html.stderr.contains("server error (HTTP 502)\n"), "the status named once")
        #expect(!html.stderr.contains("<html>"))

        let empty = try ScriptedServer { _, _ in .http(500) }
        let (emptyResult, emptyLine) = try delete(empty.baseURL)
        #expect(emptyResult.status == 69)
        #expect(errorKind(emptyLine) == "server_error")
        #expect(empty.requests.count == 1, "Torii's 500 is not retried")

        // The search that double-checks a run's first 404 finds the API; the user is not there.
        let mislabelled = try ScriptedServer { request, _ in
            request.method == "POST"
                ? .http(200, [("Content-Type", "application/json")], body: #"{"items":[],"nextCursor":null,"hasMore":false}"#)
                : .http(404, [("Content-Type", "text/html")], body: #"{"title":"Not Found"}"#)
        }
        let (_, mislabelledLine) = try delete(mislabelled.baseURL)
        #expect(mislabelledLine["outcome"] as? String == "not_found")
        #expect(mislabelledLine["problem"] == nil, "only JSON media types are read as problems")
    }

    @Test func withFaultsEveryIDEndsDeletedExactlyOnce() throws {
        let emulator = try Emulator(["--seed-users", "500", "--drop-rate", "0.3", "--fail-rate", "0.2", "--fault-seed", "7"])
        let input = (1...500).map { String(format: "00000000-0000-4000-8000-%012x", $0) }.joined(separator: "\n")
        let result = try run(
            Binaries.path("offboard"),
            ["torii", "delete", "--from-file", "-", "--yes", "--json", "--concurrency", "64", "--retries", "15"],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL], stdin: input)
        #expect(result.status == 0)
        let lines = result.jsonLines()
        #expect(lines.count == 500)
        #expect(lines.allSatisfy { ["deleted", "already_deleted"].contains($0["outcome"] as? String) })
        #expect(lines.contains { $0["outcome"] as? String == "already_deleted" }, "drops happened and were confirmed")
        let users = ((try emulator.state()["torii"] as? [String: Any])?["users"] as? [[String: Any]] ?? []).filter {
            ($0["id"] as? String)?.hasPrefix("00000000-") == true
        }
        #expect(users.count == 500)
        #expect(users.allSatisfy { $0["deletions"] as? Int == 1 })
    }

    /// The same flags give the same faults to the same IDs, however concurrent requests interleave,
    /// so a user's CI test that depends on them is repeatable.
    @Test func seededFaultsAreRepeatableAtAnyConcurrency() throws {
        let input = (1...60).map { String(format: "00000000-0000-4000-8000-%012x", $0) }.joined(separator: "\n")
        func outcomes(concurrency: String) throws -> [String: String] {
            let emulator = try Emulator(["--seed-users", "60", "--fail-rate", "0.3", "--fault-seed", "11"])
            let result = try run(
                Binaries.path("offboard"),
                ["torii", "delete", "--from-file", "-", "--yes", "--json", "--retries", "0", "--concurrency", concurrency],
                environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL], stdin: input)
            return Dictionary(uniqueKeysWithValues: result.jsonLines().map { ($0["id"] as? String ?? "", $0["outcome"] as? String ?? "") })
        }
        let one = try outcomes(concurrency: "1")
        #expect(one.values.contains("failed") && one.values.contains("deleted"), "both happened")
        #expect(try outcomes(concurrency: "16") == one)
        #expect(try outcomes(concurrency: "16") == one)
    }

    /// A stopped emulator first answers what it is answering, as a clean stop should.
    @Test func theEmulatorFinishesAnswersInFlightWhenStopped() throws {
        let emulator = try Emulator(["--latency", "3000"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = folder.appendingPathComponent("trace")
        _ = FileManager.default.createFile(atPath: trace.path, contents: nil)
        let client = Process()
        client.executableURL = URL(fileURLWithPath: Binaries.path("offboard"))
        client.arguments = ["torii", "delete", Self.user, "--yes", "-v", "--retries", "0", "--base-url", emulator.baseURL]
        client.environment = ["TORII_SECRET_KEY": "sk_test_emulator", "HOME": NSTemporaryDirectory()]
        client.standardOutput = FileHandle.nullDevice
        client.standardError = try FileHandle(forWritingTo: trace)
        try client.run()
        #expect(waitUntil { ((try? String(contentsOf: trace, encoding: .utf8)) ?? "").contains("> DELETE ") }, "the request went out")
        // Time for the emulator to take the connection from the kernel (a stop does not reach into
        // its queue, as nginx's does not); the answer is still 2 s away. A fixed wait: nothing
        // outside the emulator shows that it has read the request (its state counts a request
        // once answered).
        Thread.sleep(forTimeInterval: 1)
        emulator.process.terminate()  // SIGTERM while the answer is pending
        client.waitUntilExit()
        #expect(client.terminationStatus == 0, "answered 204 before the emulator stopped")
    }

    /// Not HTTP (a TLS handshake to a plain-HTTP port) is refused at once, not after a timeout.
    @Test func theEmulatorRefusesNonHTTPAtOnce() throws {
        let emulator = try Emulator()
        let https = emulator.baseURL.replacingOccurrences(of: "http://", with: "https://")
        let (result, line) = try delete(https, ["--retries", "0", "--timeout", "20"])
        #expect(result.status == 69)
        #expect(errorKind(line) == "tls")
        #expect((line["durationMs"] as? Int ?? .max) < 5000, "well before the timeout")
    }

    /// Akana's CSRF token must come back as the header and as the cookie (double submit).
    @Test func theEmulatorChecksBothCSRFCopies() throws {
        let emulator = try Emulator()
        let body = #"{"email":"admin@acme.example","password":"offboard-demo"}"#
        let login = try httpExchange(
            emulator.baseURL,
            "POST /api/login HTTP/1.0\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
        let head = String(decoding: login, as: UTF8.self)
        func cookie(_ name: String) -> String {
            head.split(separator: "\r\n").first { $0.hasPrefix("Set-Cookie: \(name)=") }
                .map { String($0.dropFirst("Set-Cookie: \(name)=".count).prefix { $0 != ";" }) } ?? ""
        }
        let auth = cookie("AtmoAuthToken_acmepaymentscorp"), csrf = cookie("Csrf-Token_acmepaymentscorp")
        #expect(!auth.isEmpty && !csrf.isEmpty)
        func delete(cookies: String) throws -> String {
            try httpStatus(
                emulator.baseURL,
                "DELETE /api/users/cb50e0c5-2bc4-4195-8932-000000000001.acmepaymentscorp HTTP/1.0\r\n"
                    + "Accept: text/plain\r\nCookie: \(cookies)\r\nX-Csrf-Token_acmepaymentscorp: \(csrf)\r\n\r\n")
        }
        #expect(try delete(cookies: "AtmoAuthToken_acmepaymentscorp=\(auth)") == "HTTP/1.1 401")
        #expect(try delete(cookies: "AtmoAuthToken_acmepaymentscorp=\(auth); Csrf-Token_acmepaymentscorp=\(csrf)") == "HTTP/1.1 200")
    }

    /// Auth scheme names are case-insensitive (RFC 9110 §11.1); the key itself is not.
    @Test func theEmulatorTakesTheBearerSchemeInAnyCase() throws {
        let emulator = try Emulator()
        func status(_ authorization: String, _ id: String) throws -> String {
            try httpStatus(emulator.baseURL, "DELETE /api/server/v1/users/\(id) HTTP/1.0\r\nAuthorization: \(authorization)\r\n\r\n")
        }
        #expect(try status("bearer  sk_test_emulator", Self.user) == "HTTP/1.1 204", "any case, any number of spaces")
        #expect(try status("BEARER SK_TEST_EMULATOR", "01931a73-8b00-7000-8000-000000000002") == "HTTP/1.1 401")
    }

    /// The fault an ID gets depends on the seed, the ID and its attempt, not on arrival order.
    @Test func theEmulatorsFaultsDoNotDependOnRequestOrder() throws {
        let flags = ["--seed-users", "30", "--fail-rate", "0.33", "--drop-rate", "0.56", "--garbage-rate", "0.11", "--fault-seed", "3"]
        let ids = (1...30).map { String(format: "00000000-0000-4000-8000-%012x", $0) }
        func statuses(_ order: [String]) throws -> [String: [String]] {
            let emulator = try Emulator(flags)  // shares adding up to 1 are accepted
            var seen: [String: [String]] = [:]
            for _ in 1...2 {  // a second attempt of each ID draws again
                for id in order {
                    seen[id, default: []].append(
                        try httpStatus(
                            emulator.baseURL, "DELETE /api/server/v1/users/\(id) HTTP/1.0\r\nAuthorization: Bearer sk_test_emulator\r\n\r\n"))
                }
            }
            return seen
        }
        let forward = try statuses(ids)
        #expect(Set(forward.values.flatMap { $0 }).count > 1, "faults happened")
        #expect(try statuses(ids.reversed()) == forward)
    }

    /// A stop closes kept-alive connections after their current answer instead of serving them on.
    @Test func aStoppedEmulatorServesNoFurtherRequests() throws {
        let emulator = try Emulator(["--seed-users", "40", "--latency", "800"])
        let input = (1...40).map { String(format: "00000000-0000-4000-8000-%012x", $0) }.joined(separator: "\n")
        let client = Process()
        client.executableURL = URL(fileURLWithPath: Binaries.path("offboard"))
        client.arguments = [
            "torii", "delete", "--from-file", "-", "--yes", "--json", "--retries", "0", "--concurrency", "8", "--base-url", emulator.baseURL,
        ]
        client.environment = ["TORII_SECRET_KEY": "sk_test_emulator", "HOME": NSTemporaryDirectory()]
        let stdout = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: stdout) }
        func deletedLines() -> Int {
            ((try? String(contentsOf: stdout, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.contains(#""outcome":"deleted""#) }.count
        }
        let stdin = Pipe()
        client.standardInput = stdin
        client.standardOutput = try FileHandle(forWritingTo: stdout)
        client.standardError = FileHandle.nullDevice
        try client.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        // Once the first round is answered, the second is in progress.
        #expect(waitUntil(seconds: 10) { deletedLines() >= 8 }, "the first round answered")
        emulator.process.terminate()
        #expect(waitUntil(seconds: 5) { !emulator.process.isRunning }, "gone after the answers in progress")
        client.waitUntilExit()
        let deleted = deletedLines()
        #expect(deleted >= 8 && deleted < 40, "the answers in progress, not the whole list (\(deleted))")
    }

    /// A drop or garbled answer stands for an applied delete; a refused one keeps its real answer.
    @Test func droppedAnswersAreOnlyForAppliedDeletes() throws {
        let emulator = try Emulator(["--seed-users", "1", "--drop-rate", "1"])
        let (refused, line) = try delete(emulator.baseURL, key: "sk_test_wrong")
        #expect(refused.status == 77)
        #expect(errorKind(line) == "unauthorized")
    }
}

/// TLS against a loopback server whose certificate is made at test time.
@Suite struct TLSEndToEndTests {
    static let server = #"""
        import ssl, sys, http.server
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_DELETE(self):
                self.send_response(204)
                self.end_headers()
            def log_message(self, *args):
                pass
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        print(httpd.server_address[1], flush=True)
        httpd.serve_forever()
        """#

    /// A folder with a self-signed certificate for 127.0.0.1 (`cert.pem`, `key.pem`) made by openssl.
    static func certificateFolder() throws -> (folder: String, cert: String, key: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cert = folder + "/cert.pem", key = folder + "/key.pem"
        let made = try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ])
        try #require(made.status == 0, "openssl: \(made.stderr)")
        return (folder, cert, key)
    }

    @Test func verifiedByDefaultAcceptedWithCacertAndWarnedUnderInsecure() throws {
        let (folder, cert, key) = try Self.certificateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.server, cert, key]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // SIGKILL: a child spawned from a test worker thread may have SIGTERM blocked.
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let port = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let base = "https://127.0.0.1:\(port)"
        let env = ["TORII_SECRET_KEY": "sk_test_emulator"]
        let arguments = ["torii", "delete", "01931a73-8b00-7000-8000-000000000001", "--yes", "--json", "--base-url", base]

        let refused = try run(Binaries.path("offboard"), arguments, environment: env)
        #expect(refused.status == 69)
        let line = try #require(refused.jsonLines().first)
        #expect((line["error"] as? [String: Any])?["kind"] as? String == "tls")
        #expect(line["attempts"] as? Int == 1, "a TLS failure is not retried")

        let trusted = try run(Binaries.path("offboard"), arguments + ["--cacert", cert], environment: env)
        #expect(trusted.status == 0)
        #expect(trusted.jsonLines().first?["outcome"] as? String == "deleted")
        #expect(trusted.stderr == "")

        let insecure = try run(Binaries.path("offboard"), arguments + ["--insecure"], environment: env)
        #expect(insecure.status == 0)
        #expect(insecure.stderr.hasPrefix("warning: --insecure: TLS certificates are not verified"))

        let unreadable = try run(Binaries.path("offboard"), arguments + ["--cacert", folder + "/missing.pem"], environment: env)
        #expect(unreadable.status == 78)
        #expect(unreadable.stderr.contains("cannot read --cacert"))

        // Over HTTP/2 libcurl writes the request headers as info lines: redacted as well.
        let h2Port = try closedPort()
        let h2 = Process()
        h2.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        h2.arguments = ["s_server", "-accept", "127.0.0.1:\(h2Port)", "-cert", cert, "-key", key, "-alpn", "h2", "-www", "-quiet"]
        h2.standardOutput = FileHandle.nullDevice
        h2.standardError = FileHandle.nullDevice
        try h2.run()
        defer { kill(h2.processIdentifier, SIGKILL); h2.waitUntilExit() }
        try waitUntilListening(port: h2Port)
        let traced = try run(
            Binaries.path("offboard"),
            [
                "torii", "delete", "01931a73-8b00-7000-8000-000000000001", "--yes", "-v",
                "--retries", "0", "--timeout", "2", "--base-url", "https://127.0.0.1:\(h2Port)", "--cacert", cert,
            ],
            environment: ["TORII_SECRET_KEY": "sk_test_H2SECRET42"])
        #expect(traced.stderr.contains("using HTTP/2"))
        #expect(traced.stderr.contains("[authorization: Bearer sk_test_…(redacted)]"))
        #expect(!traced.stderr.contains("H2SECRET42"))

        // Not PEM at all: refused before anything is sent.
        _ = FileManager.default.createFile(atPath: folder + "/garbage.pem", contents: Data("garbage\n".utf8))
        let notPEM = try run(Binaries.path("offboard"), arguments + ["--cacert", folder + "/garbage.pem"], environment: env)
        #expect(notPEM.status == 78)
        #expect(notPEM.stderr.contains("holds no PEM certificate"))
        #expect(notPEM.stdout == "")
        _ = FileManager.default.createFile(
            atPath: folder + "/key.pem",
            contents: Data("-----BEGIN PRIVATE KEY-----\nx\n-----END CERTIFICATE-----\n".utf8))
        let keyOnly = try run(Binaries.path("offboard"), arguments + ["--cacert", folder + "/key.pem"], environment: env)
        #expect(keyOnly.status == 78)
        #expect(keyOnly.stderr.contains("holds no PEM certificate"))
        // PEM armour (here OpenSSL's TRUSTED variant) around garbage: only libcurl can tell.
        _ = FileManager.default.createFile(
            atPath: folder + "/broken.pem",
            contents: Data("-----BEGIN TRUSTED CERTIFICATE-----\ngarbage\n-----END TRUSTED CERTIFICATE-----\n".utf8))
        // It would fail every ID alike, so the rest of the batch is not attempted.
        let malformed = try run(
            Binaries.path("offboard"),
            arguments + [
                "--cacert", folder + "/broken.pem", "--concurrency", "1",
                "01931a73-8b00-7000-8000-000000000002", "01931a73-8b00-7000-8000-000000000003",
            ],
            environment: env)
        #expect(malformed.status == 78)
        let kinds = malformed.jsonLines().map { ($0["error"] as? [String: Any])?["kind"] as? String }
        #expect(kinds == ["configuration", "not_attempted", "not_attempted"])
    }

    /// Over HTTP/2 a batch shares one connection: nginx (Debian's, with http_v2) logs each
    /// request with its connection number and protocol.
    @Test func aBatchOverHTTP2IsMultiplexedOnOneConnection() throws {
        let (folder, cert, key) = try Self.certificateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let port = try closedPort()
        let config = """
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(folder)/nginx.pid;
            error_log \(folder)/error.log warn;
            events { worker_connections 64; }
            http {
                log_format connections '$connection $server_protocol $request_method $status';
                access_log \(folder)/access.log connections;
                client_body_temp_path \(folder)/body;
                proxy_temp_path \(folder)/proxy;
                fastcgi_temp_path \(folder)/fastcgi;
                uwsgi_temp_path \(folder)/uwsgi;
                scgi_temp_path \(folder)/scgi;
                server {
                    listen 127.0.0.1:\(port) ssl http2;
                    ssl_certificate \(cert);
                    ssl_certificate_key \(key);
                    location /api/server/v1/users/ {
                        if ($request_method = DELETE) { return 204; }
                        return 405;
                    }
                }
            }
            """
        try config.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = ["-c", folder + "/nginx.conf", "-p", folder, "-e", folder + "/error.log"]
        nginx.standardOutput = FileHandle.nullDevice
        nginx.standardError = FileHandle.nullDevice
        try nginx.run()
        defer { kill(nginx.processIdentifier, SIGKILL); nginx.waitUntilExit() }
        try waitUntilListening(port: port)

        let ids = (1...20).map { String(format: "00000000-0000-4000-8000-%012x", $0) }
        let result = try run(
            Binaries.path("offboard"),
            ["torii", "delete"] + ids + [
                "--yes", "--json", "--concurrency", "8",
                "--base-url", "https://127.0.0.1:\(port)", "--cacert", cert,
            ],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.jsonLines().count == 20)
        #expect(result.jsonLines().allSatisfy { $0["outcome"] as? String == "deleted" })
        // nginx logs a request after answering it: give the last line a moment to land.
        var log: [Substring] = []
        _ = waitUntil(seconds: 2) {
            log = ((try? String(contentsOfFile: folder + "/access.log", encoding: .utf8)) ?? "").split(separator: "\n")
            return log.count >= 20
        }
        #expect(log.count == 20, "nginx's error log: \((try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? "")")
        #expect(log.allSatisfy { $0.hasSuffix(" HTTP/2.0 DELETE 204") })
        #expect(Set(log.map { $0.split(separator: " ")[0] }).count == 1, "one connection for all 20: \(log)")
    }
}
