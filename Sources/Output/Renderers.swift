import HTTPCore
import OffboardCore

/// Turns results into what the operator reads: `--output human` or `--output json`.
public protocol ResultRenderer {
    func render(_ result: DeletionResult)
    func finish(_ summary: BatchSummary)
}

/// NDJSON on stdout: one whole object per distinct ID, in the contract's schema.
public struct JSONRenderer: ResultRenderer {
    let console: Console

    public init(console: Console) {
        self.console = console
    }

    public func render(_ result: DeletionResult) {
        console.out(result.json.serialized)
    }

    public func finish(_ summary: BatchSummary) {}
}

/// Human output: successes one line each on stdout, failures field by field on stderr,
/// and a summary on stderr for batches. IDs a stopped batch did not attempt are listed up to
/// `shownNotAttempted`, then counted in one line: a Ctrl-C in a 100,000-ID run must not scroll
/// the terminal for minutes (`--json` and the journal list every one).
public final class HumanRenderer: ResultRenderer {
    static let shownNotAttempted = 5
    let console: Console
    let quiet: Bool
    /// For the summary line, e.g. `torii, test environment`.
    let scope: String
    // Touched only by `render` (one result at a time) and then `finish`.
    private var notAttempted = 0
    private var notAttemptedLines = NumberRuns()
    private var notAttemptedReason = ""

    public init(console: Console, quiet: Bool, scope: String) {
        self.console = console
        self.quiet = quiet
        self.scope = scope
    }

    public func render(_ result: DeletionResult) {
        let place = result.line.map { " (line \($0))" } ?? ""
        if let error = result.error, error.kind == .notAttempted {
            notAttempted += 1
            if notAttempted > Self.shownNotAttempted {
                if let line = result.line { notAttemptedLines.append(UInt32(line)) }
                notAttemptedReason = error.message
                return
            }
        }
        if let error = result.error {
            renderFailure(result, error, place: place)
            return
        }
        if let warning = result.verdict.warning {
            console.warning("\(result.id)\(place): \(terminalSafe(warning))")
        }
        // A dry run's listing is what was asked for, not a success to keep quiet about.
        guard !quiet || result.outcome == .wouldDelete else { return }
        let console = self.console
        let paint = { (text: String) in console.paint(text, .green, on: console.colorOnStdout) }
        switch result.outcome {
        case .found:
            guard let user = result.user else { return }
            console.out(HumanRenderer.userLine(result.id, user) + place)
        case .deleted: console.out("\(paint(result.verified == true ? "deleted (verified)" : "deleted")) \(result.id)\(place)")
        case .alreadyDeleted: console.out("\(paint(result.verified == true ? "already deleted (verified)" : "already deleted")) \(result.id)\(place)")
        case .notFound: console.out("not found \(result.id)\(place) (ignored: --ignore-not-found)")
        case .skipped: console.out("skipped \(result.id)\(place): done in an earlier run, per the journal")
        case .wouldDelete:
            guard let request = result.request else { return }
            console.out("would delete \(result.id)\(place): \(request.method) \(request.url)")
            for header in request.headers { console.out("  \(header.name): \(header.value)") }
        case .failed: break
        }
    }

    /// `<id>  <name>  <email>  <status>`, and when the service soft-deleted it `  deleted <when>`;
    /// `-` for a field the service did not send. Server text, so made safe for the terminal.
    static func userLine(_ id: String, _ user: UserRecord) -> String {
        var fields = [id] + [user.name, user.email, user.status].map { terminalSafe($0 ?? "-") }
        if let deletedAt = user.deletedAt { fields.append("deleted \(terminalSafe(deletedAt))") }
        return fields.joined(separator: "  ")
    }

    private func renderFailure(_ result: DeletionResult, _ error: Failure, place: String) {
        // The status, unless the message already names it ("server error (HTTP 500)").
        // A 2xx is no refusal (an address no user has, a deletion not verified): not named.
        let status = result.status.flatMap { $0 < 300 || error.message.contains("HTTP \($0)") ? nil : " (HTTP \($0))" } ?? ""
        console.error("\(result.id)\(place): \(terminalSafe(error.message))\(status)")
        if let problem = result.problem {
            for line in HumanRenderer.fields(of: problem) { console.err("  \(terminalSafe(line))") }
        }
        if let hint = error.hint {
            console.err("  " + console.paint("hint:", .dim, on: console.colorOnStderr) + " \(hint)")
        }
    }

    /// A problem field by field: the standard members first, then every other member as sent;
    /// an object member (Torii's `properties`) is spread out as `properties.key`.
    static func fields(of problem: Problem) -> [String] {
        let standard = ["title", "status", "detail", "type", "instance"]
        var lines: [String] = []
        for name in standard {
            if let value = problem.json[name] { lines.append("\(name): \(text(of: value))") }
        }
        for (name, value) in problem.members where !standard.contains(name) {
            if case .object(let members) = value, !members.isEmpty {
                for (key, inner) in members { lines.append("\(name).\(key): \(text(of: inner))") }
            } else {
                lines.append("\(name): \(text(of: value))")
            }
        }
        return lines
    }

    private static func text(of value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.serialized
    }

    public func finish(_ summary: BatchSummary) {
        if notAttempted > Self.shownNotAttempted {
            let lines = notAttemptedLines.isEmpty ? "" : " (\(notAttemptedLines.labelled("line")))"
            console.error(
                "\(grouped(notAttempted - Self.shownNotAttempted)) more\(lines) \(terminalSafe(notAttemptedReason)) — --json or --journal lists every one"
            )
        }
        guard summary.total > 1 || summary.stopReason != nil else { return }
        guard !(quiet && summary.failures == 0 && summary.stopReason == nil) else { return }
        console.err(HumanRenderer.summaryLine(summary, scope: scope))
    }

    /// `3 deleted, 1 already deleted, 1 failed of 5 in 1.2 s (torii, test environment)`; after a
    /// stop, `526 deleted, 1,474 not attempted (interrupted) of 2,000 in 12.3 s (…)`.
    public static func summaryLine(_ summary: BatchSummary, scope: String) -> String {
        let order: [(Outcome, String)] = [
            (.found, "found"), (.deleted, "deleted"), (.alreadyDeleted, "already deleted"), (.notFound, "not found"),
            (.skipped, "skipped"), (.wouldDelete, "would be deleted"), (.failed, "failed"),
        ]
        var parts = order.compactMap { outcome, words in
            let count = (summary.counts[outcome] ?? 0) - (outcome == .failed ? summary.notAttempted : 0)
            return count > 0 ? "\(grouped(count)) \(words)" : nil
        }
        let stop = summary.stopReason.map(stopWords)
        if summary.notAttempted > 0 {
            parts.append("\(grouped(summary.notAttempted)) not attempted" + (stop.map { " (\($0))" } ?? ""))
        }
        if parts.isEmpty { parts = ["nothing done"] }
        let tenths = (summary.elapsed.milliseconds + 50) / 100
        var line = "\(parts.joined(separator: ", ")) of \(grouped(summary.total)) in \(tenths / 10).\(tenths % 10) s (\(scope))"
        // The IDs not attempted already name the stop.
        if let stop, summary.notAttempted == 0 { line += "; stopped: \(stop)" }
        return line
    }

    private static func stopWords(_ reason: BatchSummary.StopReason) -> String {
        switch reason {
        case .credentialsRejected: "credentials rejected"
        case .rateLimited: "rate limited"
        case .sessionNotRenewed: "session not renewed"
        case .localError: "local error"
        case .interrupted: "interrupted"
        case .outputFailed: "standard output could not be written"
        case .journalFailed: "the journal could not be written"
        }
    }
}
