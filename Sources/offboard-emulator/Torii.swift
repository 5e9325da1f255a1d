// Torii's server API: `GET` and `DELETE /api/server/v1/users/{userId}` and
// `POST /api/server/v1/users/search`, with a Bearer secret key and RFC 9457 problem+json errors
// whose extras (`code`, `supportId`, `requestId`) are top-level members, as Torii's SDKs read them.
// Its users are listed in the README. The key's environment is `live` when it starts with `sk_live_`, else `test`; users of the other
// environment answer 403, exactly as a repeated DELETE does: Torii documents no `type` that
// tells the two apart (a GET of the user does).
import FoundationEssentials

enum ToriiEnvironment: String, Sendable {
    case test
    case live

    init(secretKey: String) {
        self = secretKey.hasPrefix("sk_live_") ? .live : .test
    }
}

struct ToriiState {
    var directory: UserDirectory<ToriiEnvironment>
    /// Every DELETE received on the user route, faults included.
    var deleteRequests = 0
    private var requestCounter = 0

    init(seedUsers: Int) {
        // The first is the vendor docs' example.
        let test =
            ["01931a73-8b00-7000-8000-000000000000"] + (1...9).map { "01931a73-8b00-7000-8000-00000000000\($0)" }
            + ["01931a73-8b00-7000-8000-00000000000a", "01931a73-8b00-7000-8000-00000000000b"]
        let live = ["01931a73-8b00-7000-8000-0000000000f1", "01931a73-8b00-7000-8000-0000000000f2"]
        // Two users share one address (two accounts of one person): a search by email finds both.
        let hedy = Person(firstName: "Hedy", lastName: "Lamarr", email: "hedy.lamarr@acme.example")
        var entries = zip(test, People.demo.prefix(10) + [hedy, hedy]).map { (id: $0, person: $1, profile: ToriiEnvironment.test) }
        entries += zip(live, People.demo.suffix(2)).map { ($0, $1, .live) }
        entries += seededUsers(count: seedUsers).map { ($0.id, $0.person, .test) }
        directory = UserDirectory(entries)
    }

    /// `req_000001`, `req_000002`, … one per Torii request.
    mutating func nextRequestID() -> String {
        requestCounter += 1
        return "req_" + zeroPadded(String(requestCounter), width: 6)
    }
}

/// One problem+json error, before the per-request members are filled in.
struct ToriiProblem {
    var status: Int
    var code: String
    var title: String
    var detail: String
    var headers: [(String, String)] = []

    static let missingKey = ToriiProblem(
        status: 401, code: "unauthorized", title: "Unauthorized",
        detail: "Missing secret key: send Authorization: Bearer <secret key>.", headers: [("WWW-Authenticate", "Bearer")])
    static let invalidKey = ToriiProblem(
        status: 401, code: "unauthorized", title: "Unauthorized", detail: "Invalid secret key.",
        headers: [("WWW-Authenticate", "Bearer")])
    /// Both documented 403s (a repeated DELETE, a user of the other environment) answer this.
    static let forbidden = ToriiProblem(
        status: 403, code: "forbidden", title: "Forbidden", detail: "This secret key may not act on this user.")
    static let notFound = ToriiProblem(status: 404, code: "not_found", title: "Not Found", detail: "No user with this id.")
    static let noRoute = ToriiProblem(status: 404, code: "not_found", title: "Not Found", detail: "No route matches this path.")
    static let unavailable = ToriiProblem(
        status: 503, code: "service_unavailable", title: "Service Unavailable",
        detail: "The service is temporarily unavailable; retry later.", headers: [("Retry-After", "1")])
    static let serverError = ToriiProblem(
        status: 500, code: "internal_error", title: "Internal Server Error", detail: "An unexpected error occurred.")

    static func methodNotAllowed(allow: String) -> ToriiProblem {
        ToriiProblem(
            status: 405, code: "method_not_allowed", title: "Method Not Allowed",
            detail: "This resource supports \(allow) only.", headers: [("Allow", allow)])
    }

    static func badRequest(_ detail: String) -> ToriiProblem {
        ToriiProblem(status: 400, code: "bad_request", title: "Bad Request", detail: detail)
    }

    static func rateLimited(limit: Int) -> ToriiProblem {
        ToriiProblem(
            status: 429, code: "rate_limited", title: "Too Many Requests",
            detail: "Rate limit of \(limit) requests per second exceeded; retry after 1 second.",
            headers: [("Retry-After", "1")])
    }

    private struct Body: Encodable {
        let type, title: String
        let status: Int
        let detail, instance, code, supportId, requestId: String
    }

    func response(instance: String, requestID: String) -> EmulatorResponse {
        let body = Body(
            type: "https://api.torii.so/problems/\(code.split(separator: "_").joined(separator: "-"))", title: title,
            status: status, detail: detail, instance: instance, code: code,
            supportId: "sup_" + requestID.dropFirst("req_".count), requestId: requestID)
        return .json(status, body, contentType: "application/problem+json", headers: headers)
    }
}

/// ServerUserResponse, as `GET /api/server/v1/users/{userId}` and the search answer it.
private struct ToriiUserBody: Encodable {
    let id, environmentId, name, firstName, lastName, email, status, createdAt, updatedAt, emailVerifiedAt: String
    let locale: Null<String>
    let deletedAt: Null<String>  // null unless deleted
    let publicMetadata, privateMetadata, unsafeMetadata: [String: String]

    init(_ user: EmulatedUser<ToriiEnvironment>) {
        (id, environmentId, name, email) = (user.id, "env_\(user.profile.rawValue)", user.person.name, user.person.email)
        (firstName, lastName, locale) = (user.person.firstName, user.person.lastName, Null(value: nil))
        (status, deletedAt) = (user.isDeleted ? "deleted" : "active", Null(value: user.deletedAt.map(iso8601)))
        (createdAt, emailVerifiedAt, updatedAt) = (iso8601(user.createdAt), iso8601(user.createdAt), iso8601(user.deletedAt ?? user.createdAt))
        (publicMetadata, privateMetadata, unsafeMetadata) = ([:], [:], [:])
    }
}

/// An optional member written as `null` when absent, where the API documents it nullable.
struct Null<Wrapped: Encodable>: Encodable {
    let value: Wrapped?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// `POST /api/server/v1/users/search` body: every filter optional.
private struct ToriiSearch: Decodable {
    var email, name: String?
    var statuses: [String]?
    var createdAfter, createdBefore: String?
}

private struct ToriiSearchPage: Encodable {
    let items: [ToriiUserBody]
    let nextCursor: Null<String>  // null on the last page
    let hasMore: Bool
}

func iso8601(_ date: Date) -> String { date.formatted(.iso8601) }

extension Emulator {
    /// Any request whose path starts with `/api/server/`.
    func handleTorii(_ request: EmulatorRequest, segments: [Substring]) -> EmulatorResponse {
        let requestID = world.withLock { $0.torii.nextRequestID() }
        func problem(_ problem: ToriiProblem) -> EmulatorResponse {
            problem.response(instance: request.path, requestID: requestID)
        }
        let isUsersRoute =
            segments.count == 6 && segments[1...4].elementsEqual(["api", "server", "v1", "users"])
            && !segments[5].isEmpty
        guard isUsersRoute else { return problem(.noRoute) }
        if segments[5] == "search" {
            guard request.method == "POST" else { return problem(.methodNotAllowed(allow: "POST")) }
            return authorize(request).map(problem) ?? search(request, problem: problem)
        }
        // Matched on the raw segment; the ID itself is compared decoded, and UUIDs in any case.
        let userID = percentDecode(segments[5]).lowercased()
        switch request.method {
        case "DELETE": return toriiDelete(request, userID: userID, problem: problem)
        case "GET", "HEAD": return authorize(request).map(problem) ?? toriiGet(userID: userID, problem: problem)
        default: return problem(.methodNotAllowed(allow: "GET, DELETE"))
        }
    }

    /// The key check every user route starts with; nil when the key is the accepted one.
    private func authorize(_ request: EmulatorRequest) -> ToriiProblem? {
        guard let authorization = request.headers.first(name: "Authorization") else { return .missingKey }
        // The scheme name is case-insensitive (RFC 9110 §11.1); the key is not.
        let scheme = authorization.prefix { $0 != " " }
        let key = authorization.dropFirst(scheme.count).drop { $0 == " " }
        guard scheme.lowercased() == "bearer", key.utf8.elementsEqual(config.toriiKey.utf8) else { return .invalidKey }
        return nil
    }

    private func toriiGet(userID: String, problem: (ToriiProblem) -> EmulatorResponse) -> EmulatorResponse {
        let user = world.withLock { world in world.torii.directory.index(of: userID).map { world.torii.directory.users[$0] } }
        guard let user else { return problem(.notFound) }
        guard user.profile == config.toriiKeyEnvironment else { return problem(.forbidden) }
        return .json(200, ToriiUserBody(user))
    }

    /// Users of the key's environment in ID order; the cursor is the last ID of the page before.
    private func search(_ request: EmulatorRequest, problem: (ToriiProblem) -> EmulatorResponse) -> EmulatorResponse {
        let limitText = request.query["limit"] ?? "20"
        guard let limit = Int(limitText), (1...100).contains(limit) else {
            return problem(.badRequest("limit must be an integer in 1...100."))
        }
        guard let filter = request.body.isEmpty ? ToriiSearch() : try? JSONDecoder().decode(ToriiSearch.self, from: Data(request.body)) else {
            return problem(
                .badRequest(
                    "The body must be a JSON object: email, name (strings), statuses (array of strings), createdAfter, createdBefore (RFC 3339 times)."
                ))
        }
        func date(_ text: String?) -> Date?? {
            guard let text else { return .some(nil) }
            return (try? Date(text, strategy: .iso8601)).map { .some($0) }
        }
        guard let createdAfter = date(filter.createdAfter), let createdBefore = date(filter.createdBefore) else {
            return problem(.badRequest("createdAfter and createdBefore must be RFC 3339 times, e.g. 2025-01-15T09:30:00Z."))
        }
        let email = filter.email?.lowercased(), name = filter.name?.lowercased()
        let environment = config.toriiKeyEnvironment, cursor = request.query["cursor"]
        var matches = world.withLock { world in
            Array(
                world.torii.directory.users.lazy.filter { user in
                    user.profile == environment
                        && cursor.map { user.id > $0 } ?? true
                        && email.map { user.person.email.lowercased().contains($0) } ?? true
                        && name.map { user.person.name.lowercased().contains($0) } ?? true
                        && filter.statuses.map { $0.contains(user.isDeleted ? "deleted" : "active") } ?? true
                        && createdAfter.map { user.createdAt > $0 } ?? true
                        && createdBefore.map { user.createdAt < $0 } ?? true
                }.prefix(limit + 1))
        }
        let hasMore = matches.count > limit
        matches = Array(matches.prefix(limit))
        return .json(
            200, ToriiSearchPage(items: matches.map(ToriiUserBody.init), nextCursor: Null(value: hasMore ? matches.last?.id : nil), hasMore: hasMore))
    }

    private func toriiDelete(_ request: EmulatorRequest, userID: String, problem: (ToriiProblem) -> EmulatorResponse) -> EmulatorResponse {
        let now = monotonicSeconds()
        let fault = world.withLock { world in
            world.torii.deleteRequests += 1
            let attempt = world.torii.directory.countDeleteRequest(for: userID)
            return world.faults.decide(for: .torii, id: userID, attempt: attempt, config: config.faults, nowSecond: now)
        }
        switch fault {
        case .rateLimited: return problem(.rateLimited(limit: config.faults.rateLimit))
        case .unavailable: return problem(.unavailable)
        case .serverError: return problem(.serverError)
        case .none, .drop, .garbage: break
        }
        // The documented checks, in order, then the state change.
        var response: EmulatorResponse
        if let failure = authorize(request) ?? applyDelete(userID: userID) {
            response = problem(failure)
        } else {
            response = EmulatorResponse(status: 204)
        }
        // Only a delete that was applied is dropped or garbled: a refused one keeps its real answer.
        switch fault {
        case .drop where response.isSuccess: response.dropConnection = true
        case .garbage where response.isSuccess:
            response = EmulatorResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array("{\"ok\": tru".utf8))
        default: break
        }
        return response
    }

    private func applyDelete(userID: String) -> ToriiProblem? {
        world.withLock { world -> ToriiProblem? in
            guard let index = world.torii.directory.index(of: userID) else { return .notFound }
            let user = world.torii.directory.users[index]
            if user.profile != config.toriiKeyEnvironment || user.isDeleted { return .forbidden }
            world.torii.directory.markDeleted(at: index, now: Date())
            return nil
        }
    }
}
