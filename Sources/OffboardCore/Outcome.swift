import HTTPCore

/// How one ID ended (the `outcome` field of the output).
public enum Outcome: String, Sendable, Equatable, CaseIterable {
    /// A look-up found the user (`show`).
    case found
    case deleted
    case alreadyDeleted = "already_deleted"
    case notFound = "not_found"
    case wouldDelete = "would_delete"
    case skipped
    case failed
}

/// Why a deletion did not succeed (the `error.kind` field).
public enum ErrorKind: String, Sendable, Equatable, CaseIterable {
    case unauthorized
    case forbidden
    case notFound = "not_found"
    case badRequest = "bad_request"
    case rateLimited = "rate_limited"
    case serverError = "server_error"
    case timeout
    case connection
    case tls
    case unexpectedResponse = "unexpected_response"
    case notAttempted = "not_attempted"
    /// A local setting made the transfer impossible (e.g. an unreadable CA file), or the base
    /// URL is not the API's.
    case configuration
    /// `--by email`: more than one user has that email address; nothing is deleted.
    case ambiguous
    /// `--verify`: the DELETE succeeded, but a look-up after it does not show the user gone.
    case notVerified = "not_verified"
}

public struct Failure: Sendable, Equatable {
    public var kind: ErrorKind
    public var message: String
    /// What the operator can do about it, when there is something.
    public var hint: String?

    public init(kind: ErrorKind, message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }
}

/// A service's reading of one HTTP response.
public struct Verdict: Sendable, Equatable {
    public var outcome: Outcome
    /// Set when the outcome counts as a failure (`failed`, or `not_found` without `--ignore-not-found`).
    public var error: Failure?
    /// Akana's text body on success.
    public var confirmation: String?
    public var warning: String?

    public init(outcome: Outcome, error: Failure? = nil, confirmation: String? = nil, warning: String? = nil) {
        self.outcome = outcome
        self.error = error
        self.confirmation = confirmation
        self.warning = warning
    }

    public static func failed(_ kind: ErrorKind, _ message: String, hint: String? = nil) -> Verdict {
        Verdict(outcome: .failed, error: Failure(kind: kind, message: message, hint: hint))
    }
}

/// Everything known about one ID at the end: what the renderers print and the journal keeps.
public struct DeletionResult: Sendable, Equatable {
    public var service: String
    public var id: String
    /// The input line, when the ID came from `--from-file`.
    public var line: Int?
    public var verdict: Verdict
    /// The last HTTP status, nil when no response arrived.
    public var status: Int?
    public var attempts: Int
    public var duration: Duration
    public var problem: Problem?
    /// For dry runs: the request that would have been sent, credentials redacted.
    public var request: HTTPRequest?
    /// The user a look-up found.
    public var user: UserRecord?
    /// `--verify`: a look-up after the DELETE showed the user gone.
    public var verified: Bool?
    /// `--by email`: the address the user was found by.
    public var email: String?

    public init(
        service: String, id: String, line: Int?, verdict: Verdict, status: Int? = nil, attempts: Int = 0,
        duration: Duration = .zero, problem: Problem? = nil, request: HTTPRequest? = nil
    ) {
        self.service = service
        self.id = id
        self.line = line
        self.verdict = verdict
        self.status = status
        self.attempts = attempts
        self.duration = duration
        self.problem = problem
        self.request = request
    }

    public var outcome: Outcome { verdict.outcome }
    public var error: Failure? { verdict.error }
}

extension DeletionResult {
    /// The `--output json` object; the journal stores the same object with two more members.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("service", .string(service)),
            ("id", .string(id)),
        ]
        if let line { members.append(("line", .number(String(line)))) }
        members += [
            ("outcome", .string(outcome.rawValue)),
            ("status", status.map { .number(String($0)) } ?? .null),
            ("attempts", .number(String(attempts))),
            ("durationMs", .number(String(duration.milliseconds))),
        ]
        if let email { members.append(("email", .string(email))) }
        if let user { members.append(("user", user.json)) }
        if let verified { members.append(("verified", .bool(verified))) }
        if let error {
            var errorMembers: [(String, JSONValue)] = [("kind", .string(error.kind.rawValue)), ("message", .string(error.message))]
            if let hint = error.hint { errorMembers.append(("hint", .string(hint))) }
            members.append(("error", .object(errorMembers)))
        }
        if let problem { members.append(("problem", problem.json)) }
        if let confirmation = verdict.confirmation { members.append(("confirmation", .string(confirmation))) }
        if let warning = verdict.warning { members.append(("warning", .string(warning))) }
        if let request {
            members.append(
                (
                    "request",
                    .object([
                        ("method", .string(request.method)),
                        ("url", .string(request.url)),
                        ("headers", .object(request.headers.map { ($0.name, .string($0.value)) })),
                    ])
                ))
        }
        return .object(members)
    }
}
