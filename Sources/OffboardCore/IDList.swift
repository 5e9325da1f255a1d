import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// How a service writes its user IDs: a UUID or other text, optionally followed by a fixed
/// suffix (Akana's `.tenant`). Parsing may fix the suffix from the first ID it sees.
public protocol IDFormat: Sendable {
    /// The ID in `text` without the suffix, or why `text` is not an ID of this service. An ID
    /// that is a UUID is returned as `.uuid`, as `UserID(_:)` reads it (a journal reads it so).
    mutating func parse(_ text: Substring) -> Result<UserID, IDFormatError>
    /// What follows the ID in every ID of this batch (empty for Torii).
    var suffix: String { get }
    /// What the inputs are called in messages: `user ID` and `user IDs` unless told otherwise.
    var inputNouns: (one: String, many: String) { get }
    /// What the operator should know about how the inputs were read (Akana's bare UUIDs taken
    /// as the known tenant's), once all are read: shown as warnings.
    var readingNotes: [String] { get }
}

extension IDFormat {
    public var inputNouns: (one: String, many: String) { ("user ID", "user IDs") }
    public var readingNotes: [String] { [] }
}

public struct IDFormatError: Error, Sendable {
    public var reason: String
    /// True when the ID is well-formed but belongs to another tenant.
    public var wrongTenant: Bool
    /// What the message shows instead of the input, when that is a secret (a key given as an ID).
    public var shownAs: String?

    public init(_ reason: String, wrongTenant: Bool = false, shownAs: String? = nil) {
        self.reason = reason
        self.wrongTenant = wrongTenant
        self.shownAs = shownAs
    }
}

/// The validated, de-duplicated IDs of one run, in input order: 20 bytes each while every ID
/// is a UUID, so a batch of 100,000 stays small.
public struct IDList: Sendable {
    /// Every ID while all are UUIDs; empty once one is not, and then `texts` holds every ID.
    private var uuids: [UUID] = []
    private var texts: [String] = []
    /// Input line of each ID from `--from-file`; 0 for command-line arguments.
    private var lines: [UInt32] = []
    public internal(set) var suffix = ""

    public init() {}

    /// IDs found rather than read (`--by email`), each with the input line it was found for.
    public init(found: [(id: UserID, line: Int?)], suffix: String = "") {
        for (id, line) in found { append(id, line: UInt32(line ?? 0)) }
        self.suffix = suffix
    }

    public var count: Int { lines.count }

    public func id(at index: Int) -> String { userID(at: index).description + suffix }

    /// The ID without the list's suffix.
    public func userID(at index: Int) -> UserID { texts.isEmpty ? .uuid(uuids[index]) : UserID(texts[index][...]) }

    public func line(at index: Int) -> Int? { lines[index] == 0 ? nil : Int(lines[index]) }

    mutating func append(_ id: UserID, line: UInt32) {
        switch id {
        case .uuid(let uuid) where texts.isEmpty:
            uuids.append(uuid)
        case .uuid, .opaque:
            if texts.isEmpty, !uuids.isEmpty {
                texts = uuids.map { $0.lowercasedString }
                uuids = []
            }
            texts.append(id.description)
        }
        lines.append(line)
    }
}

/// The IDs seen so far, a UUID in 16 bytes: a `Set<UserID>` takes 24 (6 MiB for 100,000, not 4).
struct UserIDSet {
    private var uuids = Set<UUID>()
    private var texts = Set<String>()

    /// False when `id` was already there.
    mutating func insert(_ id: UserID) -> Bool {
        switch id {
        case .uuid(let uuid): uuids.insert(uuid).inserted
        case .opaque(let text): texts.insert(text).inserted
        }
    }
}

/// Reads IDs from arguments and a file (or standard input), validates every one before
/// anything is sent, and drops repeats.
public struct IDReader {
    public var format: any IDFormat
    /// What is done with each ID: `deleted`, `looked up`.
    var purpose = "deleted"
    private var ids = IDList()
    private var seen = UserIDSet()
    private var malformed: [String] = []
    private var malformedCount = 0
    /// Where the malformed IDs beyond those quoted in `malformed` are, to name them by number.
    private var moreMalformedArguments = NumberRuns()
    private var moreMalformedLines = NumberRuns()
    private var wrongTenant = false
    private var duplicates: [String] = []
    private var duplicateCount = 0
    /// The file's first line that is neither blank nor a comment, and whether it was an ID.
    private var firstFileLine: (number: UInt32, text: String, valid: Bool)?
    private var validFileLines = 0
    /// Where the IDs are, when a line of the file was refused whole but is a row of fields
    /// one of which is an ID (a CSV export).
    private var table: TableColumn?

    public init(format: any IDFormat) {
        self.format = format
    }

    static let nothingGiven = OffboardError(.usage, "no user IDs given — pass IDs as arguments or with --from-file <path|->")

    /// Refuses a run given neither IDs nor a file, before anything else is checked: a forgotten
    /// argument is named first, not the credentials the run would have needed.
    public static func requireInput(arguments: [String], file: String?) throws(OffboardError) {
        if arguments.isEmpty, file == nil { throw nothingGiven }
    }

    /// Everything read, or the error that stops the run (exit 65 malformed, 64 nothing given).
    /// Warnings (duplicates) are returned for the caller to show.
    /// - Parameter purpose: what is done with each ID, for the duplicates' warning (`deleted`).
    public static func read(
        arguments: [String], file: String?, format: any IDFormat, purpose: String = "deleted"
    )
        throws(OffboardError) -> (IDList, warnings: [String])
    {
        var reader = IDReader(format: format)
        reader.purpose = purpose
        for (index, argument) in arguments.enumerated() {
            reader.add(Substring(argument), at: .argument(UInt32(index + 1)))
        }
        if let file {
            try reader.addLines(of: file)
            try reader.refuseTable(path: file)
        }
        return try reader.finish()
    }

    /// Where an ID was given: its position among the arguments, or its line in the file.
    enum Place: CustomStringConvertible {
        case argument(UInt32)
        case line(UInt32)

        var description: String {
            switch self {
            case .argument(let number): "argument \(number)"
            case .line(let number): "line \(number)"
            }
        }
    }

    mutating func add(_ text: Substring, at place: Place) {
        switch format.parse(text) {
        case .success(let id):
            if seen.insert(id) {
                if case .line(let number) = place { ids.append(id, line: number) } else { ids.append(id, line: 0) }
            } else {
                duplicateCount += 1
                if duplicates.count < 5 { duplicates.append("\(id)\(format.suffix) (\(place))") }
            }
        case .failure(let error):
            malformedCount += 1
            wrongTenant = wrongTenant || error.wrongTenant
            if malformed.count < 5 {
                malformed.append("\(place): \(error.shownAs ?? quotedForMessage(text)) \(error.reason)")
            } else {
                switch place {
                case .argument(let number): moreMalformedArguments.append(number)
                case .line(let number): moreMalformedLines.append(number)
                }
            }
        }
    }

    /// One ID per line; blank lines and `#` comments are skipped; surrounding spaces, a
    /// trailing CR and a leading byte-order mark (Windows files) are ignored. A file in UTF-16
    /// or UTF-32 with its byte-order mark is decoded; one that holds NUL bytes without a mark
    /// is refused, naming the likely encoding.
    mutating func addLines(of path: String) throws(OffboardError) {
        let stream = path == "-" ? fdopen(dup(STDIN_FILENO), "r") : fopen(path, "r")
        guard let stream else {
            let reason = String(cString: strerror(errno))
            throw OffboardError(.usage, "cannot read --from-file \(path): \(reason) — check the path, or use - for standard input")
        }
        defer { fclose(stream) }
        var lineNumber: UInt32 = 0
        var wide: (encoding: WideEncoding, bytes: [UInt8])?
        var lineWithNUL: (number: UInt32, encoding: WideEncoding?)?
        forEachLine(of: stream) { bytes in
            if lineNumber == 0, wide == nil, let encoding = WideEncoding(byteOrderMarkOf: bytes) { wide = (encoding, []) }
            if wide != nil {
                wide?.bytes.append(contentsOf: bytes)
                return
            }
            lineNumber += 1
            if lineWithNUL == nil, bytes.contains(0) { lineWithNUL = (lineNumber, WideEncoding(guessingFrom: bytes)) }
            var text = String(decoding: bytes, as: UTF8.self)
            if lineNumber == 1, text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            addLine(text[...], number: lineNumber)
        }
        if ferror(stream) != 0 {
            throw OffboardError(.usage, "reading --from-file \(path) failed: \(String(cString: strerror(errno)))")
        }
        if let lineWithNUL {
            let source = path == "-" ? "standard input" : "--from-file \(path)"
            let guess =
                lineWithNUL.encoding.map {
                    "\($0.rawValue) without a byte-order mark? convert it, e.g. iconv -f \($0.rawValue) -t UTF-8\(path == "-" ? "" : " " + shellQuoted(path)) > ids.txt"
                } ?? "a spreadsheet or another binary file? export the IDs as text, one per line"
            throw OffboardError(
                .malformedInput, "\(source) holds NUL bytes (line \(lineWithNUL.number)), so it is not UTF-8 text: \(guess); nothing was sent")
        }
        if let wide {
            for (offset, line) in wide.encoding.lines(of: wide.bytes).enumerated() { addLine(line, number: UInt32(offset + 1)) }
        }
    }

    /// One line of the file, without its line end.
    private mutating func addLine(_ text: Substring, number: UInt32) {
        let trimmed = text.trimmingWhitespaceForIDs()
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return }
        let malformedBefore = malformedCount
        add(trimmed, at: .line(number))
        let valid = malformedCount == malformedBefore
        if valid { validFileLines += 1 }
        if firstFileLine == nil { firstFileLine = (number, String(trimmed), valid) }
        if !valid, table == nil, var column = TableColumn.find(in: trimmed, format: format) {
            // A first line that is a row of the same fields without an ID names the columns.
            if let first = firstFileLine, !first.valid, first.number < number {
                let names = TableColumn.fields(of: first.text[...], delimiter: column.delimiter)
                if names.count == column.columns { column.header = (first.number, String(names[column.index].value)) }
            }
            table = column
        }
    }

    /// Refuses a file that is a table (a CSV export) rather than one ID per line, showing how
    /// to take the column of IDs; nothing when the file is not one.
    private func refuseTable(path: String) throws(OffboardError) {
        guard let table, validFileLines == 0 else { return }
        let source = path == "-" ? "standard input" : "--from-file \(path)"
        let name = table.header.map { " (\(quotedForMessage($0.name[...])))" } ?? ""
        let kind = table.delimiter == "\t" ? "tab-separated columns" : "CSV"
        throw OffboardError(
            .malformedInput,
            "\(source) looks like \(kind), not one ID per line: the \(format.inputNouns.many) are in column \(table.index + 1)\(name) of \(table.columns) — take that column, e.g. \(table.wayOut(path: path)); nothing was sent"
        )
    }

    func finish() throws(OffboardError) -> (IDList, warnings: [String]) {
        if malformedCount > 0 {
            var more = ""
            if malformedCount > malformed.count {
                let places = [("argument", moreMalformedArguments), ("line", moreMalformedLines)]
                    .filter { !$1.isEmpty }.map { $1.labelled($0) }
                more = "; and \(malformedCount - malformed.count) more (\(places.joined(separator: "; ")))"
            }
            let noun = malformedCount == 1 ? "\(format.inputNouns.one) is" : "\(format.inputNouns.many) are"
            // One line refused, the file's first, and IDs after it: a column name.
            let header = malformedCount == 1 && firstFileLine?.valid == false && validFileLines > 0
            let fix =
                wrongTenant
                ? "remove the IDs of other tenants (run once per tenant)"
                : header ? "a header line? remove it, or make it a comment (start it with #)" : "fix or remove them"
            throw OffboardError(
                .malformedInput,
                "\(malformedCount) \(noun) not valid, so nothing was sent — \(malformed.joined(separator: "; "))\(more) — \(fix) and run again")
        }
        guard ids.count > 0 else { throw IDReader.nothingGiven }
        var warnings = format.readingNotes
        if duplicateCount > 0 {
            let more = duplicateCount > duplicates.count ? ", and \(duplicateCount - duplicates.count) more" : ""
            warnings.append(
                "\(duplicateCount) duplicate ID\(duplicateCount == 1 ? "" : "s") will be \(purpose) once: \(duplicates.joined(separator: ", "))\(more)"
            )
        }
        var list = ids
        list.suffix = format.suffix
        return (list, warnings)
    }
}

/// Ascending numbers kept as at most 20 runs, shown as `6–30, 41, 50–52`, then `…`: a file of
/// millions of bad lines costs no more than a few.
public struct NumberRuns: CustomStringConvertible, Sendable {
    private var runs: [ClosedRange<UInt32>] = []
    private var truncated = false

    public init() {}

    public var isEmpty: Bool { runs.isEmpty }

    /// `line 7` or `lines 6–30, 41`.
    public func labelled(_ singular: String) -> String {
        (runs.count == 1 && runs[0].count == 1 && !truncated ? singular : singular + "s") + " \(self)"
    }

    public mutating func append(_ number: UInt32) {
        guard !truncated else { return }
        if let last = runs.last, last.upperBound &+ 1 == number {
            runs[runs.count - 1] = last.lowerBound...number
        } else if runs.count == 20 {
            truncated = true
        } else {
            runs.append(number...number)
        }
    }

    public var description: String {
        runs.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }.joined(separator: ", ")
            + (truncated ? ", …" : "")
    }
}

extension Substring {
    fileprivate func trimmingWhitespaceForIDs() -> Substring {
        var text = self
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return text
    }
}
