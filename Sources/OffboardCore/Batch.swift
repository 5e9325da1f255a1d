import HTTPCore
import Synchronization

/// How a batch runs: everything the delete options decide besides the service and the IDs.
public struct BatchSettings: Sendable {
    public var concurrency: Int
    /// Deletions started per second at most; 0 for no cap.
    public var rate: Double
    public var retry: RetryPolicy
    /// This run repeats an earlier one: the service reads an answer to a repeated delete as
    /// already deleted.
    public var rerun: Bool
    public var ignoreNotFound: Bool
    public var transfer: TransferOptions
    public var dryRun: Bool
    /// `--verify`: a look-up after each success shows the user gone.
    public var verify: Bool

    public init(
        concurrency: Int = 4, rate: Double = 0, retry: RetryPolicy = RetryPolicy(maxRetries: 3),
        rerun: Bool = false, ignoreNotFound: Bool = false, transfer: TransferOptions = TransferOptions(),
        dryRun: Bool = false, verify: Bool = false
    ) {
        self.concurrency = concurrency
        self.rate = rate
        self.retry = retry
        self.rerun = rerun
        self.ignoreNotFound = ignoreNotFound
        self.transfer = transfer
        self.dryRun = dryRun
        self.verify = verify
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
        /// An ID waited out the server's rate limit for as long as allowed: the rest would too.
        case rateLimited
        /// A local error (an unusable CA file, out of memory) that would fail every transfer alike.
        case localError
        case interrupted
        case outputFailed
        case journalFailed
        /// The session was about to expire and its renewal failed.
        case sessionNotRenewed
    }

    public var total: Int
    public var counts: [Outcome: Int] = [:]
    public var failures = 0
    /// Results of IDs the batch did not send (outcome `failed`, error `not_attempted`): not
    /// failures of their own, since the stop decides.
    public var notAttempted = 0
    public var elapsed: Duration = .zero
    public var stopReason: StopReason?
    /// Why the run stopped when no ID's result says it: the journal could not be written, or
    /// the session could not be renewed.
    public var stopError: OffboardError?
    private var worst = ExitStatus.success

    public init(total: Int) {
        self.total = total
    }

    /// Counts the result of an input the batch did not run (an email address no user has).
    public mutating func include(_ result: DeletionResult) {
        total += 1
        add(result)
    }

    mutating func add(_ result: DeletionResult) {
        counts[result.outcome, default: 0] += 1
        if result.error?.kind == .notAttempted { notAttempted += 1 }
        if let error = result.error, error.kind != .notAttempted {
            failures += 1
            worst = max(worst, ExitStatus.forFailure(error.kind))
        }
    }

    public var exitStatus: ExitStatus {
        ExitStatus.forBatch([worst, stopError?.status ?? .success], interrupted: stopReason == .interrupted || stopReason == .outputFailed)
    }
}

/// Deletes a list of IDs with bounded concurrency, retrying transient failures, and hands each
/// result to `emit` as it finishes, one at a time, so output lines never interleave.
public struct Batch: Sendable {
    public let service: any DeletionService
    public let settings: BatchSettings
    public let transport: any Transport
    /// Whether the base URL has shown itself to be the API's: shared by the runs of this batch,
    /// so a check's look-ups spare the deletions' probe.
    public let baseURLCheck = BaseURLCheck()
    /// Backoff jitter; the tests pass one that always draws the same.
    private let random: @Sendable () -> any RandomNumberGenerator

    public init(
        service: any DeletionService, settings: BatchSettings, transport: any Transport,
        random: @escaping @Sendable () -> any RandomNumberGenerator = { SystemRandomNumberGenerator() }
    ) {
        self.service = service
        self.settings = settings
        self.transport = transport
        self.random = random
    }

    /// What a batch does for each of its IDs.
    public enum Work {
        /// Delete each ID; `checked` holds what `--check` settled, by ID index: those get no DELETE.
        case delete(checked: [Int: DeletionResult] = [:])
        /// Look each user up (`show`, `--check`): nothing is changed.
        case lookUp
        /// `--by email`: find the user of each address (held as opaque IDs).
        case findByEmail(any UserSearching)
    }

    /// - Parameters:
    ///   - journal: records every start and result, and says what an earlier run already did.
    ///   - stop: set by Ctrl-C; no new requests start once it is.
    ///   - emit: called for each result, on the transfer thread, one at a time.
    ///   - paceChanged: called on the transfer thread when the server's answers change the pace.
    /// - Returns: when the batch is over; the calling thread (never the transfer thread) waits.
    public func run(
        _ work: Work, _ ids: IDList, journal: Journal? = nil, stop: StopRequest = StopRequest(),
        paceChanged: @escaping (PaceChange) -> Void = { _ in }, emit: @escaping (DeletionResult) -> Void
    ) -> BatchSummary {
        Handoff.wait { deliver in start(work, ids, journal: journal, stop: stop, paceChanged: paceChanged, emit: emit, done: deliver) }
    }

    /// Starts the batch on the transport's thread and returns at once; `done` gets the summary there.
    public func start(
        _ work: Work, _ ids: IDList, journal: Journal? = nil, stop: StopRequest = StopRequest(),
        paceChanged: @escaping (PaceChange) -> Void = { _ in }, emit: @escaping (DeletionResult) -> Void,
        done: @escaping (BatchSummary) -> Void
    ) {
        let events = Events(emit: emit, done: done, paceChanged: paceChanged)
        switch work {
        case .delete(let checked):
            schedule(ids, journal: journal, stop: stop, events: events) { [service, settings, baseURLCheck] index, prior, started in
                let options = DeletionPlanOptions(
                    retry: settings.retry, ignoreNotFound: settings.ignoreNotFound, dryRun: settings.dryRun,
                    verify: settings.verify, checked: checked[index].map(KeptResult.init), baseURL: baseURLCheck)
                return DeletionPlan(
                    service: service, id: ids.id(at: index), line: ids.line(at: index), options: options,
                    earlierResultUnknown: settings.rerun || prior == .unknown, started: started)
            }
        case .lookUp:
            schedule(ids, journal: nil, stop: stop, events: events) { [service, settings, baseURLCheck] index, _, started in
                LookupPlan(
                    service: service, id: ids.id(at: index), line: ids.line(at: index), retry: settings.retry,
                    baseURL: baseURLCheck, started: started)
            }
        case .findByEmail(let search):
            schedule(ids, journal: nil, stop: stop, events: events) { [settings] index, _, started in
                EmailResolutionPlan(
                    service: search, email: ids.id(at: index), line: ids.line(at: index), retry: settings.retry,
                    started: started)
            }
        }
    }

    /// Where a batch reports, on the transfer thread.
    private struct Events {
        var emit: (DeletionResult) -> Void
        var done: (BatchSummary) -> Void
        var paceChanged: (PaceChange) -> Void
    }

    private func schedule<Plan: IDPlan>(
        _ ids: IDList, journal: Journal?, stop: StopRequest, events: Events, makePlan: @escaping BatchScheduler<Plan>.MakePlan
    ) {
        let scheduler = BatchScheduler(
            ids: ids, serviceName: service.name, renewal: service.sessionRenewal, limits: settings.limits, transport: transport, journal: journal,
            stop: stop, random: random(), emit: events.emit, done: events.done, paceChanged: events.paceChanged, makePlan: makePlan)
        transport.execute { scheduler.scheduleFill() }
    }
}

extension BatchSettings {
    var limits: SchedulerLimits {
        SchedulerLimits(concurrency: concurrency, rate: rate, longestWait: retry.rateLimitWait, transfer: transfer, dryRun: dryRun)
    }
}
