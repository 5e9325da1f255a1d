// Akana API Platform: cookie-session login (`POST /api/login`, `POST /api/login/renewToken`,
// `GET /api/login/endsession`), `GET /api/users/{UserID}` answered with a User object, and
// CSRF-checked `DELETE /api/users/{UserID}` answered in text/plain.
// Its users and login accounts are listed in the README.
import FoundationEssentials

struct AkanaAccount: Sendable {
    let email: String
    let isSiteAdmin: Bool
    /// In the order the platform asks for them; a login answers only the first (as documented).
    let pendingTasks: [String]

    static let password = "offboard-demo"
    static let all: [AkanaAccount] = [
        AkanaAccount(email: "admin@acme.example", isSiteAdmin: true, pendingTasks: []),
        AkanaAccount(email: "developer@acme.example", isSiteAdmin: false, pendingTasks: []),
        AkanaAccount(email: "pending@acme.example", isSiteAdmin: false, pendingTasks: ["change.password", "force.accept.agreements"]),
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
    var sessions: [String: AkanaSession] = [:]

    init(tenant: String, seedUsers: Int) {
        // The first is the vendor docs' example; IDs end in `.<tenant>`.
        let demo = ["cb50e0c5-2bc4-4195-8932-0391ad6066bb"] + (1...9).map { "cb50e0c5-2bc4-4195-8932-00000000000\($0)" }
        let users = zip(demo, People.demo).map { (id: $0, person: $1) } + seededUsers(count: seedUsers)
        directory = UserDirectory(users.map { ("\($0.id).\(tenant)", $0.person, ()) })
    }

    mutating func addSession(token: String, session: AkanaSession, nowMilliseconds: Int64) {
        if sessions.count >= 1024 { sessions = sessions.filter { $0.value.expiresAtMilliseconds > nowMilliseconds } }
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

    func activeSessionCount(nowMilliseconds: Int64) -> Int {
        sessions.values.count { $0.expiresAtMilliseconds > nowMilliseconds }
    }
}

/// Parses Cookie header values (`a=b; c="d"`) into name/value pairs, in order.
/// Surrounding double quotes are removed from values; pairs without `=` are skipped.
func parseCookies(_ headerValues: [String]) -> [(name: String, value: String)] {
    headerValues.flatMap { $0.split(separator: ";") }.compactMap { pair -> (name: String, value: String)? in
        guard let equals = pair.firstIndex(of: "=") else { return nil }
        func trimmed(_ text: Substring) -> String {
            String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
        let name = trimmed(pair[..<equals])
        var value = trimmed(pair[pair.index(after: equals)...])
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        return name.isEmpty ? nil : (name, value)
    }
}

private struct AkanaLoginRequest: Decodable {
    let email, password: String
}

/// LoginResponse members this emulator knows values for.
private struct AkanaLoginResponse: Encodable {
    var authToken: String?
    let userName: String
    let pendingTasks: [String]
}

/// The User object of `GET /api/users/{UserID}`, its members named as the platform names them.
// swift-format-ignore: AlwaysUseLowerCamelCase
private struct AkanaUserBody: Encodable {
    let UserID, UserName, FirstName, LastName, Email, State: String
    let Disabled: Bool
}

extension Emulator {
    var akanaAuthCookieName: String { "AtmoAuthToken_\(config.akanaTenant)" }
    var akanaCsrfCookieName: String { "Csrf-Token_\(config.akanaTenant)" }
    var akanaCsrfHeaderName: String { "X-Csrf-Token_\(config.akanaTenant)" }

    /// Every path outside Torii's and the state endpoint.
    func handleAkana(_ request: EmulatorRequest, segments: [Substring]) -> EmulatorResponse {
        switch (request.path, request.method) {
        case ("/api/login", "POST"): return akanaLogin(request)
        case ("/api/login", "GET"), ("/api/login", "HEAD"): return akanaLoginStatus(request)
        case ("/api/login", _): return .methodNotAllowed(allow: "GET, POST")
        case ("/api/login/renewToken", "POST"): return akanaRenewToken(request)
        case ("/api/login/renewToken", _): return .methodNotAllowed(allow: "POST")
        case ("/api/login/endsession", "GET"), ("/api/login/endsession", "HEAD"): return akanaEndSession(request)
        case ("/api/login/endsession", _): return .methodNotAllowed(allow: "GET, HEAD")
        default: break
        }
        guard segments.count == 4, segments[1] == "api", segments[2] == "users", !segments[3].isEmpty else {
            return .text(404, "Not Found")
        }
        let userID = percentDecode(segments[3])
        switch request.method {
        case "DELETE": return akanaDelete(request, userID: userID)
        case "GET", "HEAD": return akanaGetUser(request, userID: userID)
        default: return .methodNotAllowed(allow: "GET, DELETE")
        }
    }

    // MARK: Sessions

    private static let unauthorized = EmulatorResponse.text(401, "Unauthorized: session missing, expired or CSRF token invalid")

    /// The live session a request's cookies name, with its token. With `csrf`, its CSRF token must
    /// come back both as the header and as the cookie (double submit). Several auth cookies may
    /// be sent (stale ones, say): any live one counts. Tokens are compared as sent (URL-encoded).
    private func akanaSession(_ request: EmulatorRequest, csrf: Bool) -> (token: String, session: AkanaSession)? {
        let cookies = parseCookies(request.headers["Cookie"])
        let csrfHeader = request.headers.first(name: akanaCsrfHeaderName)
        let now = epochMilliseconds()
        return world.withLock { world in
            for token in cookies.filter({ $0.name == akanaAuthCookieName }).map(\.value) {
                guard let session = world.akana.liveSession(token: token, nowMilliseconds: now) else { continue }
                if !csrf { return (token, session) }
                if let csrfHeader, session.csrfToken == csrfHeader,
                    cookies.contains(where: { $0.name == akanaCsrfCookieName && $0.value == csrfHeader })
                {
                    return (token, session)
                }
            }
            return nil
        }
    }

    /// A new session token; its value carries its expiration, as the platform's does.
    private func akanaToken(expiresAt: Int64) -> String {
        "TokenID%3D\(UUID().uuidString.lowercased())%2CexpirationTime%3D\(expiresAt)"
    }

    /// A session cookie for `session`, with a new token that expires `--session-ttl` from now.
    private func startSession(account: AkanaAccount, csrfToken: String?) -> (token: String, csrfToken: String, setCookie: (String, String)) {
        let now = epochMilliseconds()
        let expiresAt = now + Int64(config.sessionTTLSeconds) * 1000
        let token = akanaToken(expiresAt: expiresAt)
        let csrfToken = csrfToken ?? akanaToken(expiresAt: expiresAt)
        world.withLock {
            $0.akana.addSession(
                token: token, session: AkanaSession(account: account, csrfToken: csrfToken, expiresAtMilliseconds: expiresAt),
                nowMilliseconds: now)
        }
        return (token, csrfToken, ("Set-Cookie", "\(akanaAuthCookieName)=\(token); Path=/; HttpOnly"))
    }

    private func akanaLogin(_ request: EmulatorRequest) -> EmulatorResponse {
        guard let login = try? JSONDecoder().decode(AkanaLoginRequest.self, from: Data(request.body)) else {
            return .json(400, ["code": "400", "message": "Malformed login request: expected a JSON object with string members email and password"])
        }
        guard let account = AkanaAccount.all.first(where: { $0.email == login.email.lowercased() }),
            login.password == AkanaAccount.password
        else {
            return .json(401, ["code": "401", "message": "Invalid email or password"])
        }
        if let next = account.pendingTasks.first {
            return .json(200, AkanaLoginResponse(userName: account.email, pendingTasks: [next]))
        }
        let session = startSession(account: account, csrfToken: nil)
        return .json(
            200, AkanaLoginResponse(authToken: session.token, userName: account.email, pendingTasks: []),
            headers: [session.setCookie, ("Set-Cookie", "\(akanaCsrfCookieName)=\(session.csrfToken); Path=/")])
    }

    /// getLoginStatus, documented by name only: whether the request's cookie names a live session.
    private func akanaLoginStatus(_ request: EmulatorRequest) -> EmulatorResponse {
        .json(200, ["loginStatus": akanaSession(request, csrf: false) != nil])
    }

    /// A new auth cookie, expiring `--session-ttl` from now, for the same session (same CSRF
    /// token). The old cookie stays valid until its own expiry, so requests already sent with it
    /// still pass.
    private func akanaRenewToken(_ request: EmulatorRequest) -> EmulatorResponse {
        guard let (_, session) = akanaSession(request, csrf: true) else { return Self.unauthorized }
        let renewed = startSession(account: session.account, csrfToken: session.csrfToken)
        return EmulatorResponse(status: 200, headers: [renewed.setCookie])
    }

    private func akanaEndSession(_ request: EmulatorRequest) -> EmulatorResponse {
        guard let (token, _) = akanaSession(request, csrf: false) else { return Self.unauthorized }
        world.withLock { $0.akana.sessions[token] = nil }
        return .json(
            200, ["loginStatus": false],
            headers: [
                ("Set-Cookie", "\(akanaAuthCookieName)=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly")
            ])
    }

    // MARK: Users

    /// Site admins only (the CSRF header is not required for GET); deleted users are gone.
    private func akanaGetUser(_ request: EmulatorRequest, userID: String) -> EmulatorResponse {
        guard let (_, session) = akanaSession(request, csrf: false) else { return Self.unauthorized }
        guard session.account.isSiteAdmin else { return .text(403, "Forbidden: site admin role required") }
        let user = world.withLock { world in world.akana.directory.index(of: userID).map { world.akana.directory.users[$0] } }
        guard let user, !user.isDeleted else { return .text(404, "User not found") }
        return .json(
            200,
            AkanaUserBody(
                UserID: user.id, UserName: user.person.email, FirstName: user.person.firstName,
                LastName: user.person.lastName, Email: user.person.email, State: "registered", Disabled: false))
    }

    private func akanaDelete(_ request: EmulatorRequest, userID: String) -> EmulatorResponse {
        let now = monotonicSeconds()
        let fault = world.withLock { world in
            world.akana.deleteRequests += 1
            let attempt = world.akana.directory.countDeleteRequest(for: userID)
            return world.faults.decide(for: .akana, id: userID, attempt: attempt, config: config.faults, nowSecond: now)
        }
        switch fault {
        case .rateLimited: return .text(429, "Too Many Requests: retry after 1 second", headers: [("Retry-After", "1")])
        case .unavailable: return .text(503, "Service Unavailable: retry later", headers: [("Retry-After", "1")])
        case .serverError: return .text(500, "An error occurred processing the call.")  // the documented body
        case .none, .drop, .garbage: break
        }
        var response = akanaApplyDelete(request, userID: userID)
        // Only a delete that was applied is dropped or garbled: a refused one keeps its real answer.
        switch fault {
        case .drop where response.isSuccess: response.dropConnection = true
        case .garbage(let seed) where response.isSuccess: response = .text(200, "garbage-" + zeroPadded(String(seed, radix: 16), width: 16))
        default: break
        }
        return response
    }

    /// The documented checks, in order, then the state change.
    private func akanaApplyDelete(_ request: EmulatorRequest, userID: String) -> EmulatorResponse {
        guard request.headers["Accept"].contains(where: { $0.lowercased().contains("text/plain") }) else {
            return .text(400, "HTTP method DELETE is not supported by this URL")
        }
        guard let (_, session) = akanaSession(request, csrf: true) else { return Self.unauthorized }
        guard session.account.isSiteAdmin else { return .text(403, "Forbidden: site admin role required") }
        let deleted = world.withLock { world in
            guard let index = world.akana.directory.index(of: userID), !world.akana.directory.users[index].isDeleted else { return false }
            world.akana.directory.markDeleted(at: index, now: Date())
            return true
        }
        return deleted ? .text(200, userID) : .text(404, "User not found")
    }
}
