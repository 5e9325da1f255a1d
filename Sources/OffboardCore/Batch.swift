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
    public enum Reason: UInt8, Sendable {
        case interrupted = 1
        /// Standard output closed or failing: results could no longer be shown.
        case outputFailed = 2
    }

    private let reasonValue = Atomic<UInt8>(0)

    public init() {}

    /// Async-signal-safe. The first reason stays; returns whether this call was the first.
    @discardableResult
    public func request(_ reason: Reason = .interrupted) -> Bool {
        reasonValue.compareExchange(expected: 0, desired: reason.rawValue, ordering: .relaxed).exchanged
    }

    public var isRequested: Bool { reasonValue.load(ordering: .relaxed) != 0 }
    public var reason: Reason? { Reason(rawValue: reasonValue.load(ordering: .relaxed)) }
}

/// What a finished batch adds up to.
public struct BatchSummary: Sendable {
    public enum StopReason: Sendable, Equatable {
        case credentialsRejected
        /// A local error (an unusable CA file, out of memory) that would fail every transfer alike.
        case localError
        case interrupted
        case outputFailed
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
        ExitStatus.forBatch([worst, journalError?.status ?? .success], interrupted: stopReason == .interrupted || stopReason == .outputFailed)
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
    /// - Returns: when the batch is over; the calling thread (never the transfer thread) waits.
    public func run(_ ids: IDList, journal: Journal? = nil, stop: StopRequest = StopRequest(),
                    emit: @escaping (DeletionResult) -> Void) -> BatchSummary {
        Handoff.wait { deliver in
            let driver = BatchDriver(batch: self, ids: ids, journal: journal, stop: stop, emit: emit, done: deliver)
            loop.execute { driver.scheduleFill() }
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
        /// What to report if no further attempt is made (the batch stops during a backoff).
        var lastResult: DeletionResult?
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
    /// The next ID never started.
    var next = 0
    /// Transfers under way; `--concurrency` bounds it.
    var inFlight = 0
    /// Retries waiting out their backoff, by ID index: they hold no slot meanwhile.
    var waiting: [Int: Attempt] = [:]
    /// Retries whose backoff is over, waiting for a slot (served before new IDs).
    var ready: [Attempt] = []
    var nextStart: ContinuousClock.Instant
    var rateTimerArmed = false
    var fillScheduled = false
    var watchingForStop = false
    var finished = false
    var random = SystemRandomNumberGenerator()
    var service: any DeletionService { batch.service }
    var settings: BatchSettings { batch.settings }
    var loop: TransferLoop { batch.loop }

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

    /// Runs `fill` once after the completions at hand are read, so the starts they allow go
    /// out together (one journal fsync for all of them).
    func scheduleFill() {
        guard !fillScheduled, !finished else { return }
        fillScheduled = true
        loop.execute { [self] in fill() }
    }

    /// Starts retries and new IDs while slots are free, and ends the batch when nothing is left.
    func fill() {
        fillScheduled = false
        guard !finished else { return }
        if stop.isRequested, summary.stopReason == nil { summary.stopReason = stopReason(stop) }
        if summary.stopReason != nil {
            // Nothing new starts, and waiting retries are not sent: report their last result.
            for attempt in ready + waiting.values.sorted(by: { $0.index < $1.index }) { settle(attempt) }
            ready.removeAll()
            waiting.removeAll()
            rateTimerArmed = false
        }
        var starting: [Attempt] = []
        while inFlight + starting.count < settings.concurrency, !ready.isEmpty {
            starting.append(ready.removeFirst())
        }
        while next < ids.count, inFlight + starting.count < settings.concurrency, summary.stopReason == nil, !rateTimerArmed {
            // Skips and dry-run lines are reported in this loop without waiting for anything.
            if stop.isRequested {
                summary.stopReason = stopReason(stop)
                break
            }
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
            if settings.rate > 0 {
                let now = clock.now
                if nextStart > now {
                    armRateTimer()
                    break
                }
                nextStart = max(now, nextStart) + .seconds(1.0 / settings.rate)
            }
            starting.append(Attempt(index: index, earlierResultUnknown: settings.rerun || prior == .unknown, started: clock.now))
            next += 1
        }
        if let reason = summary.stopReason {
            // The stop came while skips were reported: what was queued before it is not sent.
            for attempt in starting {
                if attempt.number == 0 { record(notAttempted(attempt.index, reason)) } else { settle(attempt) }
            }
            starting.removeAll()
        }
        start(starting)
        if inFlight == 0, waiting.isEmpty, ready.isEmpty, !rateTimerArmed, next == ids.count || summary.stopReason != nil {
            finish()
        }
    }

    /// Sends a round of attempts; the first attempts of new IDs get their durable `pending`
    /// journal records first, all with one fsync.
    func start(_ attempts: [Attempt]) {
        let firsts = attempts.filter { $0.number == 0 }.map(\.index)
        if let journal, !firsts.isEmpty {
            do throws(OffboardError) {
                try journal.markPending(firsts, ids: ids)
            } catch {
                journalError = error
                summary.stopReason = .journalFailed
                for index in firsts { record(notAttempted(index, .journalFailed)) }
                attempts.filter { $0.number > 0 }.forEach(settle)
                return
            }
        }
        for attempt in attempts { send(attempt) }
    }

    func send(_ attempt: Attempt) {
        var attempt = attempt
        attempt.number += 1
        inFlight += 1
        loop.submit(service.deleteRequest(for: ids.id(at: attempt.index)), options: settings.transfer) { [self, attempt] outcome in
            handle(outcome, of: attempt)
        }
    }

    func armRateTimer() {
        rateTimerArmed = true
        watchForStop()
        loop.execute(at: nextStart) { [self] in
            rateTimerArmed = false
            scheduleFill()
        }
    }

    /// While nothing is in flight to wake the batch up, notice a Ctrl-C within 200 ms.
    func watchForStop() {
        guard !watchingForStop else { return }
        watchingForStop = true
        loop.execute(at: clock.now + .milliseconds(200)) { [self] in
            watchingForStop = false
            if stop.isRequested { scheduleFill() } else if !waiting.isEmpty || rateTimerArmed { watchForStop() }
        }
    }

    /// Reads one attempt's outcome: another attempt after a backoff, or the ID's result.
    func handle(_ outcome: Result<HTTPResponse, TransportError>, of attempt: Attempt) {
        inFlight -= 1
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
        var retryWait: Duration?
        if transient {
            switch settings.retry.decide(retriesSoFar: attempt.number - 1, retryAfter: retryAfter, random: &random) {
            case .retry(let wait): retryWait = wait
            case .stop(let reason?): verdict.error?.message += "; not retried: \(reason)"
            case .stop(nil): break
            }
        }
        if verdict.outcome == .notFound, settings.ignoreNotFound {
            verdict.error = nil
        }
        let result = DeletionResult(service: service.name, id: id, line: ids.line(at: attempt.index), verdict: verdict, status: status,
                                    attempts: attempt.number, duration: clock.now - attempt.started, problem: problem)
        if let retryWait, summary.stopReason == nil, !stop.isRequested {
            // The slot is free during the backoff: other IDs go on meanwhile.
            attempt.earlierResultUnknown = attempt.earlierResultUnknown || resultUnknown
            attempt.lastResult = result
            waiting[attempt.index] = attempt
            watchForStop()
            loop.execute(at: clock.now + retryWait) { [self, index = attempt.index] in
                guard let due = waiting.removeValue(forKey: index) else { return }  // settled by a stop
                ready.append(due)
                scheduleFill()
            }
        } else {
            record(result)
            // Both would fail every ID alike: the rest are not attempted.
            if summary.stopReason == nil {
                switch verdict.error?.kind {
                case .unauthorized?: summary.stopReason = .credentialsRejected
                case .configuration?: summary.stopReason = .localError
                default: break
                }
            }
        }
        scheduleFill()
    }

    /// Reports a retry that will not be sent because the batch stopped.
    func settle(_ attempt: Attempt) {
        guard var result = attempt.lastResult else { return }
        result.verdict.error?.message += "; not retried: the batch stopped"
        record(result)
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
        finished = true
        if stop.isRequested, next < ids.count, summary.stopReason == nil { summary.stopReason = stopReason(stop) }
        if let reason = summary.stopReason {
            while next < ids.count {
                record(notAttempted(next, reason))
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

    func notAttempted(_ index: Int, _ reason: BatchSummary.StopReason) -> DeletionResult {
        let message = switch reason {
        case .interrupted: "not attempted: the run was interrupted first"
        case .outputFailed: "not attempted: standard output could not be written"
        case .credentialsRejected: "not attempted: the server rejected the credentials earlier in this batch"
        case .localError: "not attempted: a local error stopped the batch (see the first failure)"
        case .journalFailed: "not attempted: the journal could not be written"
        }
        return DeletionResult(service: service.name, id: ids.id(at: index), line: ids.line(at: index),
                              verdict: .failed(.notAttempted, message))
    }

    func stopReason(_ stop: StopRequest) -> BatchSummary.StopReason {
        stop.reason == .outputFailed ? .outputFailed : .interrupted
    }

    func dryRunResult(_ index: Int) -> DeletionResult {
        var request = service.deleteRequest(for: ids.id(at: index))
        request.headers = request.headers.map { HTTPHeader($0.name, Redaction.headerValue(name: $0.name, value: $0.value)) }
        return DeletionResult(service: service.name, id: ids.id(at: index), line: ids.line(at: index),
                              verdict: Verdict(outcome: .wouldDelete), request: request)
    }
}
