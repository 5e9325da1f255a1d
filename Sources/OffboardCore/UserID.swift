import FoundationEssentials

/// One user ID as its service writes it, without the suffix every ID of a list shares (Akana's
/// `.tenant`): a UUID in 16 bytes, or any other text (Okta's IDs are 20 characters) as it is.
public enum UserID: Hashable, Sendable, CustomStringConvertible {
    case uuid(UUID)
    case opaque(String)

    /// The UUID case when `text` is a UUID in any case, else the text itself. A list and a
    /// journal both read IDs this way, so an ID compares equal however it came in.
    public init(_ text: Substring) {
        self = UUID(parsing: text).map(UserID.uuid) ?? .opaque(String(text))
    }

    /// As sent and recorded: a UUID in lower case, other text as given.
    public var description: String {
        switch self {
        case .uuid(let uuid): uuid.lowercasedString
        case .opaque(let text): text
        }
    }
}

// Foundation's `UUID(uuidString:)` and `uuidString` are not used: the parser reads each group as
// sscanf would, so it also takes a leading space, `+` or `0x` inside a group and ignores what
// follows a NUL (`"<uuid>\0/../x"` passes), and it is slower (0.8 µs against 0.5 µs an ID); the
// printer writes upper case, and with `lowercased()` takes 0.7 µs against 0.26 µs, three times an
// ID in a batch.
extension UUID {
    /// `8-4-4-4-12` hex digits, any case. Nothing else is accepted: no braces, no URN prefix.
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
        self.init(uuid: unsafeBitCast((high.bigEndian, low.bigEndian), to: uuid_t.self))
    }

    /// Canonical lower-case form, as the services' documentation writes IDs.
    public var lowercasedString: String {
        let digits = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = digits[Int(byte >> 4)]
                    out[position + 1] = digits[Int(byte & 0xF)]
                    position += 2
                }
                return position
            }
        }
    }
}
