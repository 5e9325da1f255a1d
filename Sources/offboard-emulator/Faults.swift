// Fault injection for the two DELETE endpoints. Every random decision comes from one
// SplitMix64 stream seeded with --fault-seed and drawn under the state lock, so a run with
// the same flags and the same request order is repeatable.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for fault dice.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}

struct FaultConfig: Sendable {
    var seed: UInt64 = 1
    var latencyMilliseconds = 0
    /// DELETEs allowed per one-second window and API; 0 disables the limit.
    var rateLimit = 0
    var failRate = 0.0
    var dropRate = 0.0
    var garbageRate = 0.0
}

enum FaultDecision {
    case none
    /// 429 with Retry-After; the delete is not applied.
    case rateLimited
    /// 503 with Retry-After; the delete is not applied.
    case unavailable
    /// Apply the delete, then close the connection without answering.
    case drop
    /// Apply the delete, then answer 200 with a malformed body; the payload seeds the body.
    case garbage(UInt64)
}

enum VendorAPI {
    case torii
    case akana
}

/// Mutable fault state; lives inside the locked emulator state.
struct FaultState {
    private var random: SplitMix64
    /// Per-API rate-limit window: (monotonic second, DELETEs started in it).
    private var toriiWindow: (second: Int64, count: Int) = (-1, 0)
    private var akanaWindow: (second: Int64, count: Int) = (-1, 0)

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// Decides the fate of one DELETE. Checks run in the documented order and stop at the
    /// first fault that fires; dice are only rolled for enabled faults.
    mutating func decide(for api: VendorAPI, config: FaultConfig, nowSecond: Int64) -> FaultDecision {
        if config.rateLimit > 0 {
            let limited: Bool
            switch api {
            case .torii: limited = Self.countInWindow(&toriiWindow, nowSecond: nowSecond, limit: config.rateLimit)
            case .akana: limited = Self.countInWindow(&akanaWindow, nowSecond: nowSecond, limit: config.rateLimit)
            }
            if limited { return .rateLimited }
        }
        if config.failRate > 0, random.nextUnit() < config.failRate { return .unavailable }
        if config.dropRate > 0, random.nextUnit() < config.dropRate { return .drop }
        if config.garbageRate > 0, random.nextUnit() < config.garbageRate { return .garbage(random.next()) }
        return .none
    }

    /// Counts one DELETE in the current window; true if it exceeds the limit.
    private static func countInWindow(_ window: inout (second: Int64, count: Int), nowSecond: Int64, limit: Int) -> Bool {
        if window.second != nowSecond {
            window = (nowSecond, 0)
        }
        window.count += 1
        return window.count > limit
    }
}
