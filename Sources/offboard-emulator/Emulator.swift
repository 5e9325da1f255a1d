// Routing: maps requests to the Torii and Akana handlers and the state endpoint, and adds the
// rate-limit headers. Paths are matched on their raw (still percent-encoded) segments.
import FoundationEssentials
import NIOHTTP1
import Synchronization

struct EmulatorConfig: Sendable {
    var toriiKey: String
    var akanaTenant: String
    var seedUsers: Int
    var sessionTTLSeconds: Int
    var faults: FaultConfig

    var toriiKeyEnvironment: ToriiEnvironment { ToriiEnvironment(secretKey: toriiKey) }
}

struct EmulatorRequest: Sendable {
    let method: String
    /// The raw, still percent-encoded path, without the query.
    let path: String
    /// Query parameters, decoded; a repeated name keeps its last value.
    let query: [String: String]
    let headers: HTTPHeaders
    let body: [UInt8]

    init(method: String, target: String, headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.headers = headers
        self.body = body
        let question = target.firstIndex(of: "?")
        path = String(target[..<(question ?? target.endIndex)])
        let items = question.flatMap { URLComponents(string: "/" + target[$0...])?.queryItems } ?? []
        query = Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
    }
}

struct EmulatorResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// Close the connection without answering (fault injection).
    var dropConnection = false

    static func text(_ status: Int, _ text: String, headers: [(String, String)] = []) -> EmulatorResponse {
        EmulatorResponse(status: status, headers: [("Content-Type", "text/plain")] + headers, body: Array(text.utf8))
    }

    static func json(
        _ status: Int, _ value: some Encodable, contentType: String = "application/json",
        headers: [(String, String)] = []
    ) -> EmulatorResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]  // byte-for-byte repeatable answers
        let body = (try? encoder.encode(value)).map(Array.init) ?? Array("{}".utf8)
        return EmulatorResponse(status: status, headers: [("Content-Type", contentType)] + headers, body: body)
    }

    static func methodNotAllowed(allow: String) -> EmulatorResponse {
        .text(405, "Method Not Allowed", headers: [("Allow", allow)])
    }

    var isSuccess: Bool { (200..<300).contains(status) }
}

final class Emulator: Sendable {
    let config: EmulatorConfig
    let world: Mutex<WorldState>

    init(config: EmulatorConfig) {
        self.config = config
        world = Mutex(
            WorldState(
                torii: ToriiState(seedUsers: config.seedUsers),
                akana: AkanaState(tenant: config.akanaTenant, seedUsers: config.seedUsers),
                faults: FaultState()))
    }

    /// How long the answer to this request waits: `--latency` for every DELETE.
    func latencyMilliseconds(for request: EmulatorRequest) -> Int {
        request.method == "DELETE" ? config.faults.latencyMilliseconds : 0
    }

    func respond(to request: EmulatorRequest) -> EmulatorResponse {
        if request.path == "/_emulator/state" {
            return ["GET", "HEAD"].contains(request.method) ? stateResponse() : .methodNotAllowed(allow: "GET, HEAD")
        }
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false)
        let api: VendorAPI = request.path.hasPrefix("/api/server/") ? .torii : .akana
        var response = api == .torii ? handleTorii(request, segments: segments) : handleAkana(request, segments: segments)
        if config.faults.rateLimit > 0 {
            response.headers += rateLimitHeaders(for: api)
        }
        // A dropped connection sends no answer, so it counts as none.
        if !response.dropConnection {
            world.withLock { $0.countAnswer(response.status, api: api) }
        }
        return response
    }

    /// IETF draft-ietf-httpapi-ratelimit-headers form: the policy (quota q per window w seconds)
    /// and what is left of it (r) with the seconds until the window resets (t). Windows are whole
    /// seconds of a monotonic clock, so the reset is always under a second away: t=1.
    private func rateLimitHeaders(for api: VendorAPI) -> [(String, String)] {
        let limit = config.faults.rateLimit
        let remaining = world.withLock { $0.faults.remaining(for: api, limit: limit, nowSecond: monotonicSeconds()) }
        return [("RateLimit-Policy", "\"default\";q=\(limit);w=1"), ("RateLimit", "\"default\";r=\(remaining);t=1")]
    }

    private func stateResponse() -> EmulatorResponse {
        let now = epochMilliseconds()
        let state = world.withLock {
            $0.snapshot(toriiKeyEnvironment: config.toriiKeyEnvironment, tenant: config.akanaTenant, nowMilliseconds: now)
        }
        return .json(200, state)
    }
}

/// Wall-clock milliseconds since the Unix epoch.
func epochMilliseconds() -> Int64 {
    Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
}

/// Whole seconds of a monotonic clock since the emulator started (for rate-limit windows).
func monotonicSeconds() -> Int64 {
    clockOrigin.duration(to: .now).components.seconds
}

private let clockOrigin = ContinuousClock.now

/// Percent-decodes a raw path segment; malformed escapes leave it as it is.
func percentDecode(_ raw: Substring) -> String {
    URLComponents(string: "/" + raw).map { String($0.path.dropFirst()) } ?? String(raw)
}

/// `digits` left-padded with zeros to `width`.
func zeroPadded(_ digits: String, width: Int) -> String {
    String(repeating: "0", count: max(0, width - digits.count)) + digits
}
