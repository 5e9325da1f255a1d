/// Hides credentials in anything offboard shows: traces, dry runs, error messages.
public enum Redaction {
    public static let marker = "…(redacted)"

    /// Headers whose values are credentials.
    public static func isSensitive(headerName name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie"
            || lower == "set-cookie" || lower.hasPrefix("x-csrf-token")
    }

    /// A secret with only its well-known, non-secret prefix left: `sk_test_…(redacted)`.
    public static func secret(_ value: String) -> String {
        for prefix in ["sk_test_", "sk_live_", "TokenID%3D", "TokenID="] where value.hasPrefix(prefix) {
            return prefix + marker
        }
        return marker
    }

    /// The value of a header, with its credential parts redacted and its structure kept.
    public static func headerValue(name: String, value: String) -> String {
        guard isSensitive(headerName: name) else { return value }
        switch name.lowercased() {
        case "authorization", "proxy-authorization":
            if let space = value.firstIndex(of: " ") {
                return "\(value[..<space]) \(secret(String(value[value.index(after: space)...])))"
            }
            return secret(value)
        case "cookie":
            return value.split(separator: ";").map { redactPair(String($0)) }.joined(separator: ";")
        case "set-cookie":
            // Only the first pair is the cookie; the attributes after it are not secret.
            let parts = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            return redactPair(String(parts[0])) + (parts.count > 1 ? ";" + parts[1] : "")
        default:
            return secret(value)
        }
    }

    private static func redactPair(_ pair: String) -> String {
        guard let equals = pair.firstIndex(of: "=") else { return marker }
        return "\(pair[...equals])\(secret(String(pair[pair.index(after: equals)...])))"
    }
}
