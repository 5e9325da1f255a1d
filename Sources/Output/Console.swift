import OffboardCore

#if canImport(Glibc)
import Glibc
#endif

/// Standard output and error, written with one `write(2)` per call so a line is never split
/// or interleaved with another.
public struct Console: Sendable {
    public let colorOnStdout: Bool
    public let colorOnStderr: Bool
    /// Called with errno when a write to stdout fails: EPIPE when it is closed
    /// (`offboard … | head -1`), ENOSPC, EBADF (`>&-`), EIO otherwise.
    private let onStdoutFailed: (@Sendable (Int32) -> Void)?

    /// Colour only on a terminal that takes escape sequences, and never with `--no-color` or
    /// `NO_COLOR` (https://no-color.org).
    public init(noColor: Bool, onStdoutFailed: (@Sendable (Int32) -> Void)? = nil) {
        self.onStdoutFailed = onStdoutFailed
        let allowed = !noColor && (getenv("NO_COLOR").map { String(cString: $0).isEmpty } ?? true)
        colorOnStdout = allowed && Console.takesEscapes(STDOUT_FILENO)
        colorOnStderr = allowed && Console.takesEscapes(STDERR_FILENO)
    }

    /// Whether `fd` is a terminal that takes escape sequences (colour, erasing a line): not one
    /// whose `TERM` is `dumb` (Emacs' shell, editors' consoles) or unset, as git and grep decide.
    public static func takesEscapes(_ fd: Int32) -> Bool {
        guard isatty(fd) == 1, let term = getenv("TERM") else { return false }
        let name = String(cString: term)
        return !name.isEmpty && name != "dumb"
    }

    public func out(_ line: String) {
        if !Console.write(line + "\n", to: STDOUT_FILENO) { onStdoutFailed?(errno) }
    }

    public func err(_ line: String) { Console.write(line + "\n", to: STDERR_FILENO) }

    public func error(_ message: String) { err(paint("error:", .red, on: colorOnStderr) + " " + message) }
    public func warning(_ message: String) { err(paint("warning:", .yellow, on: colorOnStderr) + " " + message) }

    public enum Color: String, Sendable {
        case red = "31", green = "32", yellow = "33", dim = "2"
    }

    public func paint(_ text: String, _ color: Color, on enabled: Bool) -> String {
        enabled ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// False when the stream is closed (EPIPE; SIGPIPE is ignored) or failing.
    @discardableResult
    static func write(_ text: String, to fd: Int32) -> Bool {
        writeAll(text, to: fd)
    }
}
