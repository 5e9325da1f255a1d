import HTTPCore

/// What the scheduler decides by itself, whatever the plans: how many IDs at once, how fast
/// requests start, and whether anything is sent at all.
struct SchedulerLimits {
    /// The most IDs in flight (the pacer may keep fewer while the server limits the rate).
    var concurrency: Int
    /// Requests started per second at most (new IDs and retries); 0 for no cap.
    var rate: Double
    /// `--rate-limit-wait`: the longest the pace holds every start.
    var longestWait: Duration
    var transfer: TransferOptions
    /// Nothing is sent, so the journal is only read, never written.
    var dryRun: Bool
}

/// Runs one plan per ID on a transport: the rules of a batch that do not depend on what is
/// sent. Concurrency and pace (`Pacer`: `--rate`, and what the server's 429s and RateLimit
/// headers allow), backoff timers (a waiting ID holds no slot), stop requests
/// (nothing new starts; what is in flight finishes), the journal's order (a durable `pending`
/// before an ID's first request, its result after), and a stop for results that would repeat
/// for every ID (rejected credentials, a local error).
///
/// It lives on the transport's thread: every start, answer, timer and result happens there,
/// as in `curl --parallel`, with no hand-off between threads.
final class BatchScheduler<Plan: IDPlan>: @unchecked Sendable {
    /// An ID started and not yet finished.
    struct Entry: Sendable {
        var index: Int
        var plan: Plan
        /// No request of this ID has gone out yet (it needs its `pending` record first).
        var isNew = true
        /// What to report if the batch stops while this ID waits to be sent again.
        var lastResult: DeletionResult?
    }

    typealias MakePlan = (_ index: Int, _ prior: PriorResult, _ started: ContinuousClock.Instant) -> Plan

    let ids: IDList
    let serviceName: String
    let renewal: (any SessionRenewal)?
    let limits: SchedulerLimits
    let transport: any Transport
    let journal: Journal?
    let stop: StopRequest
    let emit: (DeletionResult) -> Void
    let done: (BatchSummary) -> Void
    let paceChanged: (PaceChange) -> Void
    let makePlan: MakePlan
    let started: ContinuousClock.Instant
    var random: any RandomNumberGenerator
    var summary: BatchSummary
    var journalError: OffboardError?
    /// Why the session could not be renewed, when it could not.
    var renewalError: OffboardError?
    /// A session renewal is under way: nothing new starts until it is done.
    var renewing = false
    /// The next ID never started.
    var next = 0
    /// IDs with a request under way; `--concurrency` bounds it.
    var inFlight = 0
    /// IDs waiting out a backoff, by index: they hold no slot meanwhile.
    var waiting: [Int: Entry] = [:]
    /// IDs whose backoff is over, waiting for a slot (served before new IDs).
    var ready: [Entry] = []
    var pacer: Pacer
    /// A timer is set for when the pace allows the next start.
    var paceTimerArmed = false
    var fillScheduled = false
    var watchingForStop = false
    var finished = false

    init(
        ids: IDList, serviceName: String, renewal: (any SessionRenewal)? = nil, limits: SchedulerLimits, transport: any Transport, journal: Journal?,
        stop: StopRequest, random: any RandomNumberGenerator, emit: @escaping (DeletionResult) -> Void,
        done: @escaping (BatchSummary) -> Void, paceChanged: @escaping (PaceChange) -> Void = { _ in },
        makePlan: @escaping MakePlan
    ) {
        self.ids = ids
        self.serviceName = serviceName
        self.renewal = renewal
        self.limits = limits
        self.transport = transport
        self.journal = journal
        self.stop = stop
        self.random = random
        self.emit = emit
        self.done = done
        self.paceChanged = paceChanged
        self.makePlan = makePlan
        started = transport.now
        pacer = Pacer(concurrency: limits.concurrency, rate: limits.rate, longestWait: limits.longestWait, now: started)
        summary = BatchSummary(total: ids.count)
    }

    /// Runs `fill` once after the answers at hand are read, so the starts they allow go out
    /// together (one journal fsync for all of them).
    func scheduleFill() {
        guard !fillScheduled, !finished else { return }
        fillScheduled = true
        transport.execute { [self] in fill() }
    }

    /// Starts waiting IDs and new ones while slots are free, and ends the batch when nothing is left.
    func fill() {
        fillScheduled = false
        guard !finished else { return }
        if stop.isRequested, summary.stopReason == nil { summary.stopReason = stopReason(stop) }
        if let reason = summary.stopReason {
            // Nothing new starts, and waiting retries are not sent: report their last result.
            for entry in ready + waiting.values.sorted(by: { $0.index < $1.index }) { abandon(entry, reason) }
            ready.removeAll()
            waiting.removeAll()
            paceTimerArmed = false
        }
        renewSessionIfDue()
        var starting: [Entry] = []
        while !renewing, inFlight + starting.count < pacer.concurrency, !ready.isEmpty, paced() {
            starting.append(ready.removeFirst())
        }
        while !renewing, next < ids.count, inFlight + starting.count < pacer.concurrency, summary.stopReason == nil, !paceTimerArmed {
            // Skips and dry-run lines are reported in this loop without waiting for anything.
            if stop.isRequested {
                summary.stopReason = stopReason(stop)
                break
            }
            let index = next
            let prior = journal?.prior[index] ?? .none
            if prior == .done {
                record(DeletionResult(service: serviceName, id: ids.id(at: index), line: ids.line(at: index), verdict: Verdict(outcome: .skipped)))
                next += 1
                continue
            }
            let plan = makePlan(index, prior, transport.now)
            if let known = plan.knownResult {
                record(known)
                next += 1
                continue
            }
            next += 1
            guard paced() else {
                // Held back by the pace: first in line when it allows.
                ready.append(Entry(index: index, plan: plan))
                break
            }
            starting.append(Entry(index: index, plan: plan))
        }
        if let reason = summary.stopReason {
            // The stop came while skips were reported: what was queued before it is not sent.
            for entry in starting { abandon(entry, reason) }
            starting.removeAll()
        }
        start(starting)
        if inFlight == 0, !renewing, waiting.isEmpty, ready.isEmpty, !paceTimerArmed, next == ids.count || summary.stopReason != nil {
            finish()
        }
    }

    /// Sends a round of requests; IDs sending their first get their durable `pending` journal
    /// records first, all with one fsync.
    func start(_ entries: [Entry]) {
        let firsts = entries.filter(\.isNew).map(\.index)
        if let journal, !firsts.isEmpty {
            do throws(OffboardError) {
                try journal.markPending(firsts, ids: ids)
            } catch {
                journalError = error
                summary.stopReason = .journalFailed
                for index in firsts { record(notAttempted(index, .journalFailed)) }
                entries.filter { !$0.isNew }.forEach(settle)
                return
            }
        }
        for entry in entries { send(entry) }
    }

    func send(_ entry: Entry) {
        var entry = entry
        entry.isNew = false
        inFlight += 1
        let request = renewal?.withCurrentCredentials(entry.plan.request) ?? entry.plan.request
        transport.submit(request, options: limits.transfer) { [self, entry] outcome in
            inFlight -= 1
            read(outcome, for: entry)
        }
    }

    /// Sends the session's renewal when it is due, unless the batch is over or stopping.
    func renewSessionIfDue() {
        guard let renewal, !renewing, summary.stopReason == nil, next < ids.count || !ready.isEmpty || !waiting.isEmpty,
            let request = renewal.renewalRequest()
        else { return }
        renewing = true
        transport.submit(request, options: limits.transfer) { [self] outcome in
            renewing = false
            if let error = renewal.renewed(by: outcome) {
                renewalError = error
                if summary.stopReason == nil { summary.stopReason = .sessionNotRenewed }
            }
            scheduleFill()
        }
    }

    /// Whether the pace lets a request start now (it is then counted as started); if not, a
    /// timer wakes the batch when it does.
    func paced() -> Bool {
        guard !paceTimerArmed else { return false }
        guard let due = pacer.start(now: transport.now) else { return true }
        paceTimerArmed = true
        watchForStop()
        transport.execute(at: due) { [self] in
            paceTimerArmed = false
            scheduleFill()
        }
        return false
    }

    /// While nothing is in flight to wake the batch up, notice a Ctrl-C within 200 ms.
    func watchForStop() {
        guard !watchingForStop else { return }
        watchingForStop = true
        transport.execute(at: transport.now + .milliseconds(200)) { [self] in
            watchingForStop = false
            if stop.isRequested { scheduleFill() } else if !waiting.isEmpty || paceTimerArmed { watchForStop() }
        }
    }

    /// Hands an answer to the ID's plan and does what the plan says next.
    func read(_ outcome: Result<HTTPResponse, TransportError>, for entry: Entry) {
        var entry = entry
        let left = ids.count - next + ready.count + waiting.count + inFlight + 1
        if let change = pacer.observe(outcome, left: left, now: transport.now) { paceChanged(change) }
        switch entry.plan.read(outcome, now: transport.now, random: &random) {
        case .send:
            send(entry)
        case .retry(let wait, let result) where summary.stopReason == nil && !stop.isRequested:
            // The slot is free during the backoff: other IDs go on meanwhile.
            entry.lastResult = result
            waiting[entry.index] = entry
            watchForStop()
            transport.execute(at: transport.now + wait) { [self, index = entry.index] in
                guard let due = waiting.removeValue(forKey: index) else { return }  // settled by a stop
                ready.append(due)
                scheduleFill()
            }
        case .retry(_, let result), .finished(let result):
            record(result)
            // Each would fail every ID alike: the rest are not attempted.
            if summary.stopReason == nil {
                switch result.error?.kind {
                case .unauthorized?: summary.stopReason = .credentialsRejected
                case .rateLimited?: summary.stopReason = .rateLimited
                case .configuration?: summary.stopReason = .localError
                default: break
                }
            }
        }
        scheduleFill()
    }

    /// Reports an ID that will not be sent (again) because the batch stopped.
    func abandon(_ entry: Entry, _ reason: BatchSummary.StopReason) {
        if entry.isNew { record(notAttempted(entry.index, reason)) } else { settle(entry) }
    }

    /// Reports an ID that will not be sent again because the batch stopped.
    func settle(_ entry: Entry) {
        guard var result = entry.lastResult else { return }
        result.verdict.error?.message += "; not retried: the batch stopped"
        record(result)
    }

    func record(_ result: DeletionResult) {
        summary.add(result)
        emit(result)
        guard let journal, !limits.dryRun, result.outcome != .skipped, journalError == nil else { return }
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
        if let journal, !limits.dryRun, journalError == nil {
            do throws(OffboardError) { try journal.sync() } catch { journalError = error }
        }
        summary.stopError = journalError ?? renewalError
        summary.elapsed = transport.now - started
        done(summary)
    }

    func notAttempted(_ index: Int, _ reason: BatchSummary.StopReason) -> DeletionResult {
        let message =
            switch reason {
            case .interrupted: "not attempted: the run was interrupted first"
            case .outputFailed: "not attempted: standard output could not be written"
            case .credentialsRejected: "not attempted: the server rejected the credentials earlier in this batch"
            case .rateLimited: "not attempted: the server went on limiting the rate for longer than --rate-limit-wait"
            case .localError: "not attempted: a local error stopped the batch (see the first failure)"
            case .journalFailed: "not attempted: the journal could not be written"
            case .sessionNotRenewed: "not attempted: the session could not be renewed"
            }
        return DeletionResult(
            service: serviceName, id: ids.id(at: index), line: ids.line(at: index),
            verdict: .failed(.notAttempted, message))
    }

    func stopReason(_ stop: StopRequest) -> BatchSummary.StopReason {
        stop.reason == .outputFailed ? .outputFailed : .interrupted
    }
}
