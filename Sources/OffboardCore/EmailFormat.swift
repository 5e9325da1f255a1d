/// `--by email`: the inputs are email addresses, each to be found by the service's search.
/// Kept in lower case: the search matches any case, and two spellings are one address.
public struct EmailFormat: IDFormat {
    public init() {}

    public var suffix: String { "" }
    public var inputNouns: (one: String, many: String) { ("email address", "email addresses") }

    /// Characters an address pasted from a CSV file or a mail header brings along.
    private static let separators: Set<Unicode.Scalar> = [",", ";", "\"", "<", ">", "(", ")", "[", "]", "\\"]

    /// `name@domain`: one `@` with something on both sides, no spaces, control characters or
    /// separators (`a@x.com,` from a CSV file), at most 254 bytes (RFC 5321's limit for a path).
    /// Nothing stricter: the search decides.
    public func parse(_ text: Substring) -> Result<UserID, IDFormatError> {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, text.utf8.count <= 254,
            !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.isHiddenOnTerminal || Self.separators.contains($0) })
        else {
            return .failure(IDFormatError("is not an email address (expected name@example.com)"))
        }
        return .success(.opaque(text.lowercased()))
    }
}
