import HTTPCore
import OffboardCore

/// The two values an Akana session consists of, and the tenant (`fedmemberid`) that names them.
public struct AkanaCredentials: Sendable, Equatable {
    public var tenant: String
    /// The `AtmoAuthToken_{tenant}` cookie value, byte for byte as the platform set it.
    public var authToken: String
    /// The `Csrf-Token_{tenant}` cookie value, still URL-encoded; nil when none was given.
    public var csrfToken: String?

    public init(tenant: String, authToken: String, csrfToken: String?) {
        self.tenant = tenant
        self.authToken = authToken
        self.csrfToken = csrfToken
    }
}

/// Akana API Platform: `DELETE /api/users/{userID}`, answered in `text/plain`.
public struct AkanaService: DeletionService {
    /// The CSRF header is a credential too; an auth token keeps its `TokenID=` start (URL-encoded
    /// or not) when redacted.
    public static let redaction = Redaction(publicPrefixes: ["TokenID%3D", "TokenID="], credentialHeaderPrefixes: ["x-csrf-token"])

    public let name = "akana"
    public let baseURL: String
    /// The session, renewed before it expires during a long run.
    public let session: AkanaSessionKeeper

    /// - Parameter saveRenewed: writes renewed credentials to the session file they came from.
    public init(
        baseURL: String, credentials: AkanaCredentials, saveRenewed: (@Sendable (AkanaCredentials) throws(OffboardError) -> Void)? = nil
    ) {
        self.baseURL = baseURL
        session = AkanaSessionKeeper(baseURL: baseURL, credentials: credentials, save: saveRenewed)
    }

    public var credentials: AkanaCredentials { session.credentials }
    public var sessionRenewal: (any SessionRenewal)? { session }

    public var scopeDescription: String { "tenant \(credentials.tenant)" }
    public var scope: String { credentials.tenant }
    public var redaction: Redaction { AkanaService.redaction }

    public func deleteRequest(for id: String) -> HTTPRequest {
        request("DELETE", path: "users/\(percentEncodePathSegment(id))", accept: "text/plain")
    }

    /// The CSRF header is by default not needed for a GET; it is sent anyway, as for the DELETE,
    /// so a platform that asks for it everywhere answers the same.
    public func lookupRequest(for id: String) -> HTTPRequest {
        request("GET", path: "users/\(percentEncodePathSegment(id))", accept: "application/json")
    }

    /// A request to `{base}/api/{path}` with the session's cookies and CSRF header.
    private func request(_ method: String, path: String, accept: String) -> HTTPRequest {
        HTTPRequest(method: method, url: "\(baseURL)/api/\(path)", headers: [HTTPHeader("Accept", accept)] + Self.credentialHeaders(credentials))
    }

    /// The session's cookies, and the CSRF header that repeats the CSRF cookie.
    static func credentialHeaders(_ credentials: AkanaCredentials) -> [HTTPHeader] {
        let tenant = credentials.tenant
        var cookie = "AtmoAuthToken_\(tenant)=\(credentials.authToken)"
        var headers: [HTTPHeader] = []
        if let csrf = credentials.csrfToken {
            cookie += "; Csrf-Token_\(tenant)=\(csrf)"
            headers.append(HTTPHeader("X-Csrf-Token_\(tenant)", csrf))
        }
        return headers + [HTTPHeader("Cookie", cookie)]
    }

    /// Akana documents 500 as "an error occurred processing the call": worth another attempt.
    public func isTransient(status: Int) -> Bool {
        [429, 500, 502, 503, 504].contains(status)
    }

    public func verdict(for response: HTTPResponse, id: String, problem: Problem?, earlierResultUnknown: Bool) -> Verdict {
        switch response.status {
        case 200:
            let body = response.bodyText.trimmingASCIIWhitespace()
            guard body == id else {
                return Verdict(
                    outcome: .deleted, confirmation: body,
                    warning: "the confirmation did not match: the server answered \(quotedForMessage(Substring(body.prefix(200)))) instead of the ID")
            }
            return Verdict(outcome: .deleted, confirmation: body)
        case 404 where earlierResultUnknown:
            // An earlier attempt reached the server but its answer was lost: it most likely deleted the user.
            return Verdict(
                outcome: .alreadyDeleted,
                warning: "an earlier attempt got no answer; this 404 most likely means that attempt deleted the user")
        case 400:
            return Verdict.standard(for: response, problem: problem).hinted(
                "the server rejected the request shape (Accept header or URL): check --base-url and that it is the platform's API address")
        case 401, 403:
            return refusal(response, problem: problem, roleNeededFor: "deleting users")
        case 404:
            return Verdict.standard(for: response, problem: problem).hinted(
                "no such user in tenant \(credentials.tenant); --ignore-not-found counts this as success")
        default:
            return .standard(for: response, problem: problem)
        }
    }

    /// `GET /api/users/{UserID}`: 200 with the User object, 404 for none. A deleted user is gone
    /// (404): the platform keeps no deleted state to show.
    public func lookup(_ response: HTTPResponse, id: String, problem: Problem?) -> Lookup {
        switch response.status {
        case 200:
            guard let json = JSONValue.parse(response.body), case .object = json else {
                return .failed(.failed(.unexpectedResponse, "unexpected answer: HTTP 200 without a User object"))
            }
            let name = [json["FirstName"]?.stringValue, json["LastName"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
            var status = json["State"]?.stringValue
            if case .bool(true)? = json["Disabled"] { status = (status.map { "\($0), " } ?? "") + "disabled" }
            return .found(
                UserRecord(
                    json: json, id: json["UserID"]?.stringValue, name: name.isEmpty ? json["UserName"]?.stringValue : name.joined(separator: " "),
                    email: json["Email"]?.stringValue, status: status))
        case 401, 403:
            return .failed(refusal(response, problem: problem, roleNeededFor: "reading other users"))
        case 404:
            return .notFound(Verdict.standard(for: response, problem: problem).hinted("no such user in tenant \(credentials.tenant)"))
        default:
            return .failed(.standard(for: response, problem: problem))
        }
    }

    /// `GET /api/login` (getLoginStatus): the platform answers it with a JSON login status,
    /// whatever users it holds. Documented by name only; offboard assumes a JSON object.
    public var probeRequest: HTTPRequest {
        request("GET", path: "login", accept: "application/json")
    }

    public func isOwnAnswer(toProbe response: HTTPResponse) -> Bool {
        guard response.status == 200, case .object? = JSONValue.parse(response.body) else { return false }
        return true
    }

    public func wrongBaseURLMessage(evidence: String) -> String {
        "this base URL does not answer like an Akana platform's API (\(evidence)) — does it already include /api? Give the portal's address, e.g. https://developer.acme.com"
    }

    /// A 401 or 403: the session, the CSRF token or the account's role. Either way the same for
    /// every ID, so it stops a batch (`unauthorized`).
    private func refusal(_ response: HTTPResponse, problem: Problem?, roleNeededFor task: String) -> Verdict {
        let login = "`offboard akana login --base-url \(baseURL) --email <you>`"
        let hint =
            if credentials.csrfToken == nil {
                "session missing or expired, or the platform requires a CSRF token — set AKANA_CSRF_TOKEN (or --csrf-token-file), or run `offboard akana login`"
            } else if response.status == 403 {
                "the account may lack the site admin role that \(task) needs, or the session expired — run \(login) as a site admin"
            } else {
                "session missing or expired — run \(login)"
            }
        var verdict = Verdict.standard(for: response, problem: problem).hinted(hint)
        verdict.error?.kind = .unauthorized
        return verdict
    }
}
