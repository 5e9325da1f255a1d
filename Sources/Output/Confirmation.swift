#if canImport(Glibc)
import Glibc
#endif
import OffboardCore

/// Asks the operator on the terminal itself (`/dev/tty`), so a confirmation works even when
/// standard input carries the IDs, and cannot be answered by a pipe.
public struct Confirmation {
    /// IDs listed before "and N more".
    static let shownIDs = 5
    /// Above this many, the answer must be the count itself, so a mass deletion is never one stray `y`.
    public static let countAnswerThreshold = 100

    /// True when there is a terminal to ask on.
    public static var terminalAvailable: Bool {
        isatty(STDERR_FILENO) == 1 && controllingTerminalAvailable
    }

    /// True when `/dev/tty` opens: the process has a controlling terminal (`setsid` leaves none).
    public static var controllingTerminalAvailable: Bool {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Shows what will be deleted and reads the answer. False when declined or unanswered.
    public static func ask(ids: IDList, service: any DeletionService) -> Bool {
        guard let tty = fopen("/dev/tty", "r+") else { return false }
        defer { fclose(tty) }
        let count = ids.count
        let noun = count == 1 ? "user" : "users"
        var text = "About to delete \(count) \(service.name) \(noun) (\(service.scopeDescription)) at \(service.baseURL):\n"
        for index in 0..<min(count, shownIDs) { text += "  \(ids.id(at: index))\n" }
        if count > shownIDs { text += "  … and \(count - shownIDs) more\n" }
        text += count > countAnswerThreshold
            ? "Type \(count) to delete \(count) \(noun): "
            : "Delete \(count == 1 ? "this user" : "these \(count) users")? [y/N] "
        guard let line = prompt(text, on: tty) else { return false }
        let answer = line.filter { !$0.isWhitespace }.lowercased()
        return count > countAnswerThreshold ? answer == String(count) : (answer == "y" || answer == "yes")
    }
}

/// Writes `text` on the terminal and reads one line of answer, without its line end.
func prompt(_ text: String, on tty: UnsafeMutablePointer<FILE>) -> String? {
    fputs(text, tty)
    fflush(tty)
    var buffer: UnsafeMutablePointer<CChar>? = nil
    var capacity = 0
    defer { free(buffer) }
    guard getline(&buffer, &capacity, tty) >= 0, let buffer else { return nil }
    var line = String(cString: buffer)
    while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
    return line
}
