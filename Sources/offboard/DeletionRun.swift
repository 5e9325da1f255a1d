import ArgumentParser
import HTTPCore
import OffboardCore
import Output
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The path every `delete` takes: arguments → validated plan and IDs → (`--by email`: the users
/// found) → (`--check`: every user looked up) → confirmation → batch → renderer → exit status.
/// Nothing is deleted before every check has passed.
struct DeletionRun {
    let options: DeleteOptions

    func execute(arguments: [String], plan makePlan: @escaping (Console) throws -> ServicePlan) throws -> Never {
        let console = options.connection.console
        try reportingErrors(console) { try perform(arguments: arguments, console: console, makePlan: makePlan) }
    }

    private func perform(arguments: [String], console: Console, makePlan: (Console) throws -> ServicePlan) throws -> ExitStatus {
        let run = UserListRun(options: options.batch, console: console)
        let prepared = try run.prepare(
            arguments: arguments, purpose: "deleted", settings: { [options] plan in options.batchSettings(rerun: plan.rerun) }, plan: makePlan)
        let service = prepared.service
        let asks = !options.dryRun && !options.yes
        // Before anything is sent: the look-ups and searches would be for nothing.
        if asks, !Confirmation.terminalAvailable {
            throw OffboardError(
                .usage,
                "no terminal to confirm on — offboard asks before it deletes: run it on a terminal, or in a script list what it would do with --dry-run, then pass --yes"
            )
        }
        var journal = options.batch.by == .id ? try openJournal(for: prepared.inputs, service: service, console: console) : nil
        let renderer = run.renderer(for: service, quiet: options.quiet)
        Interrupts.install()

        var ids = prepared.inputs
        var users: [Int: UserRecord] = [:]
        var emails: [String: String] = [:]
        var shown: [DeletionResult] = []
        if options.batch.by == .email {
            switch run.find(prepared, renderer: renderer, ignoreNotFound: options.ignoreNotFound) {
            case .ended(let summary): return ended(summary, renderer: renderer, console: console)
            case .found(let found): (ids, users, emails, shown) = (found.ids, found.users, found.emails, found.shown)
            }
            journal = try openJournal(for: ids, service: service, console: console)
        }

        // What an earlier run with this journal did is not sent again, nor looked up.
        let done = Set((0..<ids.count).filter { journal?.prior[$0] == .done })
        // A user a look-up (or the search) shows deleted, missing or out of reach gets no DELETE.
        let knowsUsers = options.checksFirst || options.batch.by == .email
        let check = Check(batch: prepared.batch, ids: ids, known: users, skipping: done)
        if knowsUsers, let stopped = check.perform(renderer: renderer, in: run, via: prepared.loop) {
            return ended(stopped, renderer: renderer, console: console)
        }
        let listing = Confirmation.Listing(
            ids: ids, users: check.users, settled: check.settled, checked: knowsUsers, unresolved: shown.count,
            journal: journal.map { ($0.path, done) })
        if asks, !listing.toDelete.isEmpty {
            let confirmed = Confirmation.ask(listing, service: service) { Interrupts.stop.isRequested }
            if Interrupts.stop.isRequested {
                console.err("interrupted: nothing deleted")
                return .interrupted
            }
            guard confirmed else {
                console.err("nothing deleted")
                return .refused
            }
        }

        if !options.dryRun { try journal?.beginWriting() }
        let notice = StopNotice.deletions(journal: options.dryRun ? nil : journal?.path)
        var summary = run.showing(ids.count, on: renderer, via: prepared.loop, notice: notice) { emit, paced in
            prepared.batch.run(.delete(checked: check.settled), ids, journal: journal, stop: Interrupts.stop, paceChanged: paced) { result in
                guard !emails.isEmpty else { return emit(result) }
                var result = result
                result.email = emails[result.id]
                emit(result)
            }
        }
        shown.forEach { summary.include($0) }
        renderer.finish(summary)
        if let error = summary.stopError { console.error(error.message) }
        return summary.exitStatus
    }

    /// A run that ended before any deletion: what was shown stands; the summary says why.
    private func ended(_ summary: BatchSummary, renderer: any ResultRenderer, console: Console) -> ExitStatus {
        renderer.finish(summary)
        console.err("nothing deleted")
        return summary.exitStatus
    }

    private func openJournal(for ids: IDList, service: any DeletionService, console: Console) throws -> Journal? {
        guard let path = options.journal else { return nil }
        let journal = try Journal(
            path: path, service: service.name, scope: service.scope, baseURL: service.baseURL, ids: ids,
            ignoreNotFound: options.ignoreNotFound, forWriting: !options.dryRun)
        if journal.damagedLines > 0 {
            console.warning("--journal \(journal.path): ignored \(journal.damagedLines) damaged line(s), as a crash in the middle of a write leaves")
        }
        return journal
    }
}

/// `--check`: every user looked up before the confirmation (with `--by email` the search found
/// them already). What a look-up settles — already deleted, no such user, out of reach — gets no
/// DELETE; the rest are listed by name in the confirmation. IDs a journal shows done are not
/// looked up: they are not sent again either.
final class Check {
    let batch: Batch
    let ids: IDList
    /// Indices of the IDs not to look up.
    let skipping: Set<Int>
    private(set) var users: [Int: UserRecord]
    private(set) var settled: [Int: DeletionResult] = [:]
    private var failures: [DeletionResult] = []

    init(batch: Batch, ids: IDList, known users: [Int: UserRecord], skipping: Set<Int> = []) {
        self.batch = batch
        self.ids = ids
        self.users = users
        self.skipping = skipping
    }

    /// Nil when the deletion can go on; else the summary of a check that stopped (rejected
    /// credentials, a base URL that is not the API's, Ctrl-C), whose failures are shown.
    func perform(renderer: any ResultRenderer, in run: UserListRun, via loop: TransferLoop) -> BatchSummary? {
        guard users.count < ids.count else {
            for (index, user) in users { settle(index, .found(user), as: nil) }
            return nil
        }
        let position = Dictionary(uniqueKeysWithValues: (0..<ids.count).map { (ids.id(at: $0), $0) })
        let wanted = (0..<ids.count).filter { !skipping.contains($0) }
        guard !wanted.isEmpty else { return nil }
        let lookUp = wanted.count == ids.count ? ids : IDList(found: wanted.map { (ids.userID(at: $0), ids.line(at: $0)) }, suffix: ids.suffix)
        let progress = ProgressLine(total: lookUp.count)
        let summary = run.running(.lookUps, progress: progress, via: loop) { paced in
            batch.run(.lookUp, lookUp, stop: Interrupts.stop, paceChanged: paced) { [self] result in
                if let index = position[result.id] { settle(index, Lookup(result), as: result) }
                if result.error != nil { failures.append(result) }
                progress.advance()
            }
        }
        progress.erase()
        guard summary.stopReason != nil else { return nil }
        failures.forEach(renderer.render)
        return summary
    }

    /// What the service makes of one look-up; `result` is the look-up's own, kept for its status
    /// and problem.
    private func settle(_ index: Int, _ lookup: Lookup, as result: DeletionResult?) {
        if case .found(let user) = lookup { users[index] = user }
        guard let verdict = batch.service.verdictBeforeDelete(lookup) else { return }
        var outcome = result ?? DeletionResult(service: batch.service.name, id: ids.id(at: index), line: ids.line(at: index), verdict: verdict)
        outcome.verdict = verdict
        settled[index] = outcome
    }
}

/// Reads a secret from the file an option names, else from an environment variable.
func secret(file: String?, option: String, environment: String, console: Console) throws -> String? {
    // Read even when the file wins: set but empty is refused whatever else is given.
    let fromEnvironment = try environmentValue(environment)
    if let file {
        let secret = try SecretFile(path: file, option: option)
        if let warning = secret.warning { console.warning(warning) }
        return secret.value
    }
    guard let value = fromEnvironment else { return nil }
    try checkSecret(value, source: environment)
    return value
}
