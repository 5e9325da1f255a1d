// Torii: `DELETE /api/server/v1/users/{userId}` with a Bearer secret key and RFC 9457
// problem+json errors.
//
// Demo users (always present):
//   test environment: 01931a73-8b00-7000-8000-000000000000   (the vendor docs' example)
//                     01931a73-8b00-7000-8000-000000000001 … 01931a73-8b00-7000-8000-000000000009
//   live environment: 01931a73-8b00-7000-8000-0000000000f1, 01931a73-8b00-7000-8000-0000000000f2
// `--seed-users N` adds test-environment users 00000000-0000-4000-8000-<12 hex digits of i>, i in 1...N.
// The key's environment is `live` when it starts with `sk_live_`, else `test`; users of the other
// environment answer 403.

enum ToriiEnvironment: String, Sendable {
    case test
    case live

    init(secretKey: String) {
        self = secretKey.hasPrefix("sk_live_") ? .live : .test
    }
}

enum ToriiDemoUsers {
    static let test: [String] = ["01931a73-8b00-7000-8000-000000000000"]
        + (1...9).map { "01931a73-8b00-7000-8000-00000000000\($0)" }
    static let live: [String] = ["01931a73-8b00-7000-8000-0000000000f1", "01931a73-8b00-7000-8000-0000000000f2"]
}

struct ToriiState {
    var directory: UserDirectory<ToriiEnvironment>
    /// Every DELETE received on the user route, faults included.
    var deleteRequests = 0
    private var requestCounter = 0

    init(seedUsers: Int) {
        var entries: [(id: String, extra: ToriiEnvironment)] = []
        entries.reserveCapacity(ToriiDemoUsers.test.count + ToriiDemoUsers.live.count + seedUsers)
        entries += ToriiDemoUsers.test.map { ($0, .test) }
        entries += ToriiDemoUsers.live.map { ($0, .live) }
        entries += seededUserIDs(count: seedUsers).map { ($0, .test) }
        directory = UserDirectory(entries)
    }

    /// `req_000001`, `req_000002`, … one per Torii request.
    mutating func nextRequestID() -> String {
        requestCounter += 1
        let digits = String(requestCounter)
        return "req_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

/// One problem+json error, before the per-request members are filled in.
struct ToriiProblem {
    var status: Int
    var slug: String
    var title: String
    var detail: String
    var environment: ToriiEnvironment? = nil
    var headers: [(String, String)] = []

    static let missingKey = ToriiProblem(
        status: 401, slug: "unauthorized", title: "Unauthorized",
        detail: "Missing secret key: send Authorization: Bearer <secret key>.",
        headers: [("WWW-Authenticate", "Bearer")])
    static let invalidKey = ToriiProblem(
        status: 401, slug: "unauthorized", title: "Unauthorized", detail: "Invalid secret key.",
        headers: [("WWW-Authenticate", "Bearer")])
    static let notFound = ToriiProblem(
        status: 404, slug: "not-found", title: "Not Found", detail: "No user with this id.")
    static let alreadyDeleted = ToriiProblem(
        status: 403, slug: "already-deleted", title: "Forbidden",
        detail: "The authorization grant for this user has been revoked: it was already deleted.")
    static let noRoute = ToriiProblem(
        status: 404, slug: "not-found", title: "Not Found", detail: "No route matches this path.")
    static let methodNotAllowed = ToriiProblem(
        status: 405, slug: "method-not-allowed", title: "Method Not Allowed",
        detail: "Only DELETE is supported on this resource.", headers: [("Allow", "DELETE")])

    static func environmentMismatch(_ userEnvironment: ToriiEnvironment) -> ToriiProblem {
        ToriiProblem(status: 403, slug: "environment-mismatch", title: "Forbidden",
                     detail: "User belongs to a different environment.", environment: userEnvironment)
    }

    static func rateLimited(limit: Int) -> ToriiProblem {
        ToriiProblem(status: 429, slug: "too-many-requests", title: "Too Many Requests",
                     detail: "Rate limit of \(limit) requests per second exceeded; retry after 1 second.",
                     headers: [("Retry-After", "1")])
    }

    static let unavailable = ToriiProblem(
        status: 503, slug: "service-unavailable", title: "Service Unavailable",
        detail: "The service is temporarily unavailable; retry later.", headers: [("Retry-After", "1")])

    /// Members in the documented order: type, title, status, detail, instance, properties.
    func response(instance: String, requestID: String, userID: String?) -> HTTPResponse {
        var json = JSONWriter()
        json.raw("{"); json.key("type"); json.string("https://api.torii.so/problems/\(slug)")
        json.raw(","); json.key("title"); json.string(title)
        json.raw(","); json.key("status"); json.int(status)
        json.raw(","); json.key("detail"); json.string(detail)
        json.raw(","); json.key("instance"); json.string(instance)
        json.raw(","); json.key("properties"); json.raw("{")
        json.key("requestId"); json.string(requestID)
        if let userID { json.raw(","); json.key("userId"); json.string(userID) }
        if let environment { json.raw(","); json.key("environment"); json.string(environment.rawValue) }
        json.raw("}}")
        return .json(status, json.bytes, contentType: "application/problem+json", headers: headers)
    }
}

extension Emulator {
    /// Any request whose path starts with `/api/server/`.
    func handleTorii(_ request: HTTPRequest, segments: [Substring]) -> HTTPResponse {
        let isUserRoute = segments.count == 6 && segments[1] == "api" && segments[2] == "server"
            && segments[3] == "v1" && segments[4] == "users" && !segments[5].isEmpty
        guard isUserRoute else {
            let requestID = world.withLock { $0.torii.nextRequestID() }
            return ToriiProblem.noRoute.response(instance: request.path, requestID: requestID, userID: nil)
        }
        // Matched on the raw segment; the ID itself is compared decoded.
        let userID = percentDecode(segments[5]) ?? String(segments[5])
        guard request.method == "DELETE" else {
            let requestID = world.withLock { $0.torii.nextRequestID() }
            return ToriiProblem.methodNotAllowed.response(instance: request.path, requestID: requestID, userID: userID)
        }
        return toriiDelete(request, userID: userID)
    }

    private func toriiDelete(_ request: HTTPRequest, userID: String) -> HTTPResponse {
        sleepMilliseconds(config.faults.latencyMilliseconds)
        let now = monotonicSeconds()
        let (requestID, fault) = world.withLock { world in
            world.torii.deleteRequests += 1
            let attempt = world.torii.directory.countDeleteRequest(for: userID)
            return (world.torii.nextRequestID(),
                    world.faults.decide(for: .torii, id: userID, attempt: attempt, config: config.faults, nowSecond: now))
        }
        func problem(_ problem: ToriiProblem) -> HTTPResponse {
            problem.response(instance: request.path, requestID: requestID, userID: userID)
        }

        switch fault {
        case .rateLimited: return problem(.rateLimited(limit: config.faults.rateLimit))
        case .unavailable: return problem(.unavailable)
        case .none, .drop, .garbage: break
        }

        var response: HTTPResponse
        if let failure = toriiApplyDelete(authorization: request.header("Authorization"), userID: userID) {
            response = problem(failure)
        } else {
            response = .noContent()
        }

        switch fault {
        // Only a delete that was applied is dropped or garbled: a refused one keeps its real answer.
        case .drop where (200..<300).contains(response.status):
            response.dropConnection = true
        case .garbage where (200..<300).contains(response.status):
            response = .json(200, Array("{\"ok\": tru".utf8))
        case .none, .drop, .garbage, .rateLimited, .unavailable:
            break
        }
        return response
    }

    /// Runs the documented checks in order and applies the delete. Returns the failure, if any.
    private func toriiApplyDelete(authorization: String?, userID: String) -> ToriiProblem? {
        guard let authorization else { return .missingKey }
        // The scheme name is case-insensitive (RFC 9110 §11.1); the key is not.
        let scheme = authorization.prefix { $0 != " " }
        let key = authorization.dropFirst(scheme.count).drop { $0 == " " }
        guard scheme.lowercased() == "bearer", key.utf8.elementsEqual(config.toriiKey.utf8) else {
            return .invalidKey
        }
        let keyEnvironment = config.toriiKeyEnvironment
        return world.withLock { world -> ToriiProblem? in
            guard let index = world.torii.directory.index(of: userID) else { return .notFound }
            let userEnvironment = world.torii.directory.extras[index]
            if userEnvironment != keyEnvironment { return .environmentMismatch(userEnvironment) }
            if world.torii.directory.users[index].deleted { return .alreadyDeleted }
            world.torii.directory.markDeleted(at: index)
            return nil
        }
    }
}
