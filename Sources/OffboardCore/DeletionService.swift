import HTTPCore

/// What one vendor API contributes: the request for an ID and the reading of its answers.
/// Everything else (retries, batches, output, exit status) is shared.
public protocol DeletionService: Sendable {
    /// `torii` or `akana`: the `service` field of the output.
    var name: String { get }
    var baseURL: String { get }
    /// Shown in the confirmation prompt and the summary, e.g. `test environment`.
    var scopeDescription: String { get }
    /// What the credentials decide besides the base URL, as a journal records it: Torii's
    /// environment (`test`, `live`, which share a base URL), Akana's tenant.
    var scope: String { get }
    /// The shapes of this service's secrets, for traces and dry runs.
    var redaction: Redaction { get }
    func deleteRequest(for id: String) -> HTTPRequest
    /// The read-only look-up of one user.
    func lookupRequest(for id: String) -> HTTPRequest
    /// Reads the answer to `lookupRequest`.
    func lookup(_ response: HTTPResponse, id: String, problem: Problem?) -> Lookup
    /// Statuses worth another attempt (429, 502, 503, 504 unless the service says otherwise).
    func isTransient(status: Int) -> Bool
    /// - Parameter earlierResultUnknown: an earlier attempt for this ID may have been applied
    ///   (no answer, timeout, 5xx), or `--rerun` says an earlier run may have deleted it.
    func verdict(for response: HTTPResponse, id: String, problem: Problem?, earlierResultUnknown: Bool) -> Verdict

    /// Whether an answer to a DELETE can mean two things that a look-up of the user tells apart
    /// (Torii's 403 after an attempt whose result is unknown: a repeated delete, or a user of the
    /// other environment). The answer is then never guessed: `settle` reads the look-up.
    func isAmbiguous(_ response: HTTPResponse, earlierResultUnknown: Bool) -> Bool
    /// The verdict on an ambiguous DELETE answer (`verdict` is what the answer alone says), from
    /// the look-up sent after it.
    func settle(_ verdict: Verdict, by lookup: Lookup) -> Verdict
    /// `--check`: what a look-up before the DELETE settles without sending it (already deleted,
    /// no such user, another environment); nil when the DELETE should go.
    func verdictBeforeDelete(_ lookup: Lookup) -> Verdict?

    /// A read-only request that this API answers in a known shape whatever users it holds, sent
    /// after a run's first 404 so that a base URL which is not the API's never passes for "no
    /// such user".
    var probeRequest: HTTPRequest { get }
    /// Whether the answer to `probeRequest` came from this API.
    func isOwnAnswer(toProbe response: HTTPResponse) -> Bool
    /// Why a base URL whose probe failed is not the API's, with `evidence` (what it answered),
    /// naming the likely mistake and the fix.
    func wrongBaseURLMessage(evidence: String) -> String

    /// Credentials that expire during a run and are renewed before they do; nil when they do not.
    var sessionRenewal: (any SessionRenewal)? { get }
}

extension DeletionService {
    public var sessionRenewal: (any SessionRenewal)? { nil }

    public func isTransient(status: Int) -> Bool {
        [429, 502, 503, 504].contains(status)
    }

    public func isAmbiguous(_ response: HTTPResponse, earlierResultUnknown: Bool) -> Bool { false }

    public func settle(_ verdict: Verdict, by lookup: Lookup) -> Verdict { verdict }

    /// A user the service shows as deleted is already deleted; a user found otherwise gets its
    /// DELETE; no user, or a refusal, is the look-up's own verdict.
    public func verdictBeforeDelete(_ lookup: Lookup) -> Verdict? {
        switch lookup {
        case .found(let user): user.isDeleted ? Verdict(outcome: .alreadyDeleted) : nil
        case .notFound(let verdict), .failed(let verdict): verdict
        }
    }

    /// `--verify`: a look-up after the DELETE shows the user gone (soft-deleted, or no more).
    public func showsDeleted(_ lookup: Lookup) -> Bool {
        switch lookup {
        case .found(let user): user.isDeleted
        case .notFound: true
        case .failed: false
        }
    }

    /// Reads the answer to `lookupRequest`, a transfer that got none included.
    func lookup(_ outcome: Result<HTTPResponse, TransportError>, id: String) -> (Lookup, Problem?) {
        switch outcome {
        case .success(let response):
            // A user object is no problem, even with a `status` member.
            let problem = response.status >= 400 ? Problem.from(response) : nil
            return (lookup(response, id: id, problem: problem), problem)
        case .failure(let error):
            return (.failed(.forTransportError(error)), nil)
        }
    }
}

extension Verdict {
    /// The reading of a response that no service-specific rule covered.
    public static func standard(for response: HTTPResponse, problem: Problem?) -> Verdict {
        let status = response.status
        let said = serverWords(response, problem: problem)
        switch status {
        case 300..<400:
            let location = response.header("Location").map { " to \($0)" } ?? ""
            return .failed(
                .unexpectedResponse, "the server redirected (HTTP \(status))\(location); offboard never follows redirects",
                hint: "check --base-url: it should be the API's own address")
        case 400: return .failed(.badRequest, said ?? "bad request (HTTP 400)")
        case 401: return .failed(.unauthorized, said ?? "unauthorized (HTTP 401)")
        case 403: return .failed(.forbidden, said ?? "forbidden (HTTP 403)")
        case 404:
            return Verdict(outcome: .notFound, error: Failure(kind: .notFound, message: said ?? "no such user (HTTP 404)"))
        case 429:
            return .failed(
                .rateLimited, said ?? "rate limited (HTTP 429)", hint: "try again later, or allow a longer wait with --rate-limit-wait")
        case 500..<600: return .failed(.serverError, said ?? "server error (HTTP \(status))")
        default:
            let type = response.mediaType.map { ", \($0)" } ?? ""
            return .failed(.unexpectedResponse, "unexpected answer: HTTP \(status)\(type)\(said.map { ": \($0)" } ?? "")")
        }
    }

    /// The same reading with a hint for the operator.
    public func hinted(_ hint: String) -> Verdict {
        var verdict = self
        verdict.error?.hint = hint
        return verdict
    }

    /// What the server said in words: the problem's detail or title, or the first line of a short text body.
    static func serverWords(_ response: HTTPResponse, problem: Problem?) -> String? {
        if let problem { return problem.detail ?? problem.title }
        guard response.mediaType == "text/plain", !response.body.isEmpty else { return nil }
        let firstLine = response.bodyText.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return firstLine.isEmpty ? nil : String(firstLine.prefix(200))
    }

    /// A transfer that got no usable answer.
    public static func forTransportError(_ error: TransportError) -> Verdict {
        switch error.kind {
        case .connection:
            return .failed(
                .connection, error.message,
                hint: error.mayHaveReachedServer ? nil : "check that the server is running and --base-url is right")
        case .timeout where !error.mayHaveReachedServer:
            return .failed(
                .timeout, error.message, hint: "the server did not accept a connection in time: check --base-url, or raise --connect-timeout")
        case .timeout:
            return .failed(.timeout, error.message, hint: "raise --timeout, or try again later")
        case .tls:
            return .failed(
                .tls, "TLS verification failed: \(error.message)",
                hint: "for a private CA pass --cacert <file>; --insecure only for testing")
        case .notTLS:
            return .failed(
                .tls, "the server did not answer TLS (\(error.message))",
                hint: "it seems to speak plain HTTP: should the URL start with http:// instead of https://? (--cacert and --insecure cannot help)")
        case .responseTooLarge, .malformedResponse:
            return .failed(.unexpectedResponse, error.message)
        case .local:
            return .failed(.configuration, error.message, hint: "check --cacert and the other local settings")
        }
    }
}
