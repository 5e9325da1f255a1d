// `Retry-After`: seconds or an HTTP date, as a 429 or 503 answer carries it, and the retry
// decision taken on it.
// dictionary: http-date
import HTTPCore

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let value = String(decoding: input, as: UTF8.self)
    if let wait = RetryPolicy.parseRetryAfter(value, now: 1_700_000_000) {
        precondition(wait >= .zero, "a negative wait: \(wait)")
    }
    var random = SplitMix(state: UInt64(input.count))
    _ = RetryPolicy(maxRetries: 3).decide(retriesSoFar: 1, retryAfter: value, random: &random)
}

/// Jitter that repeats from run to run, so a finding replays.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
