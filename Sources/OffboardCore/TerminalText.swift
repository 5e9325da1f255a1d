/// How an ID is shown in an error message: quoted, hidden characters escaped, cut at 60 characters.
public func quotedForMessage(_ text: Substring) -> String {
    let shown = String(String.UnicodeScalarView(text.unicodeScalars.prefix(60)))
    return "\"\(terminalSafe(shown))\(text.unicodeScalars.count > 60 ? "…" : "")\""
}

/// Server-sent text made safe for a terminal and one line: control characters (ESC, newlines
/// included) and invisible ones are shown escaped, so a response can neither move the cursor,
/// recolour the screen, add a line nor reorder what is shown.
public func terminalSafe(_ text: some StringProtocol) -> String {
    guard text.unicodeScalars.contains(where: \.isHiddenOnTerminal) else { return String(text) }
    var out = ""
    for scalar in text.unicodeScalars {
        out += scalar.isHiddenOnTerminal ? scalar.escaped(asASCII: true) : String(scalar)
    }
    return out
}

extension Unicode.Scalar {
    /// Control characters (C0, DEL, C1), line and paragraph separators, and invisible
    /// characters (a byte-order mark, zero-width spaces and joiners, bidirectional overrides,
    /// fillers): shown escaped, so text from a file or a server can neither hide, split nor
    /// rearrange what an operator reads. The price: emoji sequences and scripts that use
    /// joiners show them escaped in server text.
    public var isHiddenOnTerminal: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value) || properties.isDefaultIgnorableCodePoint
            || [.format, .lineSeparator, .paragraphSeparator].contains(properties.generalCategory)
    }
}
