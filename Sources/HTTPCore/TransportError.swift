/// A transfer that produced no usable HTTP response.
public struct TransportError: Error, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// Could not reach the server (refused, DNS, reset, closed without answering).
        case connection
        case timeout
        /// Certificate or handshake problem; never retried.
        case tls
        /// The server answered the TLS handshake with something else: plain HTTP behind an
        /// https:// URL, most likely. Never retried.
        case notTLS
        /// The body was larger than `TransferOptions.maxBodyBytes`.
        case responseTooLarge
        /// The server answered something that is not HTTP.
        case malformedResponse
        /// A local problem (bad option, out of memory, unreadable CA file).
        case local
    }

    public var kind: Kind
    /// curl's own words, e.g. "Failed to connect to 127.0.0.1 port 9: Connection refused".
    public var message: String
    /// False only when the request certainly never left this machine (no connection was made),
    /// so the server cannot have acted on it.
    public var mayHaveReachedServer: Bool
    /// The status line seen before the transfer failed, if any (e.g. for an oversized body).
    public var status: Int?
    /// How many times the request went out (see `HTTPResponse.requestsSent`).
    public var requestsSent: Int

    public init(kind: Kind, message: String, mayHaveReachedServer: Bool, status: Int? = nil, requestsSent: Int = 1) {
        self.kind = kind
        self.message = message
        self.mayHaveReachedServer = mayHaveReachedServer
        self.status = status
        self.requestsSent = requestsSent
    }
}
