/// Unicode encodings other than UTF-8, as some Windows tools export text: recognised by their
/// byte-order mark and decoded, so a file of IDs reads the same whatever saved it.
enum WideEncoding: String {
    case utf32LittleEndian = "UTF-32LE"
    case utf32BigEndian = "UTF-32BE"
    case utf16LittleEndian = "UTF-16LE"
    case utf16BigEndian = "UTF-16BE"

    /// The encoding whose byte-order mark `bytes` start with (UTF-32's first: its little-endian
    /// mark starts like UTF-16's).
    init?(byteOrderMarkOf bytes: some Collection<UInt8>) {
        let start = Array(bytes.prefix(4))
        if start == [0xFF, 0xFE, 0, 0] {
            self = .utf32LittleEndian
        } else if start == [0, 0, 0xFE, 0xFF] {
            self = .utf32BigEndian
        } else if start.starts(with: [0xFF, 0xFE]) {
            self = .utf16LittleEndian
        } else if start.starts(with: [0xFE, 0xFF]) {
            self = .utf16BigEndian
        } else {
            return nil
        }
    }

    /// The encoding a line of text without a byte-order mark seems to be in, from where its
    /// first character's NUL bytes are (ASCII in UTF-16LE is `x 0`, in UTF-32BE `0 0 0 x`).
    init?(guessingFrom line: some Collection<UInt8>) {
        let start = Array(line.prefix(4)).map { $0 == 0 }
        switch start {
        case [false, true, true, true]: self = .utf32LittleEndian
        case [true, true, true, false]: self = .utf32BigEndian
        case [false, true, false, true], [false, true]: self = .utf16LittleEndian
        case [true, false, true, false], [true, false]: self = .utf16BigEndian
        default: return nil
        }
    }

    /// `UTF-16` or `UTF-32`: the name with which iconv reads the byte-order mark rather than
    /// keeping it.
    var family: String { String(rawValue.prefix(6)) }

    /// Bytes per code unit, which is also the length of the byte-order mark.
    var unitSize: Int {
        switch self {
        case .utf32LittleEndian, .utf32BigEndian: 4
        case .utf16LittleEndian, .utf16BigEndian: 2
        }
    }

    /// The lines of `bytes` (the whole input, byte-order mark included), without their line
    /// ends; what does not decode becomes U+FFFD, and so an ID that is refused.
    func lines(of bytes: [UInt8]) -> [Substring] {
        let littleEndian = self == .utf32LittleEndian || self == .utf16LittleEndian
        var units: [UInt32] = []
        units.reserveCapacity(bytes.count / unitSize)
        var offset = unitSize
        while offset + unitSize <= bytes.count {
            let unit = bytes[offset..<offset + unitSize]
            units.append((littleEndian ? unit.reversed() : Array(unit)).reduce(0) { $0 << 8 | UInt32($1) })
            offset += unitSize
        }
        let text =
            unitSize == 4
            ? String(decoding: units, as: UTF32.self) : String(decoding: units.map { UInt16(truncatingIfNeeded: $0) }, as: UTF16.self)
        return text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }
}

/// Where the IDs are in a file that is a table (a CSV or TSV export with several columns)
/// rather than one ID per line: found from a line the format refused whole.
struct TableColumn {
    let delimiter: Character
    /// 0-based.
    let index: Int
    let columns: Int
    /// The fields are in double quotes, which the way out must remove.
    let quoted: Bool
    /// The header line and this column's name in it, when the table has one.
    var header: (line: UInt32, name: String)?

    static let delimiters: [Character] = [",", "\t", ";", "|"]

    /// The first column of `line` that holds an ID of `format`, if the line is a row of fields.
    static func find(in line: Substring, format: any IDFormat) -> TableColumn? {
        for delimiter in delimiters {
            let fields = fields(of: line, delimiter: delimiter)
            guard fields.count >= 2 else { continue }
            for (index, field) in fields.enumerated() {
                var probe = format  // a copy: reading a field must not fix Akana's tenant
                if case .success = probe.parse(field.value) {
                    return TableColumn(delimiter: delimiter, index: index, columns: fields.count, quoted: field.quoted)
                }
            }
        }
        return nil
    }

    /// The fields of a line, without surrounding spaces and double quotes.
    static func fields(of line: Substring, delimiter: Character) -> [(value: Substring, quoted: Bool)] {
        line.split(separator: delimiter, omittingEmptySubsequences: false).map { field in
            var value = field.drop { $0 == " " }
            while value.last == " " { value.removeLast() }
            let quoted = value.count >= 2 && value.first == "\"" && value.last == "\""
            return (quoted ? value.dropFirst().dropLast() : value, quoted)
        }
    }

    /// `line 1 is a header, so tail -n +2 leavers.csv | cut -d, -f2 | tr -d '"'`, reading
    /// `path` (`-`: standard input).
    func wayOut(path: String) -> String {
        let file = path == "-" ? "" : " " + shellQuoted(path)
        var steps: [String] = []
        if let header { steps.append("tail -n +\(header.line + 1)\(file)") }
        let cut = delimiter == "\t" ? "cut -f\(index + 1)" : "cut -d\(shellQuoted(String(delimiter))) -f\(index + 1)"
        steps.append(steps.isEmpty ? cut + file : cut)
        if quoted { steps.append("tr -d '\"'") }
        return (path == "-" ? "… | " : "") + steps.joined(separator: " | ") + " | offboard … --from-file -"
    }
}

/// `text` as one shell word: as it is when that is safe, else in single quotes.
func shellQuoted(_ text: String) -> String {
    let plain =
        !text.isEmpty
        && text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "-_./,:=+@%".utf8.contains(byte)
        }
    return plain ? text : "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'"
}
