/// The `-v` trace: curl-style lines (`* ` info, `> ` sent, `< ` received), credentials redacted,
/// bodies summarised by size only (a login body holds a password).
public struct Trace: Sendable {
    private let redaction: Redaction
    private let write: @Sendable (String) -> Void

    /// - Parameter redaction: the service's secret shapes.
    public init(redaction: Redaction, write: @escaping @Sendable (String) -> Void) {
        self.redaction = redaction
        self.write = write
    }

    func info(_ text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            write("* \(redacted(infoLine: String(line)))")
        }
    }

    func headers(_ block: String, outgoing: Bool) {
        let mark = outgoing ? ">" : "<"
        // Split on any line break: "\r\n" is one Character, so splitting on "\n" alone would
        // leave a whole header block as one line, and unredacted.
        for rawLine in block.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingASCIIWhitespace()
            guard !line.isEmpty else { continue }
            write("\(mark) \(redacted(headerLine: line))")
        }
    }

    func body(byteCount: Int, outgoing: Bool) {
        write("\(outgoing ? ">" : "<") [\(byteCount) bytes of body]")
    }

    /// libcurl's HTTP/2 info lines carry request headers in brackets:
    /// `h2h3 [authorization: Bearer …]` (7.88), `[HTTP/2] [1] [cookie: …]` (8.x).
    func redacted(infoLine line: String) -> String {
        guard line.contains("[") else { return line }
        var out = ""
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            out += rest[...open]
            out += redacted(headerLine: String(rest[rest.index(after: open)..<close]))
            out += "]"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    func redacted(headerLine line: String) -> String {
        guard let colon = line.firstIndex(of: ":"), !line.hasPrefix("HTTP/") else { return line }
        let name = String(line[..<colon])
        guard redaction.isSensitive(headerName: name) else { return line }
        let value = String(line[line.index(after: colon)...]).trimmingASCIIWhitespace()
        return "\(name): \(redaction.headerValue(name: name, value: value))"
    }
}
