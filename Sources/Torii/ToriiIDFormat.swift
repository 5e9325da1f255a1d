import FoundationEssentials
import OffboardCore

/// Torii user IDs: UUIDs in any case, sent lower-case.
public struct ToriiIDFormat: IDFormat {
    public init() {}

    public var suffix: String { "" }

    public func parse(_ text: Substring) -> Result<UserID, IDFormatError> {
        if let uuid = UUID(parsing: text) { return .success(.uuid(uuid)) }
        // A key pasted where an ID goes is refused without being repeated.
        if ToriiService.redaction.publicPrefixes.contains(where: text.hasPrefix) {
            return .failure(
                IDFormatError(
                    "is a secret key, not a user ID — the key goes in TORII_SECRET_KEY or --secret-key-file",
                    shownAs: ToriiService.redaction.secret(String(text))))
        }
        return .failure(IDFormatError("is not a UUID (expected 8-4-4-4-12 hex digits, like 01931a73-8b00-7000-8000-000000000000)"))
    }
}
