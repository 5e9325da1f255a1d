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
            let prepared = try run.prepare(arguments: arguments, plan: makePlan)
            let renderer = run.renderer(for: prepared.service)
            Interrupts.install()
            var summary: BatchSummary
            if options.by == .email {
                // The search returns the whole users: no look-up needed.
                let found = run.find(prepared, renderer: renderer)
                if let stop = found.stop {
                    summary = stop
                } else {
                    summary = BatchSummary(total: 0)
                    for index in 0..<found.ids.count {
                        var result = DeletionResult(
                            service: prepared.service.name, id: found.ids.id(at: index), line: found.ids.line(at: index),
                            verdict: Verdict(outcome: .found), status: 200)
                        result.user = found.users[index]
                        renderer.render(result)
                        summary.include(result)
                    }
                    found.unresolved.forEach {
                        renderer.render($0); summary.include($0)
                    }
                }
            } else {
                summary = run.showing(prepared.inputs.count, on: renderer) { emit in
                    prepared.batch.run(.lookUp, prepared.inputs, stop: Interrupts.stop, emit: emit)
                }
            }
            renderer.finish(summary)
            return summary.exitStatus
        }
    }
}
