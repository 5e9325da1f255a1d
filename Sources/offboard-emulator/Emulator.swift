// Routing: maps requests to the Torii and Akana handlers and the state endpoint.
// Paths are matched on their raw (still percent-encoded) segments.

struct EmulatorConfig: Sendable {
    var toriiKey: String
    var akanaTenant: String
    var seedUsers: Int
    var sessionTTLSeconds: Int
    var faults: FaultConfig

    var toriiKeyEnvironment: ToriiEnvironment { ToriiEnvironment(secretKey: toriiKey) }
}

final class Emulator: Sendable {
    let config: EmulatorConfig
    let world: Protected<WorldState>

    init(config: EmulatorConfig) {
        self.config = config
        world = Protected(WorldState(
            torii: ToriiState(seedUsers: config.seedUsers),
            akana: AkanaState(tenant: config.akanaTenant, seedUsers: config.seedUsers),
            faults: FaultState()))
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let method = request.method

        if path.hasPrefix("/api/server/") {
            return handleTorii(request, segments: segments)
        }
        switch path {
        case "/_emulator/state":
            guard method == "GET" || method == "HEAD" else { return methodNotAllowed(allow: "GET, HEAD") }
            return stateResponse()
        case "/api/login":
            guard method == "POST" else { return methodNotAllowed(allow: "POST") }
            return akanaLogin(request)
        case "/api/login/endsession":
            guard method == "GET" || method == "HEAD" else { return methodNotAllowed(allow: "GET, HEAD") }
            return akanaEndSession(request)
        default:
            break
        }
        if segments.count == 4, segments[1] == "api", segments[2] == "users", !segments[3].isEmpty {
            guard method == "DELETE" else { return methodNotAllowed(allow: "DELETE") }
            return akanaDelete(request, rawUserID: segments[3])
        }
        return .text(404, "Not Found")
    }

    private func methodNotAllowed(allow: String) -> HTTPResponse {
        .text(405, "Method Not Allowed", headers: [("Allow", allow)])
    }

    private func stateResponse() -> HTTPResponse {
        let now = epochMilliseconds()
        let body = world.withLock {
            $0.stateJSON(toriiKeyEnvironment: config.toriiKeyEnvironment, tenant: config.akanaTenant, nowMilliseconds: now)
        }
        return .json(200, body)
    }
}
