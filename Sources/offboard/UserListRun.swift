import HTTPCore
import OffboardCore
import Output

/// What a service's command resolves before any ID is read or anything is sent.
struct ServicePlan {
    var baseURL: BaseURL
    /// How this service's IDs are written; it may learn the tenant from the first ID.
    var format: any IDFormat
    var rerun = false
    /// The service, once the IDs are read (Akana's tenant can come from them).
    var makeService: (IDList) throws -> any DeletionService
}

/// The first steps of `show` and `delete`: the plan, the input read and checked, the service,
/// the transfer loop; then, for `--by email`, the users found by search.
struct UserListRun {
    let options: BatchOptions
    let console: Console

    /// Everything known once the input is read: nothing has been sent yet.
    struct Prepared {
        /// The IDs, or with `--by email` the addresses.
        let inputs: IDList
        let service: any DeletionService
        let batch: Batch
        /// The batch's transport, which knows how many requests are in flight.
        let loop: TransferLoop
    }

    enum FindOutcome {
        case found(Found)
        /// The run ends here; everything is shown.
        case ended(BatchSummary)
    }

    /// The users that email addresses stand for, when the deletion can go on.
    struct Found {
        var ids: IDList
        /// The user each ID was found as, by ID index.
        var users: [Int: UserRecord]
        /// The address each ID was found by.
        var emails: [String: String]
        /// What was shown already: addresses no user has, or whose search failed.
        var shown: [DeletionResult]
    }

    /// - Parameters:
    ///   - purpose: what is done with each input, for the duplicates' warning.
    ///   - settings: how the batch runs, once the plan says what the command decides (`--rerun`).
    func prepare(
        arguments: [String], purpose: String, settings: (ServicePlan) -> BatchSettings, plan makePlan: (Console) throws -> ServicePlan
    ) throws -> Prepared {
        try IDReader.requireInput(arguments: arguments, file: options.fromFile)
        let plan = try makePlan(console)
        try options.connection.prepare(console, baseURL: plan.baseURL)
        let format: any IDFormat = options.by == .email ? EmailFormat() : plan.format
        let (inputs, warnings) = try IDReader.read(arguments: arguments, file: options.fromFile, format: format, purpose: purpose)
        warnings.forEach(console.warning)
        let service = try plan.makeService(inputs)
        // libcurl is loaded here, once everything is checked: a machine without it is told
        // before the operator confirms and before a journal is created.
        let loop = try options.connection.transferLoop(console, redaction: service.redaction, connections: options.concurrency)
        return Prepared(inputs: inputs, service: service, batch: Batch(service: service, settings: settings(plan), transport: loop), loop: loop)
    }

    func renderer(for service: any DeletionService, quiet: Bool = false) -> any ResultRenderer {
        options.format == .json
            ? JSONRenderer(console: console)
            : HumanRenderer(console: console, quiet: quiet, scope: "\(service.name), \(service.scopeDescription)")
    }

    /// Runs a batch with the progress line, each result rendered as it comes.
    func showing(
        _ total: Int, on renderer: any ResultRenderer, via loop: TransferLoop, notice: StopNotice,
        _ run: (_ emit: @escaping (DeletionResult) -> Void, _ paced: @escaping (PaceChange) -> Void) -> BatchSummary
    ) -> BatchSummary {
        let progress = ProgressLine(total: total)
        let summary = running(notice, progress: progress, via: loop) { paced in
            run(
                { result in
                    progress.erase(before: result)
                    renderer.render(result)
                    progress.advance()
                }, paced)
        }
        progress.erase()
        return summary
    }

    /// Runs a batch's `body` with what every batch of a run has around it: the first Ctrl-C
    /// answered at once with `notice`, and the pace shown on the progress line (`paced`).
    func running(
        _ notice: StopNotice, progress: ProgressLine, via loop: TransferLoop, _ body: (_ paced: @escaping (PaceChange) -> Void) -> BatchSummary
    ) -> BatchSummary {
        Interrupts.announcing(notice, on: loop, progress: progress, console: console) { body(pacing(progress)) }
    }

    /// What a change of the batch's pace does: the progress line shows it, `-v` traces it.
    func pacing(_ progress: ProgressLine) -> (PaceChange) -> Void {
        let verbose = options.connection.verbose
        return { [console] change in
            progress.paced(change)
            guard verbose else { return }
            progress.erase()
            console.err("* pace: \(change)")
        }
    }

    /// `--by email` before a deletion: searches every address. Addresses no user has (or whose
    /// search failed) are shown as they come: they are final. Nil when the run must end here —
    /// addresses several users share (exit 65), a search stopped (rejected credentials, a base
    /// URL that is not the API's, Ctrl-C) — and then every address is shown, the users found as
    /// `not_attempted`, and the summary says how it ended.
    func find(_ prepared: Prepared, renderer: any ResultRenderer, ignoreNotFound: Bool) -> FindOutcome {
        let emails = prepared.inputs
        let position = Dictionary(uniqueKeysWithValues: (0..<emails.count).map { (emails.id(at: $0), $0) })
        var found: [(position: Int, result: DeletionResult)] = []
        var shown: [DeletionResult] = []
        let progress = ProgressLine(total: emails.count)
        let search = running(.lookUps, progress: progress, via: prepared.loop) { paced in
            prepared.batch.run(.findByEmail(searching(prepared.service)), emails, stop: Interrupts.stop, paceChanged: paced) { result in
                if result.user != nil {
                    found.append((position[result.email ?? ""] ?? 0, result))
                } else {
                    var result = result
                    if result.outcome == .notFound, ignoreNotFound { result.verdict.error = nil }
                    progress.erase(before: result)
                    renderer.render(result)
                    shown.append(result)
                }
                progress.advance()
            }
        }
        progress.erase()
        // In input order, as IDs given directly would be.
        found.sort { $0.position < $1.position }
        let ambiguous = shown.contains { $0.error?.kind == .ambiguous }
        if search.stopReason != nil || ambiguous {
            let reason =
                ambiguous
                ? "not attempted: an address of this run is shared by several users, so nothing is deleted"
                : "not attempted: the search stopped first (see above)"
            var summary = BatchSummary(total: 0)
            for (_, result) in found {
                var unsent = result
                unsent.verdict = .failed(.notAttempted, reason)
                renderer.render(unsent)
                summary.include(unsent)
            }
            shown.forEach { summary.include($0) }
            summary.stopReason = search.stopReason
            return .ended(summary)
        }
        let ids = IDList(found: found.map { (UserID($0.result.id[...]), $0.result.line) })
        return .found(
            Found(
                ids: ids,
                users: Dictionary(uniqueKeysWithValues: found.enumerated().compactMap { index, entry in entry.result.user.map { (index, $0) } }),
                emails: Dictionary(found.map { ($0.result.id, $0.result.email ?? "") }) { first, _ in first },
                shown: shown))
    }

    /// The service's search; `--by email` is refused before anything is read for one without.
    func searching(_ service: any DeletionService) -> any UserSearching {
        guard let search = service as? any UserSearching else { preconditionFailure("--by email for a service without a search") }
        return search
    }
}

extension Lookup {
    /// The look-up a `show` result stands for.
    init(_ result: DeletionResult) {
        if let user = result.user {
            self = .found(user)
        } else if result.outcome == .notFound {
            self = .notFound(result.verdict)
        } else {
            self = .failed(result.verdict)
        }
    }
}
