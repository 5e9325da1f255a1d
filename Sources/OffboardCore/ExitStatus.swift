/// The one place that decides offboard's exit status (sysexits.h numbers, as the contract lists).
public enum ExitStatus: Int32, Sendable, Comparable {
    case success = 0
    /// The server refused at least one deletion, or the operator declined.
    case refused = 1
    case usage = 64
    case malformedInput = 65
    case unavailable = 69
    case temporary = 75
    case notAuthorized = 77
    case configuration = 78
    case interrupted = 130

    /// When several failures happened, the first of these that applies wins.
    private static let precedence: [ExitStatus] = [.notAuthorized, .configuration, .malformedInput, .unavailable, .temporary, .refused]

    public static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool {
        rank(lhs) < rank(rhs)
    }

    private static func rank(_ status: ExitStatus) -> Int {
        precedence.firstIndex(of: status).map { precedence.count - $0 } ?? 0
    }

    /// The status one error kind calls for.
    public static func forFailure(_ kind: ErrorKind) -> ExitStatus {
        switch kind {
        case .unauthorized: return .notAuthorized
        case .configuration: return .configuration
        case .connection, .serverError, .tls: return .unavailable
        case .timeout, .rateLimited: return .temporary
        case .forbidden, .notFound, .badRequest, .unexpectedResponse, .notVerified: return .refused
        case .ambiguous: return .malformedInput
        case .notAttempted: return .success  // the reason it was not attempted decides
        }
    }

    /// A whole batch: the most important of its results' statuses; an interruption overrides all.
    public static func forBatch(_ results: some Sequence<ExitStatus>, interrupted: Bool) -> ExitStatus {
        if interrupted { return .interrupted }
        return results.max() ?? .success
    }
}
