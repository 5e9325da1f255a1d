import ArgumentParser
import HTTPCore
import OffboardCore
import Output
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a service's command resolves before any ID is read or anything is sent.
struct ServicePlan {
    var baseURL: BaseURL
    /// How this service's IDs are written; it may learn the tenant from the first ID.
    var format: any IDFormat
    var rerun = false
    /// The service, once the IDs are read (Akana's tenant can come from them).
    var makeService: (IDList) throws -> any DeletionService
}

/// The path every `delete` takes: arguments → validated plan and IDs → confirmation →
/// batch → renderer → exit status. Nothing is sent before every check has passed.
struct DeletionRun {
    let options: DeleteOptions

    func execute(arguments: [String], plan makePlan: @escaping (Console) throws -> ServicePlan) throws -> Never {
        let console = options.connection.console
        try reportingErrors(console) { try perform(arguments: arguments, console: console, makePlan: makePlan) }
    }

    private func perform(arguments: [String], console: Console, makePlan: (Console) throws -> ServicePlan) throws -> ExitStatus {
        try IDReader.requireInput(arguments: arguments, file: options.fromFile)
        let plan = try makePlan(console)
        try options.connection.prepare(console, baseURL: plan.baseURL)
        let (ids, warnings) = try IDReader.read(arguments: arguments, file: options.fromFile, format: plan.format)
        warnings.forEach(console.warning)
        let service = try plan.makeService(ids)
        let journal = try options.journal.map {
            try Journal(path: $0, service: service.name, scope: service.scope, baseURL: service.baseURL, ids: ids,
                        ignoreNotFound: options.ignoreNotFound, forWriting: !options.dryRun)
        }
        if let journal, journal.damagedLines > 0 {
            console.warning("--journal \(journal.path): ignored \(journal.damagedLines) damaged line(s), as a crash in the middle of a write leaves")
        }
        // libcurl is loaded here, once everything is checked: a machine without it is told
        // before the operator confirms and before a journal is created.
        let loop = try options.connection.transferLoop(console, redaction: service.redaction, connections: options.concurrency)

        if !options.dryRun, !options.yes {
            guard Confirmation.terminalAvailable else {
                throw OffboardError(.usage, "no terminal to confirm on — pass --yes to delete without asking (or --dry-run to only show the requests)")
            }
            guard Confirmation.ask(ids: ids, service: service) else {
                console.err("nothing deleted")
                return .refused
            }
        }

        if !options.dryRun { try journal?.beginWriting() }

        let renderer: any ResultRenderer = options.format == .json
            ? JSONRenderer(console: console)
            : HumanRenderer(console: console, quiet: options.quiet, scope: "\(service.name), \(service.scopeDescription)")
        let batch = Batch(service: service, settings: options.batchSettings(rerun: plan.rerun), transport: loop)
        Interrupts.install()
        let progress = ProgressLine(total: ids.count)
        let summary = batch.run(ids, journal: journal, stop: Interrupts.stop) { result in
            progress.erase(before: result)
            renderer.render(result)
            progress.advance()
        }
        progress.erase()
        renderer.finish(summary)
        if let error = summary.journalError { console.error(error.message) }
        return summary.exitStatus
    }
}

/// Reads a secret from the file an option names, else from an environment variable.
func secret(file: String?, option: String, environment: String, console: Console) throws -> String? {
    if let file {
        let secret = try SecretFile(path: file, option: option)
        if let warning = secret.warning { console.warning(warning) }
        return secret.value
    }
    guard let value = try environmentValue(environment) else { return nil }
    try checkSecret(value, source: environment)
    return value
}

/// Ctrl-C (and SIGTERM): the first stops new deletions and lets in-flight ones finish and
/// report; a second one exits at once.
enum Interrupts {
    static let stop = StopRequest()
    /// Counted apart from `stop`, which a failing stdout also sets: that is not a first Ctrl-C.
    static let signalsReceived = Atomic<Int>(0)

    static func install() {
        // Both initialised here, not first in a signal handler.
        _ = stop
        _ = signalsReceived.load(ordering: .relaxed)
        // Writes to a closed pipe fail with EPIPE instead of killing the run mid-batch.
        signal(SIGPIPE, SIG_IGN)
        let handler: @convention(c) (Int32) -> Void = { _ in
            if Interrupts.signalsReceived.add(1, ordering: .relaxed).oldValue > 0 { _exit(130) }
            Interrupts.stop.request(.interrupted)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A parent may have started us with them blocked (posix_spawn from a worker thread).
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    }

    /// Standard output failed: results can no longer be shown, so nothing new starts. A reader
    /// that went away (EPIPE: `offboard … | head -1`) needs no message; a full disk or a closed
    /// descriptor (`>&-`) does, once.
    @Sendable static func outputFailed(_ error: Int32) {
        guard stop.request(.outputFailed), error != EPIPE else { return }
        writeAll("error: cannot write to standard output: \(String(cString: strerror(error))) — the run stops; nothing new is sent\n",
                 to: STDERR_FILENO)
    }
}
