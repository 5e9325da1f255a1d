import HTTPCore

/// A user as a service's look-up returned it: the object as received, and the few fields an
/// operator reads to know who it is.
public struct UserRecord: Sendable, Equatable {
    /// The whole object, members in the order the server sent them.
    public var json: JSONValue
    public var name: String?
    public var email: String?
    /// The service's word for the account's state (Torii `status`; Akana `State`, and `disabled`).
    public var status: String?
    /// When the service soft-deleted it, as the service wrote it.
    public var deletedAt: String?
    /// The service says the user is deleted (Torii `status: deleted` or `deletedAt` set).
    public var isDeleted: Bool

    public init(json: JSONValue, name: String?, email: String?, status: String?, deletedAt: String? = nil, isDeleted: Bool = false) {
        self.json = json
        self.name = name
        self.email = email
        self.status = status
        self.deletedAt = deletedAt
        self.isDeleted = isDeleted
    }
}

/// A service's reading of the answer to a look-up of one user.
public enum Lookup: Sendable, Equatable {
    case found(UserRecord)
    /// The service says there is no such user.
    case notFound(Verdict)
    /// Anything else, judged as any answer is (e.g. Torii's 403: a user of the other environment).
    case failed(Verdict)
}

/// A GET of one user, sent again while its failure is transient: `show`'s plan.
public struct LookupPlan: IDPlan {
    public let request: HTTPRequest
    let service: any DeletionService
    let id: String
    let line: Int?
    let started: ContinuousClock.Instant
    private var retries: RetryBudget

    public init(service: any DeletionService, id: String, line: Int?, retry: RetryPolicy, started: ContinuousClock.Instant) {
        self.service = service
        self.id = id
        self.line = line
        self.started = started
        retries = RetryBudget(retry)
        request = service.lookupRequest(for: id)
    }

    public mutating func read(_ outcome: Result<HTTPResponse, TransportError>, now: ContinuousClock.Instant,
                              random: inout any RandomNumberGenerator) -> PlanStep {
        let answer = AnswerFacts(outcome)
        retries.count(answer)
        var problem: Problem?
        var user: UserRecord?
        var verdict: Verdict
        switch outcome {
        case .success(let response):
            // A user object is no problem, even with a `status` member.
            problem = response.status >= 400 ? Problem.from(response) : nil
            switch service.lookup(response, id: id, problem: problem) {
            case .found(let record):
                user = record
                verdict = Verdict(outcome: .found)
            case .notFound(let reading), .failed(let reading):
                verdict = reading
            }
        case .failure(let error):
            verdict = .forTransportError(error)
        }
        let retryWait = retries.wait(after: answer, transient: service.isTransient(outcome), verdict: &verdict, random: &random)
        var result = DeletionResult(service: service.name, id: id, line: line, verdict: verdict, status: answer.status,
                                    attempts: retries.attempts, duration: now - started, problem: problem)
        result.user = user
        guard let retryWait else { return .finished(result) }
        return .retry(after: retryWait, result: result)
    }
}
