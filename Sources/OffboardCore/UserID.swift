/// A UUID in 16 bytes: a batch of 100,000 IDs stays small, and comparisons are cheap.
public struct UUID128: Hashable, Sendable, Comparable {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// `8-4-4-4-12` hex digits, any case. Nothing else is accepted: no braces, no URN prefix.
    public init?(parsing text: String) {
        self.init(parsing: text[...])
    }

    public init?(parsing text: Substring) {
        let utf8 = text.utf8
        guard utf8.count == 36 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0, nibbles = 0
        for (offset, byte) in utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            if nibbles < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            nibbles += 1
        }
        self.init(high: high, low: low)
    }

    public static func < (lhs: UUID128, rhs: UUID128) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// Canonical lower-case form.
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for index in 0..<32 {
            if index == 8 || index == 12 || index == 16 || index == 20 { out.append(UInt8(ascii: "-")) }
            let word = index < 16 ? high : low
            let shift = UInt64(60 - (index % 16) * 4)
            out.append(digits[Int((word >> shift) & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Percent-encoding of one path segment: only RFC 3986 unreserved characters stay as they are,
/// so `/`, `?`, `#`, `%`, spaces, control characters and non-ASCII can never change the path.
public func percentEncodePathSegment(_ text: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out = [UInt8]()
    out.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.append(byte)
        default:
            out.append(UInt8(ascii: "%"))
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }
    // "." and ".." are dot-segments that a server or proxy may resolve: encode them whole.
    if out == [UInt8(ascii: ".")] { return "%2E" }
    if out == [UInt8(ascii: "."), UInt8(ascii: ".")] { return "%2E%2E" }
    return String(decoding: out, as: UTF8.self)
}

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
