import HTTPCore

/// What every plan reads alike in an answer, before its service judges it.
struct AnswerFacts {
    var response: HTTPResponse?
    var status: Int?
    var retryAfter: String?
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
        case .failure(let error):
            status = error.status
            requestsSent = error.requestsSent
            resultUnknown = error.mayHaveReachedServer
        }
    }
}

/// One request sent again while its failure is transient and the retry policy allows.
struct RetryBudget {
    let policy: RetryPolicy
    /// Requests sent so far, libcurl's own re-sends included.
    private(set) var attempts = 0

    init(_ policy: RetryPolicy) {
        self.policy = policy
    }

    /// Counts the copies that went out for an answer.
    mutating func count(_ answer: AnswerFacts) {
        attempts += answer.requestsSent
    }

    /// How long to wait before the next attempt, or nil for none; a reason not to retry that is
    /// worth telling (a long Retry-After) is added to the verdict's message.
    func wait(after answer: AnswerFacts, transient: Bool, verdict: inout Verdict, random: inout any RandomNumberGenerator) -> Duration? {
        guard transient else { return nil }
        switch policy.decide(retriesSoFar: attempts - 1, retryAfter: answer.retryAfter, random: &random) {
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
