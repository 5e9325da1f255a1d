import HTTPCore

/// One DELETE, sent again while its failure is transient and the retry policy allows: the plan
/// of every `delete` today. The service judges each answer.
public struct DeletionPlan: IDPlan {
    public let request: HTTPRequest
    let service: any DeletionService
    let id: String
    let line: Int?
    let retry: RetryPolicy
    let ignoreNotFound: Bool
    let started: ContinuousClock.Instant
    /// Requests sent so far, libcurl's own re-sends included.
    private var attempts = 0
    /// An earlier attempt may have been applied (no answer, timeout, 5xx), or `--rerun`.
    private var earlierResultUnknown: Bool

    /// - Parameter earlierResultUnknown: `--rerun`, or a journal whose last word on this ID was
    ///   `pending` or a result that may have been applied.
    public init(service: any DeletionService, id: String, line: Int?, retry: RetryPolicy, ignoreNotFound: Bool,
                earlierResultUnknown: Bool, started: ContinuousClock.Instant) {
        self.service = service
        self.id = id
        self.line = line
        self.retry = retry
        self.ignoreNotFound = ignoreNotFound
        self.earlierResultUnknown = earlierResultUnknown
        self.started = started
        request = service.deleteRequest(for: id)
    }

    public mutating func read(_ outcome: Result<HTTPResponse, TransportError>, now: ContinuousClock.Instant,
                              random: inout any RandomNumberGenerator) -> PlanStep {
        var verdict: Verdict
        var status: Int?
        var problem: Problem?
        var retryAfter: String?
        let transient: Bool
        let resultUnknown: Bool
        switch outcome {
        case .success(let response):
            // libcurl may have re-sent the request on a fresh connection: each copy is an
            // attempt, and all but the last had an unknown result.
            attempts += response.requestsSent
            earlierResultUnknown = earlierResultUnknown || response.requestsSent > 1
            status = response.status
            problem = Problem.from(response)
            retryAfter = response.header("Retry-After")
            transient = service.isTransient(status: response.status)
            resultUnknown = response.status >= 500
            verdict = service.verdict(for: response, id: id, problem: problem, earlierResultUnknown: earlierResultUnknown)
        case .failure(let error):
            attempts += error.requestsSent
            status = error.status
            transient = error.kind == .connection || error.kind == .timeout
            resultUnknown = error.mayHaveReachedServer
            verdict = .forTransportError(error)
        }
        var retryWait: Duration?
        if transient {
            switch retry.decide(retriesSoFar: attempts - 1, retryAfter: retryAfter, random: &random) {
            case .retry(let wait): retryWait = wait
            case .stop(let reason?): verdict.error?.message += "; not retried: \(reason)"
            case .stop(nil): break
            }
        }
        if verdict.outcome == .notFound, ignoreNotFound {
            verdict.error = nil
        }
        let result = DeletionResult(service: service.name, id: id, line: line, verdict: verdict, status: status,
                                    attempts: attempts, duration: now - started, problem: problem)
        guard let retryWait else { return .finished(result) }
        earlierResultUnknown = earlierResultUnknown || resultUnknown
        return .retry(after: retryWait, result: result)
    }

    public func dryRunResult() -> DeletionResult {
        var shown = request
        let redaction = service.redaction
        shown.headers = shown.headers.map { HTTPHeader($0.name, redaction.headerValue(name: $0.name, value: $0.value)) }
        return DeletionResult(service: service.name, id: id, line: line, verdict: Verdict(outcome: .wouldDelete), request: shown)
    }
}
