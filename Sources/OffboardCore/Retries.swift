import HTTPCore

/// What every plan reads alike in an answer, before its service judges it.
struct AnswerFacts {
    var response: HTTPResponse?
    var status: Int?
    var retryAfter: String?
    /// A 429's word on when to come back: its `Retry-After`, else its RateLimit reset.
    var comeBackAfter: Duration?
    /// How many copies of the request went out (libcurl re-sends on a dead reused connection).
    var requestsSent: Int
    /// The server may have acted on it: no answer, a timeout, a 5xx.
    var resultUnknown: Bool

    init(_ outcome: Result<HTTPResponse, TransportError>) {
        switch outcome {
        case .success(let response):
            self.response = response
            status = response.status
            retryAfter = response.header("Retry-After")
            requestsSent = response.requestsSent
            resultUnknown = response.status >= 500
            if response.status == 429 {
                comeBackAfter = retryAfter.flatMap { RetryPolicy.parseRetryAfter($0) } ?? RateLimitInfo(response.headers)?.reset
            }
        case .failure(let error):
            status = error.status
            requestsSent = error.requestsSent
            resultUnknown = error.mayHaveReachedServer
        }
    }
}

/// One request sent again while its failure is transient and the retry policy allows; a 429
/// that says when to come back uses up no retry, and is waited out for a bounded time instead.
struct RetryBudget {
    let policy: RetryPolicy
    /// Requests sent so far, libcurl's own re-sends included.
    private(set) var attempts = 0
    /// Those of them answered by a 429 that said when to come back.
    private var rateLimitedAnswers = 0
    /// When the first of those came.
    private var rateLimitedSince: ContinuousClock.Instant?

    init(_ policy: RetryPolicy) {
        self.policy = policy
    }

    /// Counts the copies that went out for an answer.
    mutating func count(_ answer: AnswerFacts) {
        attempts += answer.requestsSent
    }

    /// How long to wait before the next attempt, or nil for none; a reason not to retry that is
    /// worth telling (a long Retry-After, a rate limit waited out too long) is added to the
    /// verdict's message.
    mutating func wait(
        after answer: AnswerFacts, transient: Bool, verdict: inout Verdict, now: ContinuousClock.Instant,
        random: inout any RandomNumberGenerator
    ) -> Duration? {
        guard transient else { return nil }
        let decision: RetryPolicy.Decision
        if let comeBackAfter = answer.comeBackAfter {
            rateLimitedAnswers += 1
            let since = rateLimitedSince ?? now
            rateLimitedSince = since
            decision = policy.decideRateLimited(waited: now - since, comeBackAfter: comeBackAfter, random: &random)
        } else {
            decision = policy.decide(retriesSoFar: attempts - rateLimitedAnswers - 1, retryAfter: answer.retryAfter, random: &random)
        }
        switch decision {
        case .retry(let wait): return wait
        case .stop(let reason?): verdict.error?.message += "; not retried: \(reason)"
        case .stop(nil): break
        }
        return nil
    }
}

extension DeletionService {
    /// Whether a failed attempt is worth another: a transient status, or no answer in time.
    func isTransient(_ outcome: Result<HTTPResponse, TransportError>) -> Bool {
        switch outcome {
        case .success(let response): isTransient(status: response.status)
        case .failure(let error): error.kind == .connection || error.kind == .timeout
        }
    }
}
