import Foundation
import Testing

/// The emulator's own behaviour, over raw connections to the real emulator on loopback: HTTP
/// framing, and fidelity to the vendors' documented answers (../shared/design/vendor-notes.md).
@Suite struct EmulatorTests {
    static let toriiKey = "Authorization: Bearer sk_test_emulator\r\n"
    static let toriiUser = "01931a73-8b00-7000-8000-000000000001"
    static let akanaUser = "cb50e0c5-2bc4-4195-8932-000000000001.acmepaymentscorp"

    // MARK: HTTP

    @Test func aChunkedRequestBodyIsRead() throws {
        let emulator = try Emulator()
        let connection = try RawConnection(emulator)
        let body = #"{"email":"admin@acme.example","password":"offboard-demo"}"#
        let (first, second) = (body.prefix(20), body.dropFirst(20))
        connection.send(
            "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(first.utf8.count, radix: 16) + "\r\n\(first)\r\n" + String(second.utf8.count, radix: 16) + "\r\n\(second)\r\n0\r\n\r\n")
        let response = try connection.readResponse()
        #expect(response.status == 200)
        #expect(response.headers("Set-Cookie").contains { $0.hasPrefix("AtmoAuthToken_acmepaymentscorp=") })
    }

    @Test func pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws {
        let emulator = try Emulator()
        let connection = try RawConnection(emulator)
        let delete = "DELETE /api/server/v1/users/\(Self.toriiUser) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n"
        connection.send("GET /_emulator/state HTTP/1.1\r\nHost: x\r\n\r\n" + delete + delete)  // one write
        #expect(try connection.readResponse().status == 200)
        #expect(try connection.readResponse().status == 204)
        #expect(try connection.readResponse().status == 403, "the repeated delete, answered after the first")
    }

    /// All written before any answer is read, each answer 300 ms late: served one by one, they
    /// would take 30 s.
    @Test func aHundredConcurrentConnectionsAreServedTogether() throws {
        let emulator = try Emulator(["--seed-users", "100", "--latency", "300"])
        let started = Date()
        let connections = try (1...100).map { i in
            let connection = try RawConnection(emulator)
            connection.send(
                "DELETE /api/server/v1/users/\(String(format: "00000000-0000-4000-8000-%012x", i)) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n")
            return connection
        }
        let statuses = try connections.map { try $0.readResponse().status }
        #expect(statuses == Array(repeating: 204, count: 100))
        #expect(Date().timeIntervalSince(started) < 15)
        let users = (try emulator.state()["torii"] as? [String: Any])?["users"] as? [[String: Any]] ?? []
        #expect(users.filter { $0["state"] as? String == "deleted" }.count == 100)
    }

    @Test func bytesThatAreNotHTTPGetA400AtOnce() throws {
        let emulator = try Emulator()
        let connection = try RawConnection(emulator)
        connection.send("\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{fc}\u{03}\u{03}")  // a TLS ClientHello's start
        #expect(try connection.readResponse().status == 400)
    }

    /// A client may stop the emulator as soon as it has read the `listening on` line: the stop is
    /// never lost (a signal that came before the signal handling started once was).
    @Test func aStopRightAfterTheListeningLineIsNeverLost() throws {
        for _ in 1...20 {
            let emulator = try Emulator()
            emulator.process.terminate()
            #expect(waitUntil(seconds: 5) { !emulator.process.isRunning }, "still running 5 s after SIGTERM")
            if emulator.process.isRunning { kill(emulator.process.processIdentifier, SIGKILL) }
        }
    }

    /// An address another server holds is an error, not a reason to listen elsewhere.
    @Test func anAddressInUseIsRefused() throws {
        let first = try Emulator()
        let port = String(first.baseURL.split(separator: ":").last ?? "")
        let second = try run(Binaries.path("offboard-emulator"), ["--port", port])
        #expect(second.status != 0)
        #expect(second.stderr.contains("cannot listen on 127.0.0.1:\(port)"))
        #expect(second.stdout.isEmpty, "no listening line")
    }

    // MARK: Torii

    @Test func toriiProblemExtrasAreTopLevelMembers() throws {
        let emulator = try Emulator()
        let response = try RawConnection(emulator).exchange(
            "DELETE /api/server/v1/users/01931a73-8b00-7000-8000-00000000dead HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n")
        #expect(response.status == 404)
        #expect(response.header("Content-Type") == "application/problem+json")
        let problem = try response.jsonObject()
        #expect(problem["status"] as? Int == 404)
        #expect(problem["instance"] as? String == "/api/server/v1/users/01931a73-8b00-7000-8000-00000000dead")
        #expect(problem["code"] as? String == "not_found")
        #expect((problem["supportId"] as? String)?.isEmpty == false)
        #expect((problem["requestId"] as? String)?.hasPrefix("req_") == true)
        #expect(problem["properties"] == nil)
    }

    /// Torii documents no `type` (nor anything else) that tells a repeated delete's 403 from a
    /// user of the other environment's: only the request's own members differ.
    @Test func toriisTwo403sLookTheSame() throws {
        let emulator = try Emulator()
        let connection = try RawConnection(emulator)
        func delete(_ id: String) throws -> [String: Any] {
            let response = try connection.exchange("DELETE /api/server/v1/users/\(id) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n")
            var problem = try response.jsonObject()
            #expect(response.status == 403)
            for member in ["instance", "requestId", "supportId"] { problem[member] = nil }
            return problem
        }
        #expect(try connection.exchange("DELETE /api/server/v1/users/\(Self.toriiUser) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n").status == 204)
        let repeated = try delete(Self.toriiUser), otherEnvironment = try delete("01931a73-8b00-7000-8000-0000000000f1")
        #expect(NSDictionary(dictionary: repeated) == NSDictionary(dictionary: otherEnvironment))
    }

    @Test func toriiUUIDsInThePathMatchInAnyCase() throws {
        let emulator = try Emulator()
        let connection = try RawConnection(emulator)
        let upper = Self.toriiUser.uppercased()
        #expect(try connection.exchange("GET /api/server/v1/users/\(upper) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n").status == 200)
        #expect(try connection.exchange("DELETE /api/server/v1/users/\(upper) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n").status == 204)
        #expect(try emulator.toriiUser(Self.toriiUser)?["state"] as? String == "deleted")
        #expect(
            try connection.exchange("DELETE /api/server/v1/users/\(Self.toriiUser) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n").status == 403,
            "the same user, whatever the case")
    }

    @Test func toriiGetAnswersTheUserAndADeleteSoftDeletesIt() throws {
        let emulator = try Emulator()
        let connection = try RawConnection(emulator)
        func get(_ id: String, key: String = EmulatorTests.toriiKey) throws -> RawResponse {
            try connection.exchange("GET /api/server/v1/users/\(id) HTTP/1.1\r\nHost: x\r\n\(key)\r\n")
        }
        let before = try get(Self.toriiUser)
        #expect(before.status == 200)
        let user = try before.jsonObject()
        #expect(user["id"] as? String == Self.toriiUser)
        #expect(user["name"] as? String == "Grace Hopper")
        #expect(user["firstName"] as? String == "Grace" && user["lastName"] as? String == "Hopper")
        #expect(user["email"] as? String == "grace.hopper@acme.example")
        #expect(user["status"] as? String == "active")
        #expect(user["deletedAt"] is NSNull && user["locale"] is NSNull)
        for member in ["environmentId", "createdAt", "updatedAt", "emailVerifiedAt", "publicMetadata", "privateMetadata", "unsafeMetadata"] {
            #expect(user[member] != nil, "\(member)")
        }
        #expect(try connection.exchange("DELETE /api/server/v1/users/\(Self.toriiUser) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n").status == 204)
        let after = try get(Self.toriiUser).jsonObject()
        #expect(after["status"] as? String == "deleted")
        #expect((after["deletedAt"] as? String)?.hasPrefix("20") == true)
        #expect(try get("01931a73-8b00-7000-8000-00000000dead").status == 404)
        #expect(try get("01931a73-8b00-7000-8000-0000000000f1").status == 403, "a user of the other environment")
        #expect(try get(Self.toriiUser, key: "").status == 401)
    }

    @Test func toriiSearchFiltersAndPaginatesWithACursor() throws {
        let emulator = try Emulator(["--seed-users", "3"])
        let connection = try RawConnection(emulator)
        func search(_ body: String, query: String = "") throws -> [String: Any] {
            let response = try connection.exchange(
                "POST /api/server/v1/users/search\(query) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)"
                    + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            #expect(response.status == 200)
            return try response.jsonObject()
        }
        func emails(_ page: [String: Any]) -> [String] { (page["items"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String } }

        // The twelve test-environment demo users, three a page: the two live ones are not this key's.
        var seen: [String] = [], cursor: String? = nil, pages = 0
        repeat {
            let page = try search(#"{"email":"@ACME.example"}"#, query: "?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
            seen += emails(page)
            cursor = page["nextCursor"] as? String
            pages += 1
            #expect((page["hasMore"] as? Bool) == (cursor != nil))
        } while cursor != nil && pages < 10
        #expect(pages == 4 && seen.count == 12)
        #expect(!seen.contains("dennis.ritchie@acme.example"))

        #expect(emails(try search(#"{"name":"hOPPER"}"#)) == ["grace.hopper@acme.example"], "case-insensitive substring")
        #expect(emails(try search(#"{"email":"hedy.lamarr@acme.example"}"#)).count == 2, "two users share an address")
        #expect(emails(try search(#"{"name":"seed user"}"#)).count == 3, "seeded users have names too")
        #expect(try connection.exchange("DELETE /api/server/v1/users/\(Self.toriiUser) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n").status == 204)
        #expect(emails(try search(#"{"statuses":["deleted"]}"#)) == ["grace.hopper@acme.example"])
        #expect(emails(try search(#"{"statuses":["active"],"email":"grace"}"#)).isEmpty)
        #expect(
            emails(try search(#"{"createdAfter":"2025-01-15T09:05:00Z","createdBefore":"2025-01-15T09:08:00Z"}"#))
                == ["donald.knuth@acme.example", "margaret.hamilton@acme.example"], "demo users are created a minute apart from 09:00")
        #expect(emails(try search("{}")).count == 15, "twelve demo and three seeded users; limit defaults to 20")
    }

    // MARK: Akana

    /// An Akana session's tokens, and the header lines a request sends them in.
    struct AkanaSession {
        var auth: String
        let csrfToken: String
        var cookies: String { "Cookie: AtmoAuthToken_acmepaymentscorp=\(auth); Csrf-Token_acmepaymentscorp=\(csrfToken)\r\n" }
        var csrf: String { "X-Csrf-Token_acmepaymentscorp: \(csrfToken)\r\n" }
    }

    func akanaLogin(_ connection: RawConnection, email: String = "admin@acme.example") throws -> AkanaSession {
        let body = #"{"email":"\#(email)","password":"offboard-demo"}"#
        let login = try connection.exchange(
            "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let session = AkanaSession(
            auth: login.cookie("AtmoAuthToken_acmepaymentscorp") ?? "", csrfToken: login.cookie("Csrf-Token_acmepaymentscorp") ?? "")
        #expect(!session.auth.isEmpty && !session.csrfToken.isEmpty)
        return session
    }

    @Test func akanaGetAnswersTheUserObject() throws {
        let emulator = try Emulator()
        let connection = try RawConnection(emulator)
        let session = try akanaLogin(connection)
        let response = try connection.exchange(
            "GET /api/users/\(Self.akanaUser) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\(session.cookies)\r\n")
        #expect(response.status == 200)
        let user = try response.jsonObject()
        #expect(user["UserID"] as? String == Self.akanaUser)
        #expect(user["UserName"] as? String == "grace.hopper@acme.example")
        #expect(user["FirstName"] as? String == "Grace" && user["LastName"] as? String == "Hopper")
        #expect(user["Email"] as? String == "grace.hopper@acme.example")
        #expect(user["State"] as? String == "registered")
        #expect(user["Disabled"] as? Bool == false)

        #expect(try connection.exchange("GET /api/users/\(Self.akanaUser) HTTP/1.1\r\nHost: x\r\n\r\n").status == 401)
        let developer = try akanaLogin(connection, email: "developer@acme.example")
        #expect(try connection.exchange("GET /api/users/\(Self.akanaUser) HTTP/1.1\r\nHost: x\r\n\(developer.cookies)\r\n").status == 403)
        #expect(
            try connection.exchange(
                "DELETE /api/users/\(Self.akanaUser) HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\(session.cookies)\(session.csrf)\r\n"
            ).status == 200)
        #expect(try connection.exchange("GET /api/users/\(Self.akanaUser) HTTP/1.1\r\nHost: x\r\n\(session.cookies)\r\n").status == 404, "deleted")
    }

    /// The cookie's value carries its expiration (milliseconds since the epoch, URL-encoded);
    /// renewToken answers a new cookie whose expiration is `--session-ttl` from then.
    @Test func akanaRenewTokenExtendsTheSessionWithANewCookie() throws {
        let emulator = try Emulator(["--session-ttl", "600"])
        let connection = try RawConnection(emulator)
        func expiration(_ token: String) -> Int64? {
            token.components(separatedBy: "%2CexpirationTime%3D").dropFirst().first.flatMap { Int64($0.prefix { $0.isNumber }) }
        }
        let loggedInAt = Int64(Date().timeIntervalSince1970 * 1000)
        let session = try akanaLogin(connection)
        let expires = try #require(expiration(session.auth))
        #expect(abs(expires - loggedInAt - 600_000) < 5_000)

        #expect(
            try connection.exchange("POST /api/login/renewToken HTTP/1.1\r\nHost: x\r\n\(session.cookies)\r\n").status == 401,
            "the CSRF header is needed")
        let renewed = try connection.exchange(
            "POST /api/login/renewToken HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\(session.cookies)\(session.csrf)\r\n"
        )
        #expect(renewed.status == 200)
        var renewedSession = session
        renewedSession.auth = try #require(renewed.cookie("AtmoAuthToken_acmepaymentscorp"))
        #expect(renewedSession.auth != session.auth)
        #expect(try #require(expiration(renewedSession.auth)) >= expires)
        #expect(
            try connection.exchange(
                "DELETE /api/users/\(Self.akanaUser) HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\(renewedSession.cookies)\(renewedSession.csrf)\r\n"
            ).status == 200)
    }

    /// getLoginStatus (documented by name only) answers a JSON object, with or without a session.
    @Test func akanaLoginStatusSaysWhetherTheSessionIsLive() throws {
        let emulator = try Emulator()
        let connection = try RawConnection(emulator)
        let anonymous = try connection.exchange("GET /api/login HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n")
        #expect(anonymous.status == 200)
        #expect(try anonymous.jsonObject()["loginStatus"] as? Bool == false)
        let session = try akanaLogin(connection)
        let loggedIn = try connection.exchange("GET /api/login HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\(session.cookies)\r\n")
        #expect(try loggedIn.jsonObject()["loginStatus"] as? Bool == true)
    }

    @Test func akanaLoginAnswersOnlyTheNextDocumentedPendingTask() throws {
        let emulator = try Emulator()
        let body = #"{"email":"pending@acme.example","password":"offboard-demo"}"#
        let login = try RawConnection(emulator).exchange(
            "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        #expect(login.status == 200)
        #expect(try login.jsonObject()["pendingTasks"] as? [String] == ["change.password"])
        #expect(login.headers("Set-Cookie").isEmpty)
    }

    @Test func akanaEndSessionNeedsASessionAndExpiresTheCookie() throws {
        let emulator = try Emulator()
        let connection = try RawConnection(emulator)
        #expect(try connection.exchange("GET /api/login/endsession HTTP/1.1\r\nHost: x\r\n\r\n").status == 401)
        let session = try akanaLogin(connection)
        let ended = try connection.exchange("GET /api/login/endsession HTTP/1.1\r\nHost: x\r\n\(session.cookies)\r\n")
        #expect(ended.status == 200)
        let expiring = try #require(ended.headers("Set-Cookie").first { $0.hasPrefix("AtmoAuthToken_acmepaymentscorp=;") })
        #expect(expiring.contains("Max-Age=0"))
        #expect(try connection.exchange("GET /api/users/\(Self.akanaUser) HTTP/1.1\r\nHost: x\r\n\(session.cookies)\r\n").status == 401)
        #expect(try emulator.state()["akana"].flatMap { ($0 as? [String: Any])?["activeSessions"] as? Int } == 0)
    }

    @Test func anErrorFaultAnswersEachVendorsDocumented500() throws {
        let emulator = try Emulator(["--error-rate", "1"])
        let connection = try RawConnection(emulator)
        let session = try akanaLogin(connection)
        let akana = try connection.exchange(
            "DELETE /api/users/\(Self.akanaUser) HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\(session.cookies)\(session.csrf)\r\n")
        #expect(akana.status == 500)
        #expect(akana.body == "An error occurred processing the call.")
        let torii = try connection.exchange("DELETE /api/server/v1/users/\(Self.toriiUser) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n")
        #expect(torii.status == 500)
        #expect(try torii.jsonObject()["status"] as? Int == 500)
        #expect(try emulator.toriiUser(Self.toriiUser)?["state"] as? String == "active", "not applied")
    }

    // MARK: Rate limits

    /// DELETEs of the seeded users 1…5, pipelined in one write (so they cannot all fall in
    /// different seconds of a rate limit), and their answers.
    func fiveDeletesInOneWrite(_ connection: RawConnection) throws -> [RawResponse] {
        connection.send(
            (1...5).map {
                "DELETE /api/server/v1/users/\(String(format: "00000000-0000-4000-8000-%012x", $0)) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n"
            }.joined())
        return try (1...5).map { _ in try connection.readResponse() }
    }

    @Test func aRateLimitIsAnnouncedOnEveryAnswerAndEnforcedWith429() throws {
        let emulator = try Emulator(["--seed-users", "5", "--rate-limit", "1"])
        let connection = try RawConnection(emulator)
        let answers = try fiveDeletesInOneWrite(connection)
        #expect(answers.contains { $0.status == 204 } && answers.contains { $0.status == 429 })
        for answer in answers {
            #expect(answer.header("RateLimit-Policy") == #""default";q=1;w=1"#)
            if answer.status == 429 {
                #expect(answer.header("Retry-After") == "1")
                #expect(answer.header("RateLimit") == #""default";r=0;t=1"#)
            }
        }
        let get = try connection.exchange("GET /api/server/v1/users/\(Self.toriiUser) HTTP/1.1\r\nHost: x\r\n\(Self.toriiKey)\r\n")
        #expect(get.header("RateLimit-Policy") == #""default";q=1;w=1"#)
        #expect(get.header("RateLimit")?.hasPrefix(#""default";r="#) == true)
    }

    /// The state counts every answer of each API by status (what a benchmark reads its 429s and
    /// 401s from), the state endpoint's own not included.
    @Test func theStateCountsEachAPIsAnswersByStatus() throws {
        let emulator = try Emulator(["--seed-users", "5", "--rate-limit", "2"])
        let connection = try RawConnection(emulator)
        let statuses = try fiveDeletesInOneWrite(connection).map(\.status)
        #expect(try connection.exchange("GET /api/users/\(Self.akanaUser) HTTP/1.1\r\nHost: x\r\n\r\n").status == 401)
        _ = try emulator.state()  // counted nowhere: the second read must not see the first
        let state = try emulator.state()
        let torii = try #require((state["torii"] as? [String: Any])?["answersByStatus"] as? [String: Int])
        let expected = Dictionary(statuses.map { (String($0), 1) }, uniquingKeysWith: +)
        #expect(torii == expected)
        #expect(torii["429"] ?? 0 >= 1, "five DELETEs against a limit of two a second: \(statuses)")
        #expect((state["akana"] as? [String: Any])?["answersByStatus"] as? [String: Int] == ["401": 1])
    }

    // MARK: offboard stays light

    /// Only the emulator links SwiftNIO; `offboard` itself holds none of it.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nm"), "needs nm (binutils)"))
    func offboardHoldsNoNIOSymbols() throws {
        #expect(try nioSymbols(in: Binaries.path("offboard")) == 0)
        #expect(try nioSymbols(in: Binaries.path("offboard-emulator")) > 0, "the check finds them where they are")
    }
}

/// How many symbols of SwiftNIO's modules (`NIOCore`, `NIOPosix`, …) a binary holds.
func nioSymbols(in binary: String) throws -> Int {
    let symbols = try run("/usr/bin/nm", [binary]).stdout
    return symbols.split(separator: "\n").count { $0.contains("NIOCore") || $0.contains("NIOPosix") || $0.contains("NIOHTTP1") }
}

struct RawResponse {
    var status: Int
    var headerLines: [String]
    var body: String

    func headers(_ name: String) -> [String] {
        headerLines.compactMap { line in
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name.lowercased() else { return nil }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }

    func header(_ name: String) -> String? { headers(name).first }

    /// A Set-Cookie's value for that cookie name.
    func cookie(_ name: String) -> String? {
        headers("Set-Cookie").first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
    }

    func jsonObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], sourceLocation: sourceLocation)
    }
}

/// One kept-alive TCP connection to the emulator: writes requests as given, reads answers one at
/// a time (framed by Content-Length). A read waits at most 20 s, so a broken server fails the
/// test instead of hanging it.
final class RawConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(_ emulator: Emulator) throws {
        guard let port = UInt16(emulator.baseURL.split(separator: ":").last ?? ""), let fd = connectToLoopback(port: port) else {
            throw EmulatorError(message: "cannot connect to \(emulator.baseURL)")
        }
        self.fd = fd
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.unicodeScalars.map { $0.value < 0x100 ? UInt8($0.value) : UInt8(ascii: "?") })
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func exchange(_ request: String) throws -> RawResponse {
        send(request)
        return try readResponse()
    }

    func readResponse() throws -> RawResponse {
        let separator = Array("\r\n\r\n".utf8)
        while buffer.firstRange(of: separator) == nil { try receive() }
        let headEnd = buffer.firstRange(of: separator)!
        let head = String(decoding: buffer[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        var response = RawResponse(status: status, headerLines: Array(head.dropFirst()), body: "")
        let length = Int(response.header("Content-Length") ?? "0") ?? 0
        while buffer.count < headEnd.upperBound + length { try receive() }
        response.body = String(decoding: buffer[headEnd.upperBound..<headEnd.upperBound + length], as: UTF8.self)
        buffer.removeFirst(headEnd.upperBound + length)
        return response
    }

    private func receive() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        guard count > 0 else { throw EmulatorError(message: "the connection ended before a whole answer (\(buffer.count) bytes)") }
        buffer += chunk[..<count]
    }
}
