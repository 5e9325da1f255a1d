import HTTPCore

/// Credentials that run out during a long batch and can be renewed before they do (Akana's
/// session). The scheduler asks before it starts requests; while a renewal is under way nothing
/// new starts (requests in flight go on with the credentials they carry, still valid for the
/// margin), and every request goes out with the credentials current when it is sent, so a retry
/// that waited never carries a stale token.
public protocol SessionRenewal: AnyObject, Sendable {
    /// The renewal request when it is due (less than a margin of the session is left), else
    /// nil; nil too once the session has expired, which a renewal cannot help.
    func renewalRequest() -> HTTPRequest?
    /// Reads the answer to `renewalRequest`: the new credentials are in effect (and saved) from
    /// now on; an error says why the session could not be renewed, and stops the batch.
    func renewed(by outcome: Result<HTTPResponse, TransportError>) -> OffboardError?
    /// `request` with the session's current credentials.
    func withCurrentCredentials(_ request: HTTPRequest) -> HTTPRequest
}
