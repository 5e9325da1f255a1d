import OffboardCore

#if canImport(Glibc)
import Glibc
#endif

/// Asks the operator on the terminal itself (`/dev/tty`), so a confirmation works even when
/// standard input carries the IDs, and cannot be answered by a pipe.
public struct Confirmation {
    /// IDs listed before "and N more".
    static let shownIDs = 5
    /// Above this many, the answer must be the count itself, so a mass deletion is never one stray `y`.
    public static let countAnswerThreshold = 100

    /// True when there is a terminal to ask on: the controlling terminal, whatever standard
    /// error is (`2>&1 | tee log` on a terminal still asks there).
    public static var terminalAvailable: Bool { controllingTerminalAvailable }

    /// True when `/dev/tty` opens: the process has a controlling terminal (`setsid` leaves none).
    public static var controllingTerminalAvailable: Bool {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// What the confirmation shows: the IDs about to get a DELETE, who they are when `--check`
    /// looked them up, what the check settled without one, and what a journal shows done.
    public struct Listing {
        let ids: IDList
        let users: [Int: UserRecord]
        let settled: [Int: DeletionResult]
        let checked: Bool
        /// Email addresses no user was found for.
        let unresolved: Int
        /// The journal of a resumed run, and the IDs (by index) it shows done: not sent again.
        let journal: (path: String, done: Set<Int>)?

        public init(
            ids: IDList, users: [Int: UserRecord], settled: [Int: DeletionResult], checked: Bool, unresolved: Int,
            journal: (path: String, done: Set<Int>)? = nil
        ) {
            self.ids = ids
            self.users = users
            self.settled = settled
            self.checked = checked
            self.unresolved = unresolved
            self.journal = journal
        }

        /// Indices of the IDs that get a DELETE, in input order.
        public var toDelete: [Int] { (0..<ids.count).filter { settled[$0] == nil && journal?.done.contains($0) != true } }

        /// `Checked 7: 4 active, 2 already deleted, 1 not found — only the 4 get a DELETE.`
        var checkLine: String? {
            guard checked else { return nil }
            var counts: [(String, Int)] = []
            func count(_ label: String) {
                if let at = counts.firstIndex(where: { $0.0 == label }) { counts[at].1 += 1 } else { counts.append((label, 1)) }
            }
            for index in toDelete { count(users[index]?.status.map(terminalSafe) ?? "status unknown") }
            for index in 0..<ids.count {
                guard let result = settled[index] else { continue }
                switch result.outcome {
                case .alreadyDeleted: count("already deleted")
                case .notFound: count("not found")
                default: count("failed (\(result.error?.kind.rawValue ?? "error"))")
                }
            }
            if unresolved > 0 { counts.append(("email not found", unresolved)) }
            let parts = counts.map { "\(grouped($0.1)) \($0.0)" }.joined(separator: ", ")
            let skipped = settled.count + unresolved
            let checked = counts.reduce(0) { $0 + $1.1 }
            return "Checked \(grouped(checked)): \(parts)" + (skipped > 0 ? " — only the \(grouped(toDelete.count)) get a DELETE" : "")
        }

        /// `1,474 to delete; 526 done in the journal leavers.journal (not sent again)`.
        var journalLine: String? {
            guard let journal, !journal.done.isEmpty else { return nil }
            return "\(grouped(toDelete.count)) to delete; \(grouped(journal.done.count)) done in the journal \(journal.path) (not sent again)"
        }
    }

    /// Shows what will be deleted and reads the answer. False when declined or unanswered.
    /// - Parameter interrupted: checked while waiting for the answer: a Ctrl-C ends the wait at
    ///   once (the signal may be taken by any thread, so the read cannot count on being interrupted).
    public static func ask(_ listing: Listing, service: any DeletionService, interrupted: () -> Bool = { false }) -> Bool {
        guard let tty = fopen("/dev/tty", "r+") else { return false }
        defer { fclose(tty) }
        let toDelete = listing.toDelete
        let count = toDelete.count
        let noun = count == 1 ? "user" : "users"
        var text = "About to delete \(grouped(count)) \(service.name) \(noun) (\(service.scopeDescription)) at \(service.baseURL):\n"
        for index in toDelete.prefix(shownIDs) {
            let id = listing.ids.id(at: index)
            text += "  \(listing.users[index].map { HumanRenderer.userLine(id, $0) } ?? id)\n"
        }
        if count > shownIDs { text += "  … and \(grouped(count - shownIDs)) more\n" }
        for line in [listing.checkLine, listing.journalLine].compactMap({ $0 }) { text += line + "\n" }
        text +=
            count > countAnswerThreshold
            ? "Type \(count) to delete \(grouped(count)) \(noun): "
            : "Delete \(count == 1 ? "this user" : "these \(count) users")? [y/N] "
        guard let line = prompt(text, on: tty, interrupted: interrupted) else { return false }
        let answer = line.filter { !$0.isWhitespace }.lowercased()
        // The count as shown in the question, or grouped as in the listing (`1,474`).
        return count > countAnswerThreshold ? answer.filter { $0 != "," } == String(count) : (answer == "y" || answer == "yes")
    }
}

/// Writes `text` on the terminal and reads one line of answer, without its line end; nil when
/// there is none, or once `interrupted` says so (checked ten times a second while waiting).
func prompt(_ text: String, on tty: UnsafeMutablePointer<FILE>, interrupted: () -> Bool = { false }) -> String? {
    fputs(text, tty)
    fflush(tty)
    // A terminal in canonical mode has input to read only once a whole line was typed.
    var ready = pollfd(fd: fileno(tty), events: Int16(POLLIN), revents: 0)
    while poll(&ready, 1, 100) == 0 || (ready.revents == 0) {
        if interrupted() {
            fputs("\n", tty)
            return nil
        }
    }
    var buffer: UnsafeMutablePointer<CChar>? = nil
    var capacity = 0
    defer { free(buffer) }
    guard getline(&buffer, &capacity, tty) >= 0, let buffer else { return nil }
    var line = String(cString: buffer)
    while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
    return line
}
