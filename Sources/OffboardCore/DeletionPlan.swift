import HTTPCore

/// One DELETE, sent again while its failure is transient and the retry policy allows, judged by
/// the service; then, when the answer calls for it, one follow-up look-up: an ambiguous answer
/// settled, a run's first 404 double-checked, a success verified (`--verify`).
public struct DeletionPlan: IDPlan {
    /// What the request in flight is for.
    enum Step {
        case delete
        /// A look-up that tells what an ambiguous answer meant.
        case settle
        /// The probe after a run's first 404.
        case probe
        /// `--verify`: a look-up that shows the user gone.
        case verify
    }

    public private(set) var request: HTTPRequest
    let service: any DeletionService
    let id: String
    let line: Int?
    let options: DeletionPlanOptions
    let started: ContinuousClock.Instant
    private var step = Step.delete
    private var deleteRetries: RetryBudget
    private var followUpRetries: RetryBudget
    /// An earlier attempt may have been applied (no answer, timeout, 5xx), or `--rerun`.
    private var earlierResultUnknown: Bool
    /// The DELETE's result, while a follow-up decides what it stands for.
    private var deleteResult: KeptResult?

    /// - Parameter earlierResultUnknown: `--rerun`, or a journal whose last word on this ID was
    ///   `pending` or a result that may have been applied.
    public init(
        service: any DeletionService, id: String, line: Int?, options: DeletionPlanOptions,
        earlierResultUnknown: Bool, started: ContinuousClock.Instant
    ) {
        self.service = service
        self.id = id
        self.line = line
        self.options = options
        self.earlierResultUnknown = earlierResultUnknown
        self.started = started
        deleteRetries = RetryBudget(options.retry)
        followUpRetries = RetryBudget(options.retry)
        request = service.deleteRequest(for: id)
    }

    public var knownResult: DeletionResult? {
        if let checked = options.checked { return finished(checked.result) }
        guard options.dryRun else { return nil }
        var shown = request
        let redaction = service.redaction
        shown.headers = shown.headers.map { HTTPHeader($0.name, redaction.headerValue(name: $0.name, value: $0.value)) }
        return DeletionResult(service: service.name, id: id, line: line, verdict: Verdict(outcome: .wouldDelete), request: shown)
    }

    public mutating func read(
        _ outcome: Result<HTTPResponse, TransportError>, now: ContinuousClock.Instant,
        random: inout any RandomNumberGenerator
    ) -> PlanStep {
        let answer = AnswerFacts(outcome)
        var result: DeletionResult
        var wait: Duration?
        if step == .delete {
            deleteRetries.count(answer)
            // libcurl may have re-sent the request on a fresh connection: all but the last copy
            // had an unknown result.
            earlierResultUnknown = earlierResultUnknown || answer.requestsSent > 1
            result = judgeDelete(outcome, answer: answer, now: now)
            wait = deleteRetries.wait(after: answer, transient: service.isTransient(outcome), verdict: &result.verdict, now: now, random: &random)
            if wait != nil { earlierResultUnknown = earlierResultUnknown || answer.resultUnknown }
        } else {
            followUpRetries.count(answer)
            result = judgeFollowUp(outcome)
            wait = followUpRetries.wait(after: answer, transient: service.isTransient(outcome), verdict: &result.verdict, now: now, random: &random)
        }
        if let wait { return .retry(after: wait, result: finished(result)) }
        if step == .delete, let next = followUp(after: outcome, result) {
            deleteResult = KeptResult(result)
            step = next
            request = next == .probe ? service.probeRequest : service.lookupRequest(for: id)
            return .send
        }
        return .finished(finished(result))
    }

    private func judgeDelete(
        _ outcome: Result<HTTPResponse, TransportError>, answer: AnswerFacts,
        now: ContinuousClock.Instant
    ) -> DeletionResult {
        var problem: Problem?
        let verdict: Verdict
        switch outcome {
        case .success(let response):
            problem = Problem.from(response)
            verdict = service.verdict(for: response, id: id, problem: problem, earlierResultUnknown: earlierResultUnknown)
        case .failure(let error):
            verdict = .forTransportError(error)
        }
        return DeletionResult(
            service: service.name, id: id, line: line, verdict: verdict, status: answer.status,
            attempts: deleteRetries.attempts, duration: now - started, problem: problem)
    }

    /// The follow-up a final DELETE answer calls for, if any.
    private func followUp(after outcome: Result<HTTPResponse, TransportError>, _ result: DeletionResult) -> Step? {
        if case .success(let response) = outcome, service.isAmbiguous(response, earlierResultUnknown: earlierResultUnknown) {
            return .settle
        }
        if result.outcome == .notFound, !options.baseURL.confirmed { return .probe }
        if result.outcome == .deleted || result.outcome == .alreadyDeleted, options.verify { return .verify }
        return nil
    }

    /// The DELETE's result as the follow-up's answer makes it.
    private func judgeFollowUp(_ outcome: Result<HTTPResponse, TransportError>) -> DeletionResult {
        var result = deleteResult!.result
        switch step {
        case .delete:
            preconditionFailure("the DELETE is no follow-up")
        case .probe:
            return options.baseURL.conclude(outcome, for: result, service: service)
        case .settle:
            let (lookup, _) = service.lookup(outcome, id: id)
            result.verdict = service.settle(result.verdict, by: lookup)
            if options.verify, result.outcome == .alreadyDeleted { result.verified = true }
        case .verify:
            let (lookup, _) = service.lookup(outcome, id: id)
            if service.showsDeleted(lookup) {
                result.verified = true
            } else {
                result.verified = false
                let seen =
                    switch lookup {
                    case .found(let user): "a look-up still shows the user (status \(user.status.map(terminalSafe) ?? "not given"))"
                    case .notFound(let verdict), .failed(let verdict): "the look-up to verify it failed: \(verdict.error?.message ?? "no answer")"
                    }
                result.verdict = .failed(
                    .notVerified, "the server confirmed the deletion, but \(seen)",
                    hint: "run `offboard \(service.name) show \(id)` to see the user now")
            }
        }
        return result
    }

    /// With `--ignore-not-found`, a user that does not exist is no failure.
    private func finished(_ result: DeletionResult) -> DeletionResult {
        guard result.outcome == .notFound, options.ignoreNotFound else { return result }
        var result = result
        result.verdict.error = nil
        return result
    }
}

/// What the delete options decide for every ID's plan.
public struct DeletionPlanOptions: Sendable {
    public var retry: RetryPolicy
    public var ignoreNotFound: Bool
    /// Nothing is sent; the result lists the request that would be.
    public var dryRun: Bool
    /// `--verify`: a look-up after each success.
    public var verify: Bool
    /// `--check`: what a look-up before the confirmation settled for this ID; no DELETE is sent.
    public var checked: KeptResult?
    /// The run's base URL check, shared by every ID.
    public var baseURL: BaseURLCheck

    public init(
        retry: RetryPolicy, ignoreNotFound: Bool = false, dryRun: Bool = false, verify: Bool = false,
        checked: KeptResult? = nil, baseURL: BaseURLCheck = BaseURLCheck()
    ) {
        self.retry = retry
        self.ignoreNotFound = ignoreNotFound
        self.dryRun = dryRun
        self.verify = verify
        self.checked = checked
        self.baseURL = baseURL
    }
}
