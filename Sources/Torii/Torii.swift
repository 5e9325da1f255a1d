import HTTPCore
import OffboardCore

/// Torii's server API: `DELETE /api/server/v1/users/{userId}` with a Bearer secret key.
public struct ToriiService: UserSearching {
    public static let defaultBaseURL = "https://api.torii.so"

    public enum Environment: String, Sendable {
        case test
        case live
    }

    /// Secret keys keep their kind (`sk_test_`, `sk_live_`) when redacted: it tells test from live.
    public static let redaction = Redaction(publicPrefixes: ["sk_test_", "sk_live_"])

    public let name = "torii"
    public let baseURL: String
    public let environment: Environment
    private let secretKey: String

    /// - Parameter baseURL: without a trailing slash (see `BaseURL`).
    /// - Throws: exit 78 when the key is not a secret key.
    public init(baseURL: String, secretKey: String) throws(OffboardError) {
        guard let environment = ToriiService.environment(ofKey: secretKey) else {
            // Not a single character of the value: it may be some other secret pasted by mistake.
            let shown =
                if secretKey.isEmpty {
                    "it is empty"
                } else if secretKey.hasPrefix("pk_") {
                    "this is a publishable key"
                } else if secretKey == "sk_test_" || secretKey == "sk_live_" {
                    "this is only the prefix"
                } else {
                    "it has neither prefix"
                }
            throw OffboardError(
                .configuration,
                "the Torii secret key must start with sk_test_ or sk_live_ (\(shown)) — use a secret key from the Torii dashboard, not a publishable or truncated one"
            )
        }
        self.baseURL = baseURL
        self.secretKey = secretKey
        self.environment = environment
    }

    static func environment(ofKey key: String) -> Environment? {
        if key.hasPrefix("sk_test_"), key.count > 8 { return .test }
        if key.hasPrefix("sk_live_"), key.count > 8 { return .live }
        return nil
    }

    public var scopeDescription: String { "\(environment.rawValue) environment" }
    public var scope: String { environment.rawValue }
    public var redaction: Redaction { ToriiService.redaction }

    public func deleteRequest(for id: String) -> HTTPRequest {
        userRequest("DELETE", id)
    }

    public func lookupRequest(for id: String) -> HTTPRequest {
        userRequest("GET", id)
    }

    private func userRequest(_ method: String, _ id: String) -> HTTPRequest {
        HTTPRequest(
            method: method, url: "\(baseURL)/api/server/v1/users/\(percentEncodePathSegment(id))",
            headers: [
                HTTPHeader("Authorization", "Bearer \(secretKey)"),
                HTTPHeader("Accept", "application/json, application/problem+json"),
            ])
    }

    /// `GET /users/{id}`: 200 with the user (`status: deleted` or `deletedAt` for a soft-deleted
    /// one), 403 for a user of the other environment, 404 for none.
    public func lookup(_ response: HTTPResponse, id: String, problem: Problem?) -> Lookup {
        switch response.status {
        case 200:
            guard let user = ToriiService.user(in: response) else {
                return .failed(.failed(.unexpectedResponse, "unexpected answer: HTTP 200 without a user object"))
            }
            return .found(user)
        case 403:
            return .failed(
                Verdict.standard(for: response, problem: problem).hinted(
                    "the user belongs to another environment than the key (\(environment.rawValue))"))
        case 401:
            return .failed(Verdict.standard(for: response, problem: problem).hinted(credentialsHint))
        case 404:
            return .notFound(
                Verdict.standard(for: response, problem: problem).hinted(
                    "no user with this ID in the \(environment.rawValue) environment"))
        default:
            return .failed(.standard(for: response, problem: problem))
        }
    }

    /// Torii documents 403 for a repeated DELETE and for a user of the other environment, with no
    /// `type` that tells them apart. Where a repeat is likely, a look-up does.
    public func isAmbiguous(_ response: HTTPResponse, earlierResultUnknown: Bool) -> Bool {
        response.status == 403 && earlierResultUnknown
    }

    public func settle(_ verdict: Verdict, by lookup: Lookup) -> Verdict {
        if case .found(let user) = lookup, user.isDeleted { return Verdict(outcome: .alreadyDeleted) }
        let message =
            switch lookup {
            case .found(let user):
                "the server refused the DELETE (HTTP 403), and a look-up shows the user is not deleted (status \(user.status.map(terminalSafe) ?? "not given"))"
            case .failed(let reading) where reading.error?.kind == .forbidden:
                "the user belongs to the other environment: the key (\(environment.rawValue)) may neither delete nor read it (HTTP 403)"
            case .notFound(let reading), .failed(let reading):
                "the server refused the DELETE (HTTP 403), and the look-up that tells a repeated delete from a user of the other environment failed: \(reading.error?.message ?? "no answer")"
            }
        return .failed(.forbidden, message, hint: "check that the key's environment (\(environment.rawValue)) is the user's")
    }

    /// `POST /users/search?limit=1`: the API answers it with `items` whatever users it holds.
    public var probeRequest: HTTPRequest {
        HTTPRequest(
            method: "POST", url: "\(baseURL)/api/server/v1/users/search?limit=1",
            headers: [
                HTTPHeader("Authorization", "Bearer \(secretKey)"),
                HTTPHeader("Accept", "application/json, application/problem+json"),
                HTTPHeader("Content-Type", "application/json"),
            ], body: Array("{}".utf8))
    }

    public func isOwnAnswer(toProbe response: HTTPResponse) -> Bool {
        guard response.status == 200, case .array? = JSONValue.parse(response.body)?["items"] else { return false }
        return true
    }

    public func wrongBaseURLMessage(evidence: String) -> String {
        "this base URL does not answer like the Torii API (\(evidence)) — does it already include /api/server/v1? Give the address without it, e.g. \(ToriiService.defaultBaseURL)"
    }

    /// `POST /users/search?limit=100[&cursor=…]` with `{"email": …}`: a case-insensitive
    /// substring filter, so every page is read and the exact match made here.
    public func searchRequest(email: String, cursor: String?) -> HTTPRequest {
        var url = "\(baseURL)/api/server/v1/users/search?limit=100"
        if let cursor { url += "&cursor=\(percentEncodePathSegment(cursor))" }
        return HTTPRequest(
            method: "POST", url: url,
            headers: [
                HTTPHeader("Authorization", "Bearer \(secretKey)"),
                HTTPHeader("Accept", "application/json, application/problem+json"),
                HTTPHeader("Content-Type", "application/json"),
            ], body: Array(JSONValue.object([("email", .string(email))]).serialized.utf8))
    }

    /// `{"items": [ServerUserResponse…], "nextCursor": "…"|null, "hasMore": bool}`.
    public func searchPage(in response: HTTPResponse) -> (users: [UserRecord], nextCursor: String?)? {
        guard let page = JSONValue.parse(response.body), case .array(let items)? = page["items"] else { return nil }
        let users = items.compactMap { item -> UserRecord? in
            guard case .object = item else { return nil }
            return ToriiService.user(from: item)
        }
        let hasMore = page["hasMore"] == .bool(true)
        return (users, hasMore ? page["nextCursor"]?.stringValue : nil)
    }

    /// A ServerUserResponse: `name` (else `firstName lastName`), `email`, `status`, `deletedAt`.
    static func user(in response: HTTPResponse) -> UserRecord? {
        guard let json = JSONValue.parse(response.body), case .object = json else { return nil }
        return user(from: json)
    }

    static func user(from json: JSONValue) -> UserRecord {
        let parts = [json["firstName"]?.stringValue, json["lastName"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
        let name = json["name"]?.stringValue ?? (parts.isEmpty ? nil : parts.joined(separator: " "))
        let status = json["status"]?.stringValue
        let deletedAt = json["deletedAt"]?.stringValue
        return UserRecord(
            json: json, id: json["id"]?.stringValue, name: name, email: json["email"]?.stringValue, status: status, deletedAt: deletedAt,
            isDeleted: status == "deleted" || deletedAt != nil)
    }

    private var credentialsHint: String {
        "check TORII_SECRET_KEY (or --secret-key-file): the key was missing, revoked or mistyped"
    }

    public func verdict(for response: HTTPResponse, id: String, problem: Problem?, earlierResultUnknown: Bool) -> Verdict {
        switch response.status {
        case 204:
            return Verdict(outcome: .deleted)
        case 403:
            // After an attempt whose result is unknown (or with --rerun) the plan settles this
            // with a look-up (`isAmbiguous`); alone, it cannot tell which of the two it is.
            return Verdict.standard(for: response, problem: problem).hinted(
                "the user belongs to another environment than the key (\(environment.rawValue)), or an earlier run already deleted it — run again with --rerun: a look-up then tells which"
            )
        case 401:
            return Verdict.standard(for: response, problem: problem).hinted(credentialsHint)
        case 404:
            return Verdict.standard(for: response, problem: problem).hinted(
                "no user with this ID in the \(environment.rawValue) environment; --ignore-not-found counts this as success")
        case 200..<300:
            return .failed(
                .unexpectedResponse,
                "unexpected answer: HTTP \(response.status) where Torii answers 204; the user may or may not be deleted",
                hint: "run again with --rerun: a 403 then confirms the deletion")
        default:
            return .standard(for: response, problem: problem)
        }
    }
}
