import HTTPCore

/// A user as a service's look-up returned it: the object as received, and the few fields an
/// operator reads to know who it is.
public struct UserRecord: Sendable, Equatable {
    /// The whole object, members in the order the server sent them.
    public var json: JSONValue
    /// The service's ID for the user, as it would be given to `delete`.
    public var id: String?
    public var name: String?
    public var email: String?
    /// The service's word for the account's state (Torii `status`; Akana `State`, and `disabled`).
    public var status: String?
    /// When the service soft-deleted it, as the service wrote it.
    public var deletedAt: String?
    /// The service says the user is deleted (Torii `status: deleted` or `deletedAt` set).
    public var isDeleted: Bool

    public init(
        json: JSONValue, id: String?, name: String?, email: String?, status: String?, deletedAt: String? = nil,
        isDeleted: Bool = false
    ) {
        self.json = json
        self.id = id
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

/// A GET of one user, sent again while its failure is transient: `show`'s plan, and `--check`'s.
/// A run's first 404 is double-checked with the service's probe, as a DELETE's is.
public struct LookupPlan: IDPlan {
    public private(set) var request: HTTPRequest
    let service: any DeletionService
    let id: String
    let line: Int?
    let baseURL: BaseURLCheck
    let started: ContinuousClock.Instant
    private var retries: RetryBudget
    /// The look-up's not-found result, while the probe decides whether it stands.
    private var notFound: KeptResult?

    public init(
        service: any DeletionService, id: String, line: Int?, retry: RetryPolicy, baseURL: BaseURLCheck,
        started: ContinuousClock.Instant
    ) {
        self.service = service
        self.id = id
        self.line = line
        self.baseURL = baseURL
        self.started = started
        retries = RetryBudget(retry)
        request = service.lookupRequest(for: id)
    }

    public mutating func read(
        _ outcome: Result<HTTPResponse, TransportError>, now: ContinuousClock.Instant,
        random: inout any RandomNumberGenerator
    ) -> PlanStep {
        let answer = AnswerFacts(outcome)
        retries.count(answer)
        var result: DeletionResult
        if let notFound {
            result = baseURL.conclude(outcome, for: notFound.result, service: service)
        } else {
            let (lookup, problem) = service.lookup(outcome, id: id)
            result = DeletionResult(
                service: service.name, id: id, line: line, verdict: Verdict(outcome: .found),
                status: answer.status, attempts: retries.attempts, duration: now - started, problem: problem)
            switch lookup {
            case .found(let user): result.user = user
            case .notFound(let verdict), .failed(let verdict): result.verdict = verdict
            }
        }
        if let wait = retries.wait(after: answer, transient: service.isTransient(outcome), verdict: &result.verdict, now: now, random: &random) {
            return .retry(after: wait, result: result)
        }
        if notFound == nil, result.outcome == .notFound, !baseURL.confirmed {
            notFound = KeptResult(result)
            request = service.probeRequest
            return .send
        }
        return .finished(result)
    }
}
