// Fault injection for the two DELETE endpoints. Each DELETE's fate is drawn from the seed, the
// API, the ID and how many times that ID was asked for before (the user's own request count;
// 0 for unknown IDs), so a run with the same flags is repeatable whatever order concurrent
// requests arrive in, and nothing grows with the requests.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for fault dice.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

struct FaultConfig: Sendable {
    var seed: UInt64 = 1
    var latencyMilliseconds = 0
    /// DELETEs allowed per one-second window and API; 0 disables the limit.
    var rateLimit = 0
    var failRate = 0.0
    var errorRate = 0.0
    var dropRate = 0.0
    var garbageRate = 0.0
}

enum FaultDecision {
    case none
    /// 429 with Retry-After; the delete is not applied.
    case rateLimited
    /// 503 with Retry-After; the delete is not applied.
    case unavailable
    /// 500 with the vendor's error body; the delete is not applied.
    case serverError
    /// Apply the delete, then close the connection without answering.
    case drop
    /// Apply the delete, then answer 200 with a malformed body; the payload seeds the body.
    case garbage(UInt64)
}

enum VendorAPI: String {
    case torii
    case akana
}

/// Mutable fault state; lives inside the locked emulator state.
struct FaultState {
    /// Per-API rate-limit window: the monotonic second and the DELETEs started in it.
    private var windows: [VendorAPI: (second: Int64, count: Int)] = [:]

    /// Decides the fate of one DELETE: the rate limit first, then one draw that lands in
    /// consecutive ranges [0, fail) → 503, then error → 500, drop, garbage, so each rate is
    /// exactly the share of DELETEs it names (their sum is at most 1).
    mutating func decide(for api: VendorAPI, id: String, attempt: Int, config: FaultConfig, nowSecond: Int64) -> FaultDecision {
        if config.rateLimit > 0 {
            let count = windows[api].flatMap { $0.second == nowSecond ? $0.count : nil } ?? 0
            windows[api] = (nowSecond, count + 1)
            if count >= config.rateLimit { return .rateLimited }
        }
        guard config.failRate + config.errorRate + config.dropRate + config.garbageRate > 0 else { return .none }
        let key = api.rawValue + "/" + id
        var random = SplitMix64(seed: config.seed ^ Self.fnv1a(key) ^ (UInt64(attempt) &* 0x9E37_79B9_7F4A_7C15))
        var draw = random.nextUnit()
        for (share, decision) in [
            (config.failRate, FaultDecision.unavailable), (config.errorRate, .serverError),
            (config.dropRate, .drop), (config.garbageRate, .garbage(random.next())),
        ] {
            if draw < share { return decision }
            draw -= share
        }
        return .none
    }

    /// DELETEs the API still takes in the current window (for the RateLimit header).
    func remaining(for api: VendorAPI, limit: Int, nowSecond: Int64) -> Int {
        guard let window = windows[api], window.second == nowSecond else { return limit }
        return max(0, limit - window.count)
    }

    /// FNV-1a, 64 bits: a stable hash (Swift's `Hasher` is seeded per process).
    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}
