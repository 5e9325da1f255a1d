import OffboardCore

#if canImport(Glibc)
import Glibc
#endif

/// The progress line on a terminal's stderr: `1234/10000 · 850/s · ETA 10 s`, or
/// `… · 48/s, server-limited · …` while the server's rate limit sets the pace. Drawn at most
/// ten times a second, and erased before anything else is printed, so it never mixes with
/// results. It does nothing when stderr is not a terminal.
public final class ProgressLine {
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
        enabled = total > 1 && isatty(STDERR_FILENO) == 1
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
        // Redrawn at once after an erase; otherwise at most every 100 ms.
        if shown, let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        let seconds = Double((now - started).milliseconds) / 1000
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var line = "\r\u{1B}[K\(done)/\(total)"
        if rate > 0 {
            line += " · \(Int(rate.rounded()))/s\(serverLimited ? ", server-limited" : "") · ETA \(Int((Double(total - done) / rate).rounded(.up))) s"
        }
        Console.write(line, to: STDERR_FILENO)
        shown = true
    }
}
