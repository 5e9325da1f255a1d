import FoundationEssentials
import OffboardCore

/// Torii user IDs: UUIDs in any case, sent lower-case.
public struct ToriiIDFormat: IDFormat {
    public init() {}

    public var suffix: String { "" }

    public func parse(_ text: Substring) -> Result<UserID, IDFormatError> {
        UUID(parsing: text).map { .success(.uuid($0)) }
            ?? .failure(IDFormatError("is not a UUID (expected 8-4-4-4-12 hex digits, like 01931a73-8b00-7000-8000-000000000000)"))
    }
}
