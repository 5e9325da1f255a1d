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
        var plan: ServicePlan
        /// The IDs, or with `--by email` the addresses.
        var inputs: IDList
        var service: any DeletionService
        var batch: Batch
    }

    /// The users that email addresses stand for.
    struct Found {
        var ids: IDList
        /// The user each ID was found as, by ID index.
        var users: [Int: UserRecord]
        /// Addresses no user has, or whose search failed: no ID stands for them.
        var unresolved: [DeletionResult]
        /// Set when the run must end here: addresses several users share (exit 65), or a search
        /// stopped (rejected credentials, Ctrl-C). Every result is then already shown.
        var stop: BatchSummary?
    }

    func prepare(arguments: [String], plan makePlan: (Console) throws -> ServicePlan) throws -> Prepared {
        try IDReader.requireInput(arguments: arguments, file: options.fromFile)
        let plan = try makePlan(console)
        try options.connection.prepare(console, baseURL: plan.baseURL)
        let format: any IDFormat = options.by == .email ? EmailFormat() : plan.format
        let (inputs, warnings) = try IDReader.read(arguments: arguments, file: options.fromFile, format: format)
        warnings.forEach(console.warning)
        let service = try plan.makeService(inputs)
        // libcurl is loaded here, once everything is checked: a machine without it is told
        // before the operator confirms and before a journal is created.
        let loop = try options.connection.transferLoop(console, redaction: service.redaction, connections: options.concurrency)
        return Prepared(plan: plan, inputs: inputs, service: service, batch: Batch(service: service, settings: options.settings, transport: loop))
    }

    func renderer(for service: any DeletionService, quiet: Bool = false) -> any ResultRenderer {
        options.format == .json
            ? JSONRenderer(console: console)
            : HumanRenderer(console: console, quiet: quiet, scope: "\(service.name), \(service.scopeDescription)")
    }

    /// Runs a batch with the progress line, each result rendered as it comes.
    func showing(_ total: Int, on renderer: any ResultRenderer, _ run: (@escaping (DeletionResult) -> Void) -> BatchSummary) -> BatchSummary {
        let progress = ProgressLine(total: total)
        let summary = run { result in
            progress.erase(before: result)
            renderer.render(result)
            progress.advance()
        }
        progress.erase()
        return summary
    }

    /// `--by email`: searches every address. Found users are not shown here (the caller shows
    /// them, or deletes them); failures are, unless `showAll`.
    func find(_ prepared: Prepared, renderer: any ResultRenderer) -> Found {
        guard let search = prepared.service as? any UserSearching else {
            preconditionFailure("--by email is refused before this for a service without a search")
        }
        let emails = prepared.inputs
        let position = Dictionary(uniqueKeysWithValues: (0..<emails.count).map { (emails.id(at: $0), $0) })
        var found: [(position: Int, user: UserRecord, id: String)] = []
        var unresolved: [DeletionResult] = []
        let summary = prepared.batch.run(.findByEmail(search), emails, stop: Interrupts.stop) { result in
            if let user = result.user, let id = user.id {
                found.append((position[result.id] ?? 0, user, id))
            } else {
                unresolved.append(result)
            }
        }
        // In input order, as IDs given directly would be.
        found.sort { $0.position < $1.position }
        unresolved.sort { (position[$0.id] ?? 0) < (position[$1.id] ?? 0) }
        var stop: BatchSummary?
        if summary.stopReason != nil || unresolved.contains(where: { $0.error?.kind == .ambiguous }) {
            unresolved.forEach(renderer.render)
            stop = summary
        }
        let ids = IDList(found: found.map { (UserID($0.id[...]), emails.line(at: $0.position)) })
        let users = Dictionary(uniqueKeysWithValues: found.enumerated().map { ($0.offset, $0.element.user) })
        return Found(ids: ids, users: users, unresolved: unresolved, stop: stop)
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
