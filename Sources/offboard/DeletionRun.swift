import ArgumentParser
import HTTPCore
import OffboardCore
import Output
#if canImport(Glibc)
import Glibc
#endif

/// What a service's command resolves before anything is read or sent.
struct ServicePlan {
    var service: any DeletionService
    var baseURL: BaseURL
    var format: any IDFormat
    var rerun: Bool
}

/// The path every `delete` takes: arguments → validated plan and IDs → confirmation →
/// batch → renderer → exit status. Nothing is sent before every check has passed.
struct DeletionRun {
    let options: DeleteOptions

    func execute(arguments: [String],
                 plan makePlan: (Console) throws -> ServicePlan) async throws {
        let console = Console(noColor: options.noColor)
        let status: ExitStatus
        do {
            status = try await perform(arguments: arguments, console: console, makePlan: makePlan)
        } catch let error as OffboardError {
            console.error(error.message)
            throw ExitCode(error.status.rawValue)
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    private func perform(arguments: [String], console: Console,
                         makePlan: (Console) throws -> ServicePlan) async throws -> ExitStatus {
        if options.insecure {
            console.warning("--insecure: TLS certificates are not verified; anyone on the network path can read or change this traffic, credentials included")
        }
        if let cacert = options.cacert, access(cacert, R_OK) != 0 {
            throw OffboardError(.configuration, "cannot read --cacert \(cacert): \(String(cString: strerror(errno))) — give a readable PEM file")
        }
        let plan = try makePlan(console)
        if !plan.baseURL.isHTTPS, !plan.baseURL.isLoopback {
            console.warning("\(plan.baseURL) is plain HTTP: credentials cross the network unencrypted — use https://")
        }
        let (ids, warnings) = try IDReader.read(arguments: arguments, file: options.fromFile, format: plan.format)
        warnings.forEach(console.warning)

        if !options.dryRun, !options.yes {
            guard Confirmation.terminalAvailable else {
                throw OffboardError(.usage, "no terminal to confirm on — pass --yes to delete without asking (or --dry-run to only show the requests)")
            }
            guard Confirmation.ask(ids: ids, service: plan.service) else {
                console.err("nothing deleted")
                return .refused
            }
        }

        let renderer: any ResultRenderer = options.format == .json
            ? JSONRenderer(console: console)
            : HumanRenderer(console: console, quiet: options.quiet, scope: "\(plan.service.name), \(plan.service.scopeDescription)")
        let trace = options.verbose ? Trace(write: { console.err($0) }) : nil
        let loop = TransferLoop(maxConnections: options.concurrency, trace: trace, userAgent: "offboard/\(OffboardVersion.current)")
        let batch = Batch(service: plan.service, settings: options.batchSettings(rerun: plan.rerun), loop: loop)
        Interrupts.install()
        let summary = await batch.run(ids, stop: Interrupts.stop) { renderer.render($0) }
        renderer.finish(summary)
        return summary.exitStatus
    }
}

/// Ctrl-C (and SIGTERM): the first stops new deletions and lets in-flight ones finish and
/// report; a second one exits at once.
enum Interrupts {
    static let stop = StopRequest()

    static func install() {
        let handler: @convention(c) (Int32) -> Void = { _ in
            if Interrupts.stop.isRequested { _exit(130) }
            Interrupts.stop.request()
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
}
