import HTTPCore
import Synchronization

/// How a batch runs: everything the delete options decide besides the service and the IDs.
public struct BatchSettings: Sendable {
    public var concurrency: Int
    /// Deletions started per second at most; 0 for no cap.
    public var rate: Double
    public var retry: RetryPolicy
    /// This run repeats an earlier one: a Torii 403 counts as already deleted.
    public var rerun: Bool
    public var ignoreNotFound: Bool
    public var transfer: TransferOptions
    public var dryRun: Bool

    public init(concurrency: Int = 4, rate: Double = 0, retry: RetryPolicy = RetryPolicy(maxRetries: 3),
                rerun: Bool = false, ignoreNotFound: Bool = false, transfer: TransferOptions = TransferOptions(),
                dryRun: Bool = false) {
        self.concurrency = concurrency
        self.rate = rate
        self.retry = retry
        self.rerun = rerun
        self.ignoreNotFound = ignoreNotFound
        self.transfer = transfer
        self.dryRun = dryRun
    }
}

/// Set from a signal handler or anywhere else: no new deletions start once it is set.
public final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    public init() {}

    public func request() { requested.store(true, ordering: .relaxed) }
    public var isRequested: Bool { requested.load(ordering: .relaxed) }
}

/// What a finished batch adds up to.
public struct BatchSummary: Sendable {
    public enum StopReason: Sendable, Equatable {
        case credentialsRejected
        case interrupted
        case journalFailed
    }

    public var total: Int
    public var counts: [Outcome: Int] = [:]
    public var failures = 0
    public var elapsed: Duration = .zero
    public var stopReason: StopReason?
    /// Set when the journal could not be written: the run stopped, and this is why.
    public var journalError: OffboardError?
    private var worst = ExitStatus.success

    public init(total: Int) {
        self.total = total
    }

    mutating func add(_ result: DeletionResult) {
        counts[result.outcome, default: 0] += 1
        if let error = result.error, error.kind != .notAttempted {
            failures += 1
            worst = max(worst, ExitStatus.forFailure(error.kind))
        }
    }

    public var exitStatus: ExitStatus {
        ExitStatus.forBatch([worst, journalError?.status ?? .success], interrupted: stopReason == .interrupted)
    }
}

/// Deletes a list of IDs with bounded concurrency, retrying transient failures, and hands each
/// result to `emit` as it finishes, one at a time, so output lines never interleave.
public struct Batch: Sendable {
    public let service: any DeletionService
    public let settings: BatchSettings
    public let loop: TransferLoop

    public init(service: any DeletionService, settings: BatchSettings, loop: TransferLoop) {
        self.service = service
        self.settings = settings
        self.loop = loop
    }

    /// - Parameters:
    ///   - journal: records every start and result, and says what an earlier run already did.
    ///   - stop: set by Ctrl-C; no new deletions start once it is.
    public func run(_ ids: IDList, journal: Journal? = nil, stop: StopRequest = StopRequest(),
                    emit: (DeletionResult) -> Void) async -> BatchSummary {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = BatchSummary(total: ids.count)
        var journalError: OffboardError?
        func record(_ result: DeletionResult) {
            summary.add(result)
            emit(result)
            guard let journal, !settings.dryRun, result.outcome != .skipped, journalError == nil else { return }
            do { try journal.record(result) } catch { journalError = error }
        }
        var next = 0
        var nextStart = clock.now
        let startInterval: Duration? = settings.rate > 0 ? .seconds(1.0 / settings.rate) : nil
        await withTaskGroup(of: DeletionResult.self) { group in
            var inFlight = 0
            while true {
                while next < ids.count, inFlight < settings.concurrency, summary.stopReason == nil {
                    if stop.isRequested { summary.stopReason = .interrupted; break }
                    let index = next
                    let id = ids.id(at: index), line = ids.line(at: index)
                    let prior = journal?.prior[index] ?? .none
                    if prior == .done {
                        record(DeletionResult(service: service.name, id: id, line: line, verdict: Verdict(outcome: .skipped)))
                        next += 1
                        continue
                    }
                    if settings.dryRun {
                        record(dryRunResult(id: id, line: line))
                        next += 1
                        continue
                    }
                    if let journal {
                        do throws(OffboardError) {
                            try journal.ensurePending(through: index, ids: ids, groupSize: max(64, settings.concurrency * 8))
                        } catch {
                            journalError = error
                        }
                    }
                    if journalError != nil { summary.stopReason = .journalFailed; break }
                    if let startInterval {
                        try? await clock.sleep(until: nextStart)
                        nextStart = max(clock.now, nextStart + startInterval)
                    }
                    group.addTask { await self.delete(id: id, line: line, earlierResultUnknown: settings.rerun || prior == .unknown) }
                    next += 1
                    inFlight += 1
                }
                guard let result = await group.next() else { break }
                inFlight -= 1
                record(result)
                if result.error?.kind == .unauthorized, summary.stopReason == nil {
                    summary.stopReason = .credentialsRejected
                }
                if journalError != nil, summary.stopReason == nil { summary.stopReason = .journalFailed }
            }
        }
        if stop.isRequested, next < ids.count, summary.stopReason == nil { summary.stopReason = .interrupted }
        if let reason = summary.stopReason {
            let message: String
            switch reason {
            case .interrupted: message = "not attempted: the run was interrupted first"
            case .credentialsRejected: message = "not attempted: the server rejected the credentials earlier in this batch"
            case .journalFailed: message = "not attempted: the journal could not be written"
            }
            while next < ids.count {
                record(DeletionResult(service: service.name, id: ids.id(at: next), line: ids.line(at: next),
                                      verdict: .failed(.notAttempted, message)))
                next += 1
            }
        }
        if let journal, !settings.dryRun, journalError == nil {
            do { try journal.sync() } catch { journalError = error }
        }
        summary.journalError = journalError
        summary.elapsed = clock.now - started
        return summary
    }

    private func dryRunResult(id: String, line: Int?) -> DeletionResult {
        var request = service.deleteRequest(for: id)
        request.headers = request.headers.map { HTTPHeader($0.name, Redaction.headerValue(name: $0.name, value: $0.value)) }
        return DeletionResult(service: service.name, id: id, line: line, verdict: Verdict(outcome: .wouldDelete), request: request)
    }

    /// One ID, every attempt: retries transient failures with backoff and remembers whether
    /// an earlier attempt may have been applied (the Torii 403 rule).
    func delete(id: String, line: Int?, earlierResultUnknown unknownAtStart: Bool) async -> DeletionResult {
        let clock = ContinuousClock()
        let started = clock.now
        let request = service.deleteRequest(for: id)
        var random = SystemRandomNumberGenerator()
        var attempts = 0
        var earlierResultUnknown = unknownAtStart
        while true {
            attempts += 1
            var verdict: Verdict
            var status: Int?
            var problem: Problem?
            var retryAfter: String?
            let transient: Bool
            let resultUnknown: Bool
            switch await loop.send(request, options: settings.transfer) {
            case .success(let response):
                // libcurl may have re-sent the request on a fresh connection: each copy is an
                // attempt, and all but the last had an unknown result.
                attempts += response.requestsSent - 1
                earlierResultUnknown = earlierResultUnknown || response.requestsSent > 1
                status = response.status
                problem = Problem.from(response)
                retryAfter = response.header("Retry-After")
                transient = service.isTransient(status: response.status)
                resultUnknown = response.status >= 500
                verdict = service.verdict(for: response, id: id, problem: problem, earlierResultUnknown: earlierResultUnknown)
            case .failure(let error):
                attempts += error.requestsSent - 1
                status = error.status
                transient = error.kind == .connection || error.kind == .timeout
                resultUnknown = error.mayHaveReachedServer
                verdict = .forTransportError(error)
            }
            if transient {
                switch settings.retry.decide(retriesSoFar: attempts - 1, retryAfter: retryAfter, random: &random) {
                case .retry(let wait):
                    earlierResultUnknown = earlierResultUnknown || resultUnknown
                    try? await Task.sleep(for: wait)
                    continue
                case .stop(let reason?):
                    verdict.error?.message += "; not retried: \(reason)"
                case .stop(nil):
                    break
                }
            }
            if verdict.outcome == .notFound, settings.ignoreNotFound {
                verdict.error = nil
            }
            return DeletionResult(service: service.name, id: id, line: line, verdict: verdict, status: status,
                                  attempts: attempts, duration: clock.now - started, problem: problem)
        }
    }
}
