#if canImport(Glibc)
import Glibc
#endif

/// When to try again, curl `--retry` style: exponential backoff with full jitter, and a
/// server's `Retry-After` (seconds or an HTTP date) in place of the backoff when it is short.
public struct RetryPolicy: Sendable {
    /// Extra attempts after the first.
    public var maxRetries: Int
    public var base: Duration = .milliseconds(500)
    public var cap: Duration = .seconds(8)
    /// A longer `Retry-After` than this ends the retries instead of stalling the run.
    public var longestRetryAfter: Duration = .seconds(60)
    /// How long one request may wait out a rate limit (429s that say when to come back): those
    /// waits use up no retries, but they end here.
    public var rateLimitWait: Duration

    public init(maxRetries: Int, rateLimitWait: Duration = .seconds(120)) {
        self.maxRetries = maxRetries
        self.rateLimitWait = rateLimitWait
    }

    public enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        /// No more attempts; the reason is set when it is worth telling (a long Retry-After).
        case stop(reason: String?)
    }

    /// - Parameters:
    ///   - retriesSoFar: attempts already made minus one.
    ///   - retryAfter: the response's `Retry-After` header, if any.
    public func decide<R: RandomNumberGenerator>(
        retriesSoFar: Int, retryAfter: String?,
        random: inout R
    ) -> Decision {
        guard retriesSoFar < maxRetries else { return .stop(reason: nil) }
        if let header = retryAfter, let wait = RetryPolicy.parseRetryAfter(header) {
            if wait > longestRetryAfter {
                return .stop(
                    reason:
                        "the server asked to wait \(wait.components.seconds) s (Retry-After), longer than \(longestRetryAfter.components.seconds) s")
            }
            return .retry(after: wait)
        }
        let ceiling = min(cap, base * (1 << min(retriesSoFar, 20)))
        let jittered = Int64.random(in: 0...ceiling.milliseconds, using: &random)
        return .retry(after: .milliseconds(jittered))
    }

    /// A 429 that says when to come back (`Retry-After`, or a RateLimit reset) is no failed
    /// attempt: the request waits that long, plus jitter over up to half as long again (at most
    /// 5 s), so requests told the same moment do not all return in it, and collide again.
    /// - Parameters:
    ///   - waited: how long this request has waited out the rate limit so far.
    ///   - comeBackAfter: what the server asked.
    public func decideRateLimited<R: RandomNumberGenerator>(
        waited: Duration, comeBackAfter: Duration, random: inout R
    ) -> Decision {
        guard waited + comeBackAfter <= rateLimitWait else {
            if waited == .zero {
                return .stop(reason: "the server asked to wait \(comeBackAfter.spoken), longer than the \(rateLimitWait.spoken) allowed")
            }
            return .stop(reason: "still rate limited after waiting \(waited.spoken); the wait allowed is \(rateLimitWait.spoken)")
        }
        let spread = min(max(comeBackAfter / 2, .milliseconds(100)), .seconds(5))
        return .retry(after: comeBackAfter + .milliseconds(Int64.random(in: 0...spread.milliseconds, using: &random)))
    }

    /// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`; a date in the past is 0.
    public static func parseRetryAfter(_ value: String, now: Int = Int(time(nil))) -> Duration? {
        let trimmed = value.trimmingASCIIWhitespace()
        if let seconds = Int(trimmed) {
            return seconds >= 0 ? .seconds(seconds) : nil
        }
        guard let epoch = parseIMFFixdate(trimmed) else { return nil }
        return .seconds(max(0, epoch - now))
    }

    /// RFC 9110's preferred date form, `Sun, 06 Nov 1994 08:49:37 GMT`. Hand-written: FoundationEssentials
    /// (6.3) has no HTTP date style, and the date-format parsers live in FoundationInternationalization,
    /// which offboard does not link (ICU data, megabytes, and start-up time).
    static func parseIMFFixdate(_ text: String) -> Int? {
        let fields = text.split(separator: " ")
        // Every number within its field's range: `tm` holds 32-bit fields (a server's
        // 12-digit day would not fit), and the date format has 2-digit days and 4-digit years.
        guard fields.count == 6, fields[5] == "GMT", let day = Int(fields[1]), (1...31).contains(day), let year = Int(fields[3]),
            (0...9999).contains(year)
        else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = months.firstIndex(of: String(fields[2])) else { return nil }
        let clock = fields[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(clock[0])
        parts.tm_min = Int32(clock[1])
        parts.tm_sec = Int32(clock[2])
        return Int(timegm(&parts))
    }
}
