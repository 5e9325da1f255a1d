/// Hides credentials in anything offboard shows: traces, dry runs, error messages.
///
/// The standard credential headers are always hidden; each service adds the shapes of its own
/// secrets (a header of its own, a prefix that tells an operator which key it was).
public struct Redaction: Sendable {
    public static let marker = "…(redacted)"

    /// The non-secret starts of secret values, kept in front of the marker (`sk_test_`).
    public var publicPrefixes: [String]
    /// Lower-case starts of the service's own credential header names (`x-csrf-token` for
    /// `X-Csrf-Token_acme`).
    public var credentialHeaderPrefixes: [String]

    public init(publicPrefixes: [String] = [], credentialHeaderPrefixes: [String] = []) {
        self.publicPrefixes = publicPrefixes
        self.credentialHeaderPrefixes = credentialHeaderPrefixes
    }

    /// Headers whose values are credentials.
    public func isSensitive(headerName name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie"
            || lower == "set-cookie" || credentialHeaderPrefixes.contains(where: lower.hasPrefix)
    }

    /// A secret with only its well-known, non-secret prefix left: `sk_test_…(redacted)`.
    public func secret(_ value: String) -> String {
        for prefix in publicPrefixes where value.hasPrefix(prefix) {
            return prefix + Redaction.marker
        }
        return Redaction.marker
    }

    /// The value of a header, with its credential parts redacted and its structure kept.
    public func headerValue(name: String, value: String) -> String {
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

    private func redactPair(_ pair: String) -> String {
        guard let equals = pair.firstIndex(of: "=") else { return Redaction.marker }
        return "\(pair[...equals])\(secret(String(pair[pair.index(after: equals)...])))"
    }
}
