import OffboardCore

#if canImport(Glibc)
import Glibc
#endif

/// The progress line on a terminal's stderr: `1,234/10,000 · 850/s · ETA 10 s`, or
/// `… · 48/s, server-limited · …` while the server's rate limit sets the pace. Drawn at most
/// ten times a second, and erased before anything else is printed, so it never mixes with
/// results. It does nothing when stderr is not a terminal that takes escape sequences
/// (`TERM=dumb`). Used by one thread at a time: the transfer thread while a batch runs (results,
/// and the Ctrl-C notice, are written there), the command's thread before and after.
public final class ProgressLine: @unchecked Sendable {
    /// The least time between two drawings: a fast batch printing its results on the terminal
    /// erases the line for each, and redrawing it as often would cost more than the results.
    static let redrawInterval = Duration.milliseconds(100)
    private let total: Int
    private let enabled: Bool
    private let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private var shown = false
    private var done = 0
    /// The server's answers set the pace (429s, RateLimit headers).
    private var serverLimited = false

    public init(total: Int) {
        self.total = total
        enabled = total > 1 && Console.takesEscapes(STDERR_FILENO)
        started = clock.now
    }

    /// Call before printing anything on the terminal.
    public func erase() {
        guard shown else { return }
        Console.write("\r\u{1B}[K", to: STDERR_FILENO)
        shown = false
    }

    /// Erases the line when this result will be printed on the terminal (results on stdout
    /// when it is one; failures and warnings always go to stderr).
    public func erase(before result: DeletionResult) {
        if stdoutIsTerminal || result.error != nil || result.verdict.warning != nil { erase() }
    }

    /// The batch's pace changed.
    public func paced(_ change: PaceChange) {
        serverLimited = change.serverLimited
    }

    /// One more ID is finished.
    public func advance() {
        done += 1
        guard enabled, done < total else { return }
        let now = clock.now
        // Erased or not, the line waits out the interval: one result after another on the
        // terminal would otherwise redraw it once per ID.
        if let lastDraw, now - lastDraw < Self.redrawInterval { return }
        lastDraw = now
        Console.write("\r\u{1B}[K" + fields(at: now).joined(separator: " · "), to: STDERR_FILENO)
        shown = true
    }

    /// What the line shows, field by field: done/total, then the rate (and whether the server
    /// sets it) and the time left once there is a rate.
    func fields(at now: ContinuousClock.Instant) -> [String] {
        var fields = ["\(grouped(done))/\(grouped(total))"]
        let seconds = Double((now - started).milliseconds) / 1000
        let rate = seconds > 0 ? Double(done) / seconds : 0
        if rate > 0 {
            fields.append("\(grouped(Int(rate.rounded())))/s" + (serverLimited ? ", server-limited" : ""))
            fields.append("ETA \(grouped(Int((Double(total - done) / rate).rounded(.up)))) s")
        }
        return fields
    }
}
