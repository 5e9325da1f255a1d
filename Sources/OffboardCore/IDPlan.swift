import HTTPCore

/// One ID's work as a series of requests. The scheduler sends what the plan asks for and hands
/// back each answer; only the plan knows what the answers mean. Today's plan is one DELETE with
/// its retries (`DeletionPlan`); a plan of a GET, then the DELETE, then a GET needs no change to
/// the scheduler.
public protocol IDPlan: Sendable {
    /// The request to send next.
    var request: HTTPRequest { get }
    /// Reads the answer to `request`.
    /// - Parameters:
    ///   - now: the transport's clock when the answer came.
    ///   - random: for backoff jitter.
    mutating func read(
        _ outcome: Result<HTTPResponse, TransportError>, now: ContinuousClock.Instant,
        random: inout any RandomNumberGenerator
    ) -> PlanStep
    /// The ID's result when it is known without sending anything (a dry run's listing).
    var knownResult: DeletionResult? { get }
}

extension IDPlan {
    public var knownResult: DeletionResult? { nil }
}

/// What a plan asks of the scheduler after an answer.
public enum PlanStep {
    /// Send the plan's (new) `request` at once, in the slot the ID already holds.
    case send
    /// Send `request` again after `wait`; the slot is free meanwhile. `result` is the ID's result
    /// if the batch stops before then.
    case retry(after: Duration, result: DeletionResult)
    /// The ID is done.
    case finished(DeletionResult)
}

/// A result a plan keeps aside (a check's; an answer while the follow-up that decides it runs),
/// boxed: a plan is copied with every request it sends, and a result inline makes it 1 KB.
public final class KeptResult: Sendable {
    public let result: DeletionResult

    public init(_ result: DeletionResult) {
        self.result = result
    }
}
