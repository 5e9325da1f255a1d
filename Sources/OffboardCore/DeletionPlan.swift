import HTTPCore

/// One DELETE, sent again while its failure is transient and the retry policy allows: the plan
/// of every `delete` today. The service judges each answer.
public struct DeletionPlan: IDPlan {
    public let request: HTTPRequest
    let service: any DeletionService
    let id: String
    let line: Int?
    let ignoreNotFound: Bool
    let dryRun: Bool
    let started: ContinuousClock.Instant
    private var retries: RetryBudget
    /// An earlier attempt may have been applied (no answer, timeout, 5xx), or `--rerun`.
    private var earlierResultUnknown: Bool

    /// - Parameter earlierResultUnknown: `--rerun`, or a journal whose last word on this ID was
    ///   `pending` or a result that may have been applied.
    ///   - dryRun: nothing is sent; the result lists the request that would be.
    public init(service: any DeletionService, id: String, line: Int?, retry: RetryPolicy, ignoreNotFound: Bool,
                earlierResultUnknown: Bool, dryRun: Bool, started: ContinuousClock.Instant) {
        self.service = service
        self.id = id
        self.line = line
        self.ignoreNotFound = ignoreNotFound
        self.dryRun = dryRun
        self.earlierResultUnknown = earlierResultUnknown
        self.started = started
        retries = RetryBudget(retry)
        request = service.deleteRequest(for: id)
    }

    public mutating func read(_ outcome: Result<HTTPResponse, TransportError>, now: ContinuousClock.Instant,
                              random: inout any RandomNumberGenerator) -> PlanStep {
        let answer = AnswerFacts(outcome)
        retries.count(answer)
        // libcurl may have re-sent the request on a fresh connection: all but the last copy had
        // an unknown result.
        earlierResultUnknown = earlierResultUnknown || answer.requestsSent > 1
        var problem: Problem?
        var verdict: Verdict
        switch outcome {
        case .success(let response):
            problem = Problem.from(response)
            verdict = service.verdict(for: response, id: id, problem: problem, earlierResultUnknown: earlierResultUnknown)
        case .failure(let error):
            verdict = .forTransportError(error)
        }
        let retryWait = retries.wait(after: answer, transient: service.isTransient(outcome), verdict: &verdict, random: &random)
        if verdict.outcome == .notFound, ignoreNotFound {
            verdict.error = nil
        }
        let result = DeletionResult(service: service.name, id: id, line: line, verdict: verdict, status: answer.status,
                                    attempts: retries.attempts, duration: now - started, problem: problem)
        guard let retryWait else { return .finished(result) }
        earlierResultUnknown = earlierResultUnknown || answer.resultUnknown
        return .retry(after: retryWait, result: result)
    }

    public var knownResult: DeletionResult? {
        guard dryRun else { return nil }
        var shown = request
        let redaction = service.redaction
        shown.headers = shown.headers.map { HTTPHeader($0.name, redaction.headerValue(name: $0.name, value: $0.value)) }
        return DeletionResult(service: service.name, id: id, line: line, verdict: Verdict(outcome: .wouldDelete), request: shown)
    }
}
