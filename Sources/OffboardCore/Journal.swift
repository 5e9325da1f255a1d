#if canImport(Glibc)
import Glibc
#endif

/// What an earlier run recorded for an ID.
public enum PriorResult: UInt8, Sendable {
    /// Nothing, or a failure that is safe to send again as if new.
    case none
    /// The last record is `pending` or a result that may have been applied (no answer,
    /// timeout, 5xx): send again, and a repeated-delete answer confirms the deletion.
    case unknown
    /// Deleted, already deleted (or not found with `--ignore-not-found`): not sent again.
    case done
}

/// `--journal <path>`: an append-only NDJSON file that makes a batch safe to repeat after
/// anything, `kill -9` included. A `pending` record is durable (fsync'd) before an ID's first
/// request; its result record follows. Pending records are written in groups just before the
/// requests, so the cost is one fsync per round of starts, not per ID.
public final class Journal {
    public let path: String
    private let service: String
    private let baseURL: String
    /// What else the run's credentials decide (`DeletionService.scope`): Torii's test and live
    /// share one base URL, and a test run's journal must not make a live run skip its IDs.
    /// Every record carries it, so a journal whose header lacks it is still checked.
    private let scope: String
    private var fd: Int32 = -1
    private let sizeWhenRead: Int
    private let needsNewline: Bool
    /// What the file held for each ID of this run, by index.
    public let prior: [PriorResult]
    /// Lines that did not parse (a crash in the middle of a write leaves one).
    public let damagedLines: Int

    /// Reads what the journal holds for these IDs (a missing file holds nothing). Nothing is
    /// written until `beginWriting`; a dry run (`forWriting` false) only reads an existing file,
    /// so someone else's read-only journal can be checked against.
    public init(
        path: String, service: String, scope: String, baseURL: String, ids: IDList, ignoreNotFound: Bool,
        forWriting: Bool = true
    ) throws(OffboardError) {
        self.path = path
        self.service = service
        self.scope = scope
        self.baseURL = baseURL
        try Journal.checkUsable(path, forWriting: forWriting)
        let (known, damaged, endsWithNewline, size) = try Journal.read(
            path: path, service: service, scope: scope, baseURL: baseURL,
            suffix: ids.suffix, ignoreNotFound: ignoreNotFound)
        prior = (0..<ids.count).map { known[ids.userID(at: $0)] ?? .none }
        damagedLines = damaged
        sizeWhenRead = size
        needsNewline = !endsWithNewline
    }

    /// Opens the file for this run: created if new (mode 0600, with a header record), locked
    /// against a second run using it at the same time.
    public func beginWriting() throws(OffboardError) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Journal.cannotWrite(path)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            throw OffboardError(.usage, "another offboard run is using --journal \(path) — wait for it to end, or use another journal")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) == sizeWhenRead else {
            throw OffboardError(.usage, "--journal \(path) changed while it was being read (another run?) — run again")
        }
        if needsNewline {
            // Finish a torn last line, so the next record starts on a line of its own.
            try append("\n")
        }
        if sizeWhenRead == 0 {
            try append(
                JSONValue.object([
                    ("journal", .string("offboard")), ("version", .number("1")),
                    ("service", .string(service)), ("scope", .string(scope)), ("baseUrl", .string(baseURL)), ("at", .string(rfc3339Now())),
                ]).serialized + "\n")
            try sync()
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Makes `pending` records durable for IDs about to get their first request: one write
    /// and one fsync for the whole round. Only IDs really starting get one, so after a crash
    /// no ID that was never sent reads back as "result unknown".
    public func markPending(_ indices: [Int], ids: IDList) throws(OffboardError) {
        var text = ""
        let at = rfc3339Now()
        for position in indices {
            var members: [(String, JSONValue)] = [("service", .string(service)), ("scope", .string(scope)), ("id", .string(ids.id(at: position)))]
            if let line = ids.line(at: position) { members.append(("line", .number(String(line)))) }
            members += [("outcome", .string(Journal.pending)), ("at", .string(at)), ("baseUrl", .string(baseURL))]
            JSONValue.object(members).write(to: &text)
            text += "\n"
        }
        try append(text)
        try sync()
    }

    /// Appends a result record (durable at the next group of pending records, or at `sync`).
    public func record(_ result: DeletionResult) throws(OffboardError) {
        guard case .object(var members) = result.json else { return }
        members += [("scope", .string(scope)), ("at", .string(rfc3339Now())), ("baseUrl", .string(baseURL))]
        try append(JSONValue.object(members).serialized + "\n")
    }

    public func sync() throws(OffboardError) {
        guard fsync(fd) == 0 else {
            throw Journal.cannotWrite(path)
        }
    }

    private func append(_ text: String) throws(OffboardError) {
        guard writeAll(text, to: fd) else {
            throw Journal.cannotWrite(path)
        }
    }

    /// How every journal's first line begins (`JSONValue` keeps the members' order).
    static let headerStart = Array(#"{"journal":"offboard""#.utf8)

    /// A path that cannot become the journal is refused now, before the confirmation and in a
    /// dry run too, rather than when the first record is written.
    private static func checkUsable(_ path: String, forWriting: Bool) throws(OffboardError) {
        guard !path.isEmpty else { throw OffboardError(.usage, "--journal needs a file path") }
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw OffboardError(
                    .configuration,
                    "--journal \(path) is not a file — give a file path, e.g. \(path.hasSuffix("/") ? path : path + "/")offboard.journal")
            }
            guard forWriting else { return }
            // Opening it is the real answer (access() can differ, e.g. over NFS); nothing is created.
            let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard fd >= 0 else { throw cannotWrite(path) }
            close(fd)
            return
        }
        guard errno == ENOENT else { throw cannotWrite(path) }  // e.g. ENOTDIR: a file on the way
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        guard stat(directory, &info) == 0 else { throw cannotWrite(path) }
        guard info.st_mode & S_IFMT == S_IFDIR, access(directory, W_OK | X_OK) == 0 else {
            errno = info.st_mode & S_IFMT == S_IFDIR ? errno : ENOTDIR
            throw cannotWrite(path)
        }
    }

    private static func cannotWrite(_ path: String) -> OffboardError {
        OffboardError(
            .configuration, "cannot write --journal \(path): \(String(cString: strerror(errno))) — give a path in a directory you can write")
    }

    /// The last state of each ID the file names, and how many lines were damaged.
    private static func read(
        path: String, service: String, scope: String, baseURL: String, suffix: String,
        ignoreNotFound: Bool
    ) throws(OffboardError) -> ([UserID: PriorResult], Int, Bool, Int) {
        guard let stream = fopen(path, "r") else {
            if errno == ENOENT { return ([:], 0, true, 0) }
            throw OffboardError(.configuration, "cannot read --journal \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(stream) }
        var known: [UserID: PriorResult] = [:]
        var damaged = 0
        var endsWithNewline = true
        var size = 0
        try forEachLine(of: stream) { (bytes) throws(OffboardError) in
            let length = bytes.count
            let isHeader = size == 0
            size += length
            endsWithNewline = bytes[length - 1] == 0x0A
            let content = Array(bytes.prefix(endsWithNewline ? length - 1 : length))
            let record = JSONValue.parse(content)
            // Any other file (the ID list itself, say) is never appended to. A header torn by a
            // crash still starts as one, or is the start of one.
            if isHeader, record?["journal"]?.stringValue != "offboard", !content.starts(with: Journal.headerStart),
                content.isEmpty || !Journal.headerStart.starts(with: content)
            {
                throw OffboardError(
                    .usage,
                    "--journal \(path) is not an offboard journal (its first line is no journal header) — give a new file, or the journal of an earlier run"
                )
            }
            guard let record else {
                damaged += 1
                return
            }
            if let recordService = record["service"]?.stringValue, let recordBase = record["baseUrl"]?.stringValue,
                recordService != service || recordBase != baseURL
            {
                throw OffboardError(
                    .usage,
                    "--journal \(path) was written for \(terminalSafe(recordService)) at \(terminalSafe(recordBase)), not \(service) at \(baseURL) — use another journal file"
                )
            }
            // Lines from before the scope was recorded have none: nothing to compare.
            if let recordScope = record["scope"]?.stringValue, recordScope != scope {
                throw OffboardError(
                    .usage,
                    "--journal \(path) was written for \(service) (\(terminalSafe(recordScope))), not \(service) (\(scope)) — use another journal file"
                )
            }
            guard let id = record["id"]?.stringValue, id.utf8.count > suffix.utf8.count, id.hasSuffix(suffix),
                let outcome = record["outcome"]?.stringValue
            else { return }
            known[UserID(Substring(id.utf8.dropLast(suffix.utf8.count)))] = prior(
                outcome: outcome, errorKind: record["error"]?["kind"]?.stringValue, ignoreNotFound: ignoreNotFound)
        }
        return (known, damaged, endsWithNewline, size)
    }

    /// The `outcome` of the record written before an ID's first request: no `Outcome` yet.
    static let pending = "pending"

    /// What a record's outcome means for this run; an outcome this version does not know counts
    /// as nothing done.
    static func prior(outcome: String, errorKind: String?, ignoreNotFound: Bool) -> PriorResult {
        if outcome == pending { return .unknown }
        switch Outcome(rawValue: outcome) {
        case .deleted, .alreadyDeleted, .skipped: return .done
        case .notFound: return ignoreNotFound ? .done : .none
        case .failed:
            let mayHaveBeenApplied: Set<ErrorKind> = [.timeout, .connection, .serverError, .unexpectedResponse]
            return errorKind.flatMap(ErrorKind.init(rawValue:)).map(mayHaveBeenApplied.contains) == true ? .unknown : .none
        case .found, .wouldDelete, nil: return .none
        }
    }
}
