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
    ///   - emit: called for each result, on the transfer thread, one at a time.
    public func run(_ ids: IDList, journal: Journal? = nil, stop: StopRequest = StopRequest(),
                    emit: @escaping (DeletionResult) -> Void) async -> BatchSummary {
        await withCheckedContinuation { continuation in
            let driver = BatchDriver(batch: self, ids: ids, journal: journal, stop: stop, emit: emit) {
                continuation.resume(returning: $0)
            }
            loop.execute { driver.fill() }
        }
    }
}

/// One batch in progress. It lives on the transfer thread: every start, completion, retry
/// and result happens there, as in `curl --parallel`, with no hand-off between threads.
private final class BatchDriver: @unchecked Sendable {
    /// What is known about an ID between its attempts.
    struct Attempt: Sendable {
        var index: Int
        var number = 0
        /// An earlier attempt may have been applied (no answer, timeout, 5xx), or `--rerun`.
        var earlierResultUnknown: Bool
        var started: ContinuousClock.Instant
    }

    let batch: Batch
    let ids: IDList
    let journal: Journal?
    let stop: StopRequest
    let emit: (DeletionResult) -> Void
    let done: (BatchSummary) -> Void
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    var summary: BatchSummary
    var journalError: OffboardError?
    var next = 0
    var inFlight = 0
    var nextStart: ContinuousClock.Instant
    var random = SystemRandomNumberGenerator()
    var service: any DeletionService { batch.service }
    var settings: BatchSettings { batch.settings }

    init(batch: Batch, ids: IDList, journal: Journal?, stop: StopRequest,
         emit: @escaping (DeletionResult) -> Void, done: @escaping (BatchSummary) -> Void) {
        self.batch = batch
        self.ids = ids
        self.journal = journal
        self.stop = stop
        self.emit = emit
        self.done = done
        started = clock.now
        nextStart = started
        summary = BatchSummary(total: ids.count)
    }

    /// Starts IDs until `concurrency` are in flight, then ends the batch once nothing is.
    func fill() {
        while next < ids.count, inFlight < settings.concurrency, summary.stopReason == nil {
            if stop.isRequested { summary.stopReason = .interrupted; break }
            let index = next
            let prior = journal?.prior[index] ?? .none
            if prior == .done {
                record(DeletionResult(service: service.name, id: ids.id(at: index), line: ids.line(at: index), verdict: Verdict(outcome: .skipped)))
                next += 1
                continue
            }
            if settings.dryRun {
                record(dryRunResult(index))
                next += 1
                continue
            }
            if let journal {
                do throws(OffboardError) {
                    try journal.ensurePending(through: index, ids: ids, groupSize: max(64, settings.concurrency * 8))
                } catch {
                    journalError = error
                    summary.stopReason = .journalFailed
                    break
                }
            }
            var due: ContinuousClock.Instant?
            if settings.rate > 0 {
                due = nextStart
                nextStart = max(clock.now, nextStart + .seconds(1.0 / settings.rate))
            }
            next += 1
            inFlight += 1
            send(Attempt(index: index, earlierResultUnknown: settings.rerun || prior == .unknown, started: clock.now), due: due)
        }
        if inFlight == 0 { finish() }
    }

    func send(_ attempt: Attempt, due: ContinuousClock.Instant? = nil) {
        var attempt = attempt
        attempt.number += 1
        batch.loop.submit(service.deleteRequest(for: ids.id(at: attempt.index)), options: settings.transfer, due: due) { [self, attempt] outcome in
            handle(outcome, of: attempt)
        }
    }

    /// Reads one attempt's outcome: another attempt after a backoff, or the ID's result.
    func handle(_ outcome: Result<HTTPResponse, TransportError>, of attempt: Attempt) {
        var attempt = attempt
        let id = ids.id(at: attempt.index)
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
            attempt.number += response.requestsSent - 1
            attempt.earlierResultUnknown = attempt.earlierResultUnknown || response.requestsSent > 1
            status = response.status
            problem = Problem.from(response)
            retryAfter = response.header("Retry-After")
            transient = service.isTransient(status: response.status)
            resultUnknown = response.status >= 500
            verdict = service.verdict(for: response, id: id, problem: problem, earlierResultUnknown: attempt.earlierResultUnknown)
        case .failure(let error):
            attempt.number += error.requestsSent - 1
            status = error.status
            transient = error.kind == .connection || error.kind == .timeout
            resultUnknown = error.mayHaveReachedServer
            verdict = .forTransportError(error)
        }
        if transient {
            switch settings.retry.decide(retriesSoFar: attempt.number - 1, retryAfter: retryAfter, random: &random) {
            case .retry(let wait):
                // Other IDs go on meanwhile: the retry is scheduled, not slept on.
                attempt.earlierResultUnknown = attempt.earlierResultUnknown || resultUnknown
                send(attempt, due: clock.now + wait)
                return
            case .stop(let reason?):
                verdict.error?.message += "; not retried: \(reason)"
            case .stop(nil):
                break
            }
        }
        if verdict.outcome == .notFound, settings.ignoreNotFound {
            verdict.error = nil
        }
        inFlight -= 1
        record(DeletionResult(service: service.name, id: id, line: ids.line(at: attempt.index), verdict: verdict, status: status,
                              attempts: attempt.number, duration: clock.now - attempt.started, problem: problem))
        if verdict.error?.kind == .unauthorized, summary.stopReason == nil {
            summary.stopReason = .credentialsRejected
        }
        fill()
    }

    func record(_ result: DeletionResult) {
        summary.add(result)
        emit(result)
        guard let journal, !settings.dryRun, result.outcome != .skipped, journalError == nil else { return }
        do throws(OffboardError) {
            try journal.record(result)
        } catch {
            journalError = error
            if summary.stopReason == nil { summary.stopReason = .journalFailed }
        }
    }

    /// Reports every ID not started (when the batch stopped early), and hands over the summary.
    func finish() {
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
            do throws(OffboardError) { try journal.sync() } catch { journalError = error }
        }
        summary.journalError = journalError
        summary.elapsed = clock.now - started
        done(summary)
    }

    func dryRunResult(_ index: Int) -> DeletionResult {
        var request = service.deleteRequest(for: ids.id(at: index))
        request.headers = request.headers.map { HTTPHeader($0.name, Redaction.headerValue(name: $0.name, value: $0.value)) }
        return DeletionResult(service: service.name, id: ids.id(at: index), line: ids.line(at: index),
                              verdict: Verdict(outcome: .wouldDelete), request: request)
    }
}
