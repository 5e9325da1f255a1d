import OffboardCore
import Output

/// The path every `show` takes: arguments → validated plan and IDs → (`--by email`: the users
/// found) → look-ups → renderer → exit status. Read-only: no confirmation, no journal.
struct ShowRun {
    let options: BatchOptions

    func execute(arguments: [String], plan makePlan: @escaping (Console) throws -> ServicePlan) throws -> Never {
        let console = options.connection.console
        try reportingErrors(console) {
            let run = UserListRun(options: options, console: console)
            let prepared = try run.prepare(arguments: arguments, purpose: "looked up", settings: { [options] _ in options.settings }, plan: makePlan)
            let renderer = run.renderer(for: prepared.service)
            Interrupts.install()
            // With `--by email` the search returns the whole users: no look-up needed.
            let work: Batch.Work = options.by == .email ? .findByEmail(run.searching(prepared.service)) : .lookUp
            let summary = run.showing(prepared.inputs.count, on: renderer, via: prepared.loop, notice: .lookUps) { emit, paced in
                prepared.batch.run(work, prepared.inputs, stop: Interrupts.stop, paceChanged: paced, emit: emit)
            }
            renderer.finish(summary)
            if let error = summary.stopError { console.error(error.message) }
            return summary.exitStatus
        }
    }
}
