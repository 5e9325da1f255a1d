import HTTPCore

/// A service that can find users by email address (Torii documents a search; Akana none).
public protocol UserSearching: DeletionService {
    /// One page of users whose email contains `email`, after `cursor` (nil for the first page).
    func searchRequest(email: String, cursor: String?) -> HTTPRequest
    /// The users of a page and the cursor of the next one (nil on the last page); nil when the
    /// answer is no page of results.
    func searchPage(in response: HTTPResponse) -> (users: [UserRecord], nextCursor: String?)?
}

/// `--by email`: finds the one user whose address is exactly the one given (case aside), reading
/// every page of the service's search, whose filter is a substring match.
public struct EmailResolutionPlan: IDPlan {
    public private(set) var request: HTTPRequest
    let service: any UserSearching
    let email: String
    let line: Int?
    let started: ContinuousClock.Instant
    private var retries: RetryBudget
    private var matches: [UserRecord] = []

    public init(service: any UserSearching, email: String, line: Int?, retry: RetryPolicy, started: ContinuousClock.Instant) {
        self.service = service
        self.email = email
        self.line = line
        self.started = started
        retries = RetryBudget(retry)
        request = service.searchRequest(email: email, cursor: nil)
    }

    public mutating func read(
        _ outcome: Result<HTTPResponse, TransportError>, now: ContinuousClock.Instant,
        random: inout any RandomNumberGenerator
    ) -> PlanStep {
        let answer = AnswerFacts(outcome)
        retries.count(answer)
        var result = DeletionResult(
            service: service.name, id: email, line: line, verdict: Verdict(outcome: .found),
            status: answer.status, attempts: retries.attempts, duration: now - started)
        result.email = email
        switch outcome {
        case .success(let response) where response.status == 200:
            guard let page = service.searchPage(in: response) else {
                result.verdict = .failed(.unexpectedResponse, "unexpected answer to the search: HTTP 200 without a page of users")
                return .finished(result)
            }
            let wanted = email.lowercased()
            matches += page.users.filter { $0.email?.lowercased() == wanted }
            if let cursor = page.nextCursor {
                request = service.searchRequest(email: email, cursor: cursor)
                return .send
            }
            return .finished(resolved(result))
        case .success(let response) where response.status == 404:
            // The search answers every address, found or not: a 404 is no route, a base URL that
            // is not the API's. Nothing is looked up by a search that cannot run.
            result.verdict = .failed(
                .configuration, service.wrongBaseURLMessage(evidence: "404 for a search the API always answers"))
            return .finished(result)
        case .success(let response):
            result.problem = Problem.from(response)
            // The service's reading of a 401 names its credentials (the hint); other answers are
            // read as any answer is: a DELETE's reading of them would speak of one user.
            result.verdict =
                response.status == 401
                ? service.verdict(for: response, id: email, problem: result.problem, earlierResultUnknown: false)
                : .standard(for: response, problem: result.problem)
        case .failure(let error):
            result.verdict = .forTransportError(error)
        }
        if let wait = retries.wait(after: answer, transient: service.isTransient(outcome), verdict: &result.verdict, now: now, random: &random) {
            return .retry(after: wait, result: result)
        }
        return .finished(result)
    }

    /// One match is the user; none is not found; several stop the run before anything is done.
    private func resolved(_ found: DeletionResult) -> DeletionResult {
        var result = found
        switch matches.count {
        case 1:
            result.user = matches[0]
            result.id = matches[0].id ?? email
        case 0:
            result.verdict = Verdict(
                outcome: .notFound, error: Failure(kind: .notFound, message: "no user has this email address (\(service.scopeDescription))"))
        default:
            let candidates = matches.prefix(5).map { user in
                "\(user.id ?? "?") (\([user.name, user.status].compactMap { $0.map(terminalSafe) }.joined(separator: ", ")))"
            }
            let more = matches.count > 5 ? ", and \(matches.count - 5) more" : ""
            result.verdict = .failed(
                .ambiguous, "\(matches.count) users have this email address: \(candidates.joined(separator: "; "))\(more)",
                hint: "give the user's ID instead")
        }
        return result
    }
}
