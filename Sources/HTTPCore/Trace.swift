/// The `-v` trace: curl-style lines (`* ` info, `> ` sent, `< ` received), credentials redacted,
/// bodies summarised by size only (a login body holds a password).
public struct Trace: Sendable {
    private let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    func info(_ text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            write("* \(line)")
        }
    }

    func headers(_ block: String, outgoing: Bool) {
        let mark = outgoing ? ">" : "<"
        // Split on any line break: "\r\n" is one Character, so splitting on "\n" alone would
        // leave a whole header block as one line, and unredacted.
        for rawLine in block.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingASCIIWhitespace()
            guard !line.isEmpty else { continue }
            write("\(mark) \(Trace.redacted(headerLine: line))")
        }
    }

    func body(byteCount: Int, outgoing: Bool) {
        write("\(outgoing ? ">" : "<") [\(byteCount) bytes of body]")
    }

    static func redacted(headerLine line: String) -> String {
        guard let colon = line.firstIndex(of: ":"), !line.hasPrefix("HTTP/") else { return line }
        let name = String(line[..<colon])
        let value = String(line[line.index(after: colon)...]).trimmingASCIIWhitespace()
        return "\(name): \(Redaction.headerValue(name: name, value: value))"
    }
}
