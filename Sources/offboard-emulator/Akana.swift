// Akana: cookie-session login, CSRF-checked `DELETE /api/users/{userID}` answered in text/plain,
// and `GET /api/login/endsession`.
//
// Users (tenant = --akana-tenant, default acmepaymentscorp):
//   cb50e0c5-2bc4-4195-8932-0391ad6066bb.<tenant>   (the vendor docs' example)
//   cb50e0c5-2bc4-4195-8932-000000000001.<tenant> … cb50e0c5-2bc4-4195-8932-000000000009.<tenant>
//   with --seed-users N: 00000000-0000-4000-8000-<12 hex digits of i>.<tenant>, i in 1...N
// Login accounts, all with password `offboard-demo`:
//   admin@acme.example      site admin
//   developer@acme.example  not an admin (deletes answer 403)
//   pending@acme.example    login answers loginStatus false with pending tasks, no cookies

struct AkanaAccount: Sendable {
    let email: String
    let isSiteAdmin: Bool
    let pendingTasks: [String]

    static let password = "offboard-demo"
    static let all: [AkanaAccount] = [
        AkanaAccount(email: "admin@acme.example", isSiteAdmin: true, pendingTasks: []),
        AkanaAccount(email: "developer@acme.example", isSiteAdmin: false, pendingTasks: []),
        AkanaAccount(email: "pending@acme.example", isSiteAdmin: false, pendingTasks: ["PasswordChange", "LegalAgreement"]),
    ]
}

struct AkanaSession {
    let account: AkanaAccount
    /// The Csrf-Token cookie value exactly as sent in Set-Cookie (still URL-encoded).
    let csrfToken: String
    let expiresAtMilliseconds: Int64
}

struct AkanaState {
    var directory: UserDirectory<Void>
    /// Every DELETE received on the user route, faults included.
    var deleteRequests = 0
    /// Keyed by the AtmoAuthToken cookie value exactly as sent in Set-Cookie.
    private var sessions: [String: AkanaSession] = [:]

    init(tenant: String, seedUsers: Int) {
        let fixed = ["cb50e0c5-2bc4-4195-8932-0391ad6066bb"] + (1...9).map { "cb50e0c5-2bc4-4195-8932-00000000000\($0)" }
        var entries: [(id: String, extra: Void)] = []
        entries.reserveCapacity(fixed.count + seedUsers)
        entries += fixed.map { ("\($0).\(tenant)", ()) }
        entries += seededUserIDs(count: seedUsers).map { ("\($0).\(tenant)", ()) }
        directory = UserDirectory(entries)
    }

    mutating func addSession(token: String, session: AkanaSession, nowMilliseconds: Int64) {
        if sessions.count >= 1024 { purgeExpired(nowMilliseconds: nowMilliseconds) }
        sessions[token] = session
    }

    /// The unexpired session for this token; expired ones are forgotten.
    mutating func liveSession(token: String, nowMilliseconds: Int64) -> AkanaSession? {
        guard let session = sessions[token] else { return nil }
        if session.expiresAtMilliseconds <= nowMilliseconds {
            sessions[token] = nil
            return nil
        }
        return session
    }

    mutating func endSession(token: String) {
        sessions[token] = nil
    }

    mutating func purgeExpired(nowMilliseconds: Int64) {
        sessions = sessions.filter { $0.value.expiresAtMilliseconds > nowMilliseconds }
    }

    func activeSessionCount(nowMilliseconds: Int64) -> Int {
        sessions.values.reduce(0) { $0 + ($1.expiresAtMilliseconds > nowMilliseconds ? 1 : 0) }
    }
}

/// Parses Cookie header values (`a=b; c="d"`) into name/value pairs, in order.
/// Surrounding double quotes are removed from values; pairs without `=` are skipped.
func parseCookies(_ headerValues: [String]) -> [(name: String, value: String)] {
    var cookies: [(name: String, value: String)] = []
    for header in headerValues {
        for pair in header.split(separator: ";") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = trimOWS(pair[..<equals])
            var value = trimOWS(pair[pair.index(after: equals)...])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            if !name.isEmpty { cookies.append((name, value)) }
        }
    }
    return cookies
}

private enum AkanaDeleteOutcome {
    case deleted
    case unauthorized
    case forbidden
    case notFound
}

extension Emulator {
    var akanaAuthCookieName: String { "AtmoAuthToken_\(config.akanaTenant)" }
    var akanaCsrfCookieName: String { "Csrf-Token_\(config.akanaTenant)" }
    var akanaCsrfHeaderName: String { "X-Csrf-Token_\(config.akanaTenant)" }

    // MARK: Login

    func akanaLogin(_ request: HTTPRequest) -> HTTPResponse {
        guard let body = JSONParser.parse(request.body), case .object = body,
              let email = body["email"]?.stringValue, let password = body["password"]?.stringValue else {
            return .json(400, Array("{\"code\":400,\"message\":\"Malformed login request: expected a JSON object with string members email and password\"}".utf8))
        }
        guard let account = AkanaAccount.all.first(where: { $0.email == email.lowercased() }),
              password == AkanaAccount.password else {
            return .json(401, Array("{\"code\":401,\"message\":\"Invalid email or password\"}".utf8))
        }

        var json = JSONWriter()
        guard account.pendingTasks.isEmpty else {
            json.raw("{"); json.key("loginStatus"); json.bool(false)
            json.raw(","); json.key("pendingTasks"); json.raw("[")
            for (i, task) in account.pendingTasks.enumerated() {
                if i > 0 { json.raw(",") }
                json.string(task)
            }
            json.raw("]}")
            return .json(200, json.bytes)
        }

        let now = epochMilliseconds()
        let expiresAt = now + Int64(config.sessionTTLSeconds) * 1000
        func tokenValue() -> String { "TokenID%3D\(randomUUIDString())%2CexpirationTime%3D\(expiresAt)" }
        let authToken = tokenValue()
        let csrfToken = tokenValue()
        world.withLock {
            $0.akana.addSession(token: authToken,
                                session: AkanaSession(account: account, csrfToken: csrfToken, expiresAtMilliseconds: expiresAt),
                                nowMilliseconds: now)
        }

        json.raw("{"); json.key("loginStatus"); json.bool(true)
        json.raw(","); json.key("userName"); json.string(account.email)
        json.raw(","); json.key("pendingTasks"); json.raw("[]}")
        return .json(200, json.bytes, headers: [
            ("Set-Cookie", "\(akanaAuthCookieName)=\(authToken); Path=/; HttpOnly"),
            ("Set-Cookie", "\(akanaCsrfCookieName)=\(csrfToken); Path=/"),
        ])
    }

    // MARK: End session

    func akanaEndSession(_ request: HTTPRequest) -> HTTPResponse {
        let tokens = parseCookies(request.headerValues("Cookie")).filter { $0.name == akanaAuthCookieName }.map(\.value)
        if !tokens.isEmpty {
            world.withLock { world in
                for token in tokens { world.akana.endSession(token: token) }
            }
        }
        return .json(200, Array("{\"loginStatus\":false}".utf8))
    }

    // MARK: Delete

    func akanaDelete(_ request: HTTPRequest, rawUserID: Substring) -> HTTPResponse {
        let userID = percentDecode(rawUserID) ?? String(rawUserID)
        sleepMilliseconds(config.faults.latencyMilliseconds)
        let now = monotonicSeconds()
        let fault = world.withLock { world in
            world.akana.deleteRequests += 1
            let attempt = world.akana.directory.countDeleteRequest(for: userID)
            return world.faults.decide(for: .akana, id: userID, attempt: attempt, config: config.faults, nowSecond: now)
        }
        switch fault {
        case .rateLimited:
            return .text(429, "Too Many Requests: retry after 1 second", headers: [("Retry-After", "1")])
        case .unavailable:
            return .text(503, "Service Unavailable: retry later", headers: [("Retry-After", "1")])
        case .none, .drop, .garbage:
            break
        }

        var response = akanaApplyDelete(request, userID: userID)
        switch fault {
        // Only a delete that was applied is dropped or garbled: a refused one keeps its real answer.
        case .drop where (200..<300).contains(response.status):
            response.dropConnection = true
        case .garbage(let seed) where (200..<300).contains(response.status):
            response = .text(200, "garbage-" + hex(seed, width: 16))
        case .none, .drop, .garbage, .rateLimited, .unavailable:
            break
        }
        return response
    }

    /// The documented checks, in order, then the state change.
    private func akanaApplyDelete(_ request: HTTPRequest, userID: String) -> HTTPResponse {
        let acceptsText = request.headerValues("Accept").contains { $0.lowercased().contains("text/plain") }
        guard acceptsText else {
            return .text(400, "HTTP method DELETE is not supported by this URL")
        }
        let cookies = parseCookies(request.headerValues("Cookie"))
        let authTokens = cookies.filter { $0.name == akanaAuthCookieName }.map(\.value)
        let csrfCookies = cookies.filter { $0.name == akanaCsrfCookieName }.map(\.value)
        let csrfHeader = request.header(akanaCsrfHeaderName)
        let now = epochMilliseconds()

        let outcome = world.withLock { world -> AkanaDeleteOutcome in
            // Several auth cookies may be sent (e.g. stale ones); any live one whose CSRF token comes
            // back both as the header and as the cookie counts (double submit). Tokens are compared
            // byte for byte, as sent (still URL-encoded).
            var session: AkanaSession?
            for token in authTokens {
                if let candidate = world.akana.liveSession(token: token, nowMilliseconds: now),
                   let csrfHeader, candidate.csrfToken.utf8.elementsEqual(csrfHeader.utf8),
                   csrfCookies.contains(where: { $0.utf8.elementsEqual(csrfHeader.utf8) }) {
                    session = candidate
                    break
                }
            }
            guard let session else { return .unauthorized }
            guard session.account.isSiteAdmin else { return .forbidden }
            guard let index = world.akana.directory.index(of: userID),
                  !world.akana.directory.users[index].deleted else { return .notFound }
            world.akana.directory.markDeleted(at: index)
            return .deleted
        }

        switch outcome {
        case .deleted: return .text(200, userID)
        case .unauthorized: return .text(401, "Unauthorized: session missing, expired or CSRF token invalid")
        case .forbidden: return .text(403, "Forbidden: site admin role required")
        case .notFound: return .text(404, "User not found")
        }
    }
}
