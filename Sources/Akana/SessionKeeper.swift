import FoundationEssentials
import HTTPCore
import OffboardCore
import Synchronization

/// An Akana session kept alive through a batch that outlasts it (sessions last 30 minutes by
/// default). The auth cookie's value carries its own end, `expirationTime` in milliseconds since
/// the epoch (`TokenID%3D…%2CexpirationTime%3D1613690454263%2C…`); when less than a margin of
/// it is left, `POST /api/login/renewToken` gets a new cookie for the same session, and the
/// session file (when the session came from one) is rewritten with it.
public final class AkanaSessionKeeper: SessionRenewal {
    private struct State {
        var credentials: AkanaCredentials
        /// When the auth cookie expires (ms since the epoch); nil when its value does not say.
        var expiresAt: Int64?
        /// How long the session lives: learned from a renewal, else what was left at the start.
        var lifetime: Int64?
    }

    /// Renewed when less than this is left, or half the session's life for short sessions.
    static let margin: Int64 = 5 * 60 * 1000

    let baseURL: String
    private let state: Mutex<State>
    /// Writes renewed credentials back where they came from; nil for tokens given by the environment.
    private let save: (@Sendable (AkanaCredentials) throws(OffboardError) -> Void)?
    private let now: @Sendable () -> Int64

    /// - Parameters:
    ///   - save: writes renewed credentials to the session file.
    ///   - now: the wall clock in milliseconds since the epoch.
    public init(
        baseURL: String, credentials: AkanaCredentials, save: (@Sendable (AkanaCredentials) throws(OffboardError) -> Void)? = nil,
        now: @escaping @Sendable () -> Int64 = { Int64((Date.now.timeIntervalSince1970 * 1000).rounded(.down)) }
    ) {
        self.baseURL = baseURL
        self.save = save
        self.now = now
        let expiresAt = Self.expirationTime(of: credentials.authToken)
        state = Mutex(State(credentials: credentials, expiresAt: expiresAt, lifetime: expiresAt.map { $0 - now() }))
    }

    public var credentials: AkanaCredentials { state.withLock { $0.credentials } }

    public func renewalRequest() -> HTTPRequest? {
        let (credentials, due) = state.withLock { state -> (AkanaCredentials, Bool) in
            guard let expiresAt = state.expiresAt, let lifetime = state.lifetime else { return (state.credentials, false) }
            let left = expiresAt - now()
            return (state.credentials, left > 0 && left < min(Self.margin, lifetime / 2))
        }
        guard due else { return nil }
        return HTTPRequest(
            method: "POST", url: "\(baseURL)/api/login/renewToken",
            headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")] + AkanaService.credentialHeaders(credentials))
    }

    public func renewed(by outcome: Result<HTTPResponse, TransportError>) -> OffboardError? {
        let login = "run `offboard akana login --base-url \(baseURL) --email <you>` and start the run again"
        let response: HTTPResponse
        switch outcome {
        case .failure(let error):
            let failure = Verdict.forTransportError(error).error!
            return OffboardError(ExitStatus.forFailure(failure.kind), "the session is about to expire and could not be renewed: \(failure.message)")
        case .success(let answer):
            response = answer
        }
        let tenant = credentials.tenant
        guard response.status == 200 else {
            let status = response.status == 401 || response.status == 403 ? ExitStatus.notAuthorized : .unavailable
            return OffboardError(
                status,
                "the session is about to expire and could not be renewed: the server answered HTTP \(response.status) to renewToken — \(login)")
        }
        guard
            let cookie = response.headers(named: "Set-Cookie").compactMap(SetCookie.init(header:)).first(where: {
                $0.name == "AtmoAuthToken_\(tenant)"
            }), (try? checkSecret(cookie.value, source: "")) != nil
        else {
            return OffboardError(
                .unavailable,
                "the session is about to expire and could not be renewed: renewToken answered without a new AtmoAuthToken_\(tenant) cookie — \(login)"
            )
        }
        let renewed = state.withLock { state in
            state.credentials.authToken = cookie.value
            state.expiresAt = Self.expirationTime(of: cookie.value)
            state.lifetime = state.expiresAt.map { $0 - now() }
            return state.credentials
        }
        do throws(OffboardError) {
            try save?(renewed)
        } catch {
            return OffboardError(error.status, "the session was renewed, but \(error.message)")
        }
        return nil
    }

    public func withCurrentCredentials(_ request: HTTPRequest) -> HTTPRequest {
        var request = request
        let credentials = credentials
        let replaced = Set(AkanaService.credentialHeaders(credentials).map { $0.name.lowercased() })
        request.headers = request.headers.filter { !replaced.contains($0.name.lowercased()) } + AkanaService.credentialHeaders(credentials)
        return request
    }

    /// The `expirationTime` an auth cookie's value carries, URL-encoded or not.
    static func expirationTime(of token: String) -> Int64? {
        let decoded = token.replacing("%3D", with: "=").replacing("%3d", with: "=").replacing("%2C", with: ",").replacing("%2c", with: ",")
        for field in decoded.split(separator: ",") {
            let parts = field.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == "expirationTime", parts[1].count <= 15, let value = Int64(parts[1]) { return value }
        }
        return nil
    }
}
