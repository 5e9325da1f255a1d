import HTTPCore
import OffboardCore

/// `POST /api/login` and `GET /api/login/endsession`: how a session starts and ends.
public enum AkanaLogin {
    public static func request(baseURL: String, email: String, password: String) -> HTTPRequest {
        let body = JSONValue.object([("email", .string(email)), ("password", .string(password))]).serialized
        return HTTPRequest(
            method: "POST", url: "\(baseURL)/api/login",
            headers: [
                HTTPHeader("Content-Type", "application/json"),
                HTTPHeader("Accept", "application/json"),
            ], body: Array(body.utf8))
    }

    public static func endSessionRequest(baseURL: String, credentials: AkanaCredentials) -> HTTPRequest {
        var request = AkanaService(baseURL: baseURL, credentials: credentials).deleteRequest(for: "")
        request.method = "GET"
        request.url = "\(baseURL)/api/login/endsession"
        request.headers = request.headers.filter { $0.name != "Accept" } + [HTTPHeader("Accept", "application/json")]
        return request
    }

    /// The credentials a login answer carries, or the reason it carries none.
    /// The tenant is read from the cookie name `AtmoAuthToken_{tenant}`.
    public static func credentials(from response: HTTPResponse) throws(OffboardError) -> AkanaCredentials {
        let json = JSONValue.parse(response.body)
        if case .array(let tasks)? = json?["pendingTasks"], !tasks.isEmpty {
            let names = tasks.map { $0.stringValue ?? $0.serialized }.joined(separator: ", ")
            throw OffboardError(
                .notAuthorized,
                "the platform wants these done before a session can start: \(names) — complete them in its web interface, then log in again")
        }
        guard response.status == 200 else {
            let verdict = Verdict.standard(for: response, problem: Problem.from(response))
            if (300..<400).contains(response.status) {
                // A web front end or a single sign-on page, not the platform's API; the verdict names the Location.
                throw OffboardError(
                    .configuration,
                    "login failed: \(terminalSafe(verdict.error?.message ?? "HTTP \(response.status)")) — --base-url should be the platform's API address"
                )
            }
            let said = terminalSafe((json?["message"]?.stringValue ?? verdict.error?.message ?? "HTTP \(response.status)").prefix(200))
            if response.status == 401 || response.status == 403 {
                throw OffboardError(.notAuthorized, "login refused: \(said) — check the email and password")
            }
            throw OffboardError(ExitStatus.forFailure(verdict.error?.kind ?? .unexpectedResponse), "login failed (HTTP \(response.status)): \(said)")
        }
        let cookies = response.headers(named: "Set-Cookie").compactMap(SetCookie.init(header:))
        guard let auth = cookies.first(where: { $0.name.hasPrefix("AtmoAuthToken_") }) else {
            throw OffboardError(.notAuthorized, "the login answer set no AtmoAuthToken_ cookie — check that --base-url is the platform's address")
        }
        guard !auth.value.isEmpty else {
            // How a platform clears the cookie (its logout answer does): no session to save.
            throw OffboardError(
                .notAuthorized, "the login answer cleared the AtmoAuthToken_ cookie instead of setting one, so no session started — log in again")
        }
        let tenant = String(auth.name.dropFirst("AtmoAuthToken_".count))
        guard AkanaIDFormat.isValidTenant(tenant) else {
            throw OffboardError(.notAuthorized, "the login answer named an unusable tenant in its cookie \(quotedForMessage(Substring(auth.name)))")
        }
        let csrf = cookies.first { $0.name == "Csrf-Token_\(tenant)" }?.value
        do throws(OffboardError) {
            try checkSecret(auth.value, source: "the AtmoAuthToken cookie")
            if let csrf { try checkSecret(csrf, source: "the Csrf-Token cookie") }
        } catch {
            throw OffboardError(.notAuthorized, error.message)
        }
        return AkanaCredentials(tenant: tenant, authToken: auth.value, csrfToken: csrf)
    }
}
