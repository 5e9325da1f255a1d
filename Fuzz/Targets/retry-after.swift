// `Retry-After`: seconds or an HTTP date, as a 429 or 503 answer carries it, and the retry
// decision taken on it.
// dictionary: http-date
import HTTPCore

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let value = String(decoding: input, as: UTF8.self)
    if let wait = RetryPolicy.parseRetryAfter(value, now: 1_700_000_000) {
        precondition(wait >= .zero, "a negative wait: \(wait)")
    }
    // The jitter is drawn within bounds the header does not move: any generator will do.
    var random = SystemRandomNumberGenerator()
    _ = RetryPolicy(maxRetries: 3).decide(retriesSoFar: 1, retryAfter: value, random: &random)
}
