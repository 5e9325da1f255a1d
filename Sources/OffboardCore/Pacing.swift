import HTTPCore

/// A change of a batch's pace, for the progress line and `-v`.
public struct PaceChange: Sendable, Equatable, CustomStringConvertible {
    /// Requests started per second at most; nil when only `--concurrency` limits the batch.
    public var rate: Double?
    /// Requests in flight at most.
    public var concurrency: Int
    /// The server's answers set the pace (not `--rate` or `--concurrency`).
    public var serverLimited: Bool
    /// What changed it, e.g. `a 429 (Retry-After: 1)` or `RateLimit-Policy: 50 per 1 s`.
    public var reason: String

    /// `48/s at most, 2 in flight at most: a 429 asked to wait 1 s`
    public var description: String {
        let pace = rate.map { $0 < 10 ? "\(Double(Int($0 * 10)) / 10)/s at most" : "\(Int($0))/s at most" } ?? "no rate limit"
        return "\(pace), \(concurrency) in flight at most: \(reason)"
    }
}

/// How fast a batch starts requests and how many it keeps in flight, learned from the server's
/// answers in the spirit of TCP's congestion control: a 429 lowers the start rate (to what the
/// server took in the last second) and halves the requests in flight; each calm second raises
/// them again a little; a `Retry-After` holds every start until then. RateLimit headers pace
/// ahead of any 429: the start rate stays just under the quota the server announces, and a
/// quota used up holds the starts until its reset. `--rate` stays a hard cap and
/// `--concurrency` the ceiling.
struct Pacer {
    /// `--concurrency`: never more in flight.
    let ceiling: Int
    /// `--rate`: never more starts per second (0 for no cap).
    let cap: Double
    /// `--rate-limit-wait`: no hold, and no spread of a quota, reaches further. A quota that
    /// resets later is left to the 429s, whose waits that bound ends: the batch never stalls
    /// silently for an hour on a `remaining: 0`.
    let longestWait: Duration
    /// Starts per second the server's answers allow; nil until one says anything of it.
    private(set) var serverRate: Double?
    /// Requests in flight at most, now.
    private(set) var concurrency: Int
    /// No start before this: a 429's `Retry-After`, or a quota used up until its reset.
    private(set) var holdUntil: ContinuousClock.Instant
    /// The hold is a used-up quota's (which an answer from the next window ends), not a `Retry-After`.
    private var holdIsQuotas = false
    /// The earliest the next start may go, by the pace.
    private var nextStart: ContinuousClock.Instant
    /// What the server's answers announced: starts per second over time.
    private var announcedRate: Double?
    /// When the pace was last lowered or raised.
    private var lastChange: ContinuousClock.Instant
    /// When a 429 last lowered it.
    private var lastDecrease: ContinuousClock.Instant?
    /// Few requests left of a quota, spread over the time to its reset: the pace until then.
    private var spread: (rate: Double, until: ContinuousClock.Instant)?
    /// Answers that were no 429 in the last second, oldest first (from `successesStart`): what
    /// the server took lately.
    private var successes: [ContinuousClock.Instant] = []
    private var successesStart = 0

    /// A pace just under an announced quota: starts spread evenly at 96% of it fill a fixed
    /// window to at most 96% plus one, whatever the window's phase.
    static let underQuota = 0.96
    /// In flight before any answer, as TCP's initial window: a batch whose first answers bring a
    /// quota does not overshoot it with a burst of `--concurrency` requests sent blind. Each
    /// answer then allows one more (doubling per round trip) up to the ceiling, until a 429.
    static let initialConcurrency = 4
    /// Each calm second raises a lowered pace by this share (and the requests in flight by one).
    static let calmIncrease = 0.05
    static let catchUp = Duration.milliseconds(10)
    /// The slowest pace: one start every two seconds.
    static let slowest = 0.5

    init(concurrency: Int, rate: Double, longestWait: Duration, now: ContinuousClock.Instant) {
        ceiling = concurrency
        cap = rate
        self.longestWait = longestWait
        self.concurrency = min(concurrency, Self.initialConcurrency)
        holdUntil = now
        nextStart = now
        lastChange = now
    }

    /// Starts per second at most, all limits taken together; nil for none.
    var rate: Double? {
        [cap > 0 ? cap : nil, serverRate, spread?.rate].compactMap { $0 }.min()
    }

    /// When the next start may go: nil for now (and it is counted as gone), else the instant to
    /// try again.
    mutating func start(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        if let until = spread?.until, until <= now { spread = nil }
        let earliest = max(nextStart, holdUntil)
        if earliest > now { return earliest }
        // A timer that fires late leaves the pace behind: up to 10 ms of it is caught up, so
        // lateness does not add up over thousands of starts (and a catch-up stays a burst of one or two).
        if let rate { nextStart = max(now - Self.catchUp, nextStart) + .seconds(1 / rate) }
        return nil
    }

    /// Reads an answer for what it says of the server's limit; returns the new pace when it changed.
    /// - Parameter left: the requests the batch has yet to send, at least.
    mutating func observe(_ outcome: Result<HTTPResponse, TransportError>, left: Int, now: ContinuousClock.Instant) -> PaceChange? {
        guard case .success(let response) = outcome else { return nil }
        let info = RateLimitInfo(response.headers)
        if response.status == 429 { return slowDown(response, info: info, now: now) }
        if lastDecrease == nil, concurrency < ceiling { concurrency += 1 }
        successes.append(now)
        _ = tookInLastSecond(now: now)
        var reasons: [String] = []
        if let announced = info?.sustainedRate.map({ $0 * Self.underQuota }), announced != announcedRate {
            announcedRate = announced
            if serverRate.map({ $0 > announced }) ?? true {
                serverRate = announced
                reasons.append("the server's quota is \(info!.quota!) per \(info!.window!.spoken)")
            }
        }
        if let remaining = info?.remaining {
            if remaining == 0, let reset = info?.reset, reset <= longestWait, now + reset > holdUntil {
                holdUntil = now + reset
                holdIsQuotas = true
                reasons.append("the quota is used up until its reset in \(reset.spoken)")
            } else if remaining > 0, holdIsQuotas, holdUntil > now {
                // Whole seconds make the reset approximate: an answer from the new window ends the hold.
                holdUntil = now
                holdIsQuotas = false
                reasons.append("the quota was restored")
            }
            // Fewer left than the batch needs: spread them over the time to the reset, rather
            // than spend them at once and wait. A reset under 2 s away, in whole seconds, is too
            // rough to pace by (the used-up hold above covers it); a batch the quota covers is
            // not slowed.
            if remaining > 0, remaining < left, let reset = info?.reset, reset >= .seconds(2), reset <= longestWait {
                if spread == nil { reasons.append("\(remaining) requests are left until the quota's reset in \(reset.spoken)") }
                spread = (Double(remaining) / reset.seconds, now + reset)
            }
        }
        if reasons.isEmpty, now - lastChange >= .seconds(1), let raised = raise() {
            lastChange = now
            reasons.append(raised)
        }
        return reasons.isEmpty ? nil : change(reasons.joined(separator: "; "))
    }

    /// A 429: start no faster than the server took in the last second (a little under), or half
    /// as fast when it took almost nothing; half as many in flight; nothing before `Retry-After`.
    private mutating func slowDown(_ response: HTTPResponse, info: RateLimitInfo?, now: ContinuousClock.Instant) -> PaceChange? {
        var reason = "a 429"
        // The 429s of one burst answer requests sent before the first of them slowed the batch:
        // they lower the pace once (as TCP halves once per window of losses), not once each.
        let lowering = lastDecrease.map { now - $0 >= .seconds(1) } ?? true
        if lowering {
            let took = tookInLastSecond(now: now)
            let lowered = took >= 2 ? Double(took) * 0.9 : (rate ?? Double(concurrency)) / 2
            // Never faster than before, or than the quota announced.
            serverRate = max(Self.slowest, [lowered, serverRate, announcedRate].compactMap { $0 }.min()!)
            concurrency = max(1, concurrency / 2)
            lastChange = now
            lastDecrease = now
        }
        let comeBack = response.header("Retry-After").flatMap { RetryPolicy.parseRetryAfter($0) } ?? info?.reset
        var holds = false
        if let comeBack {
            reason += " asked to wait \(comeBack.spoken)"
            if now + min(comeBack, longestWait) > holdUntil {
                holdUntil = now + min(comeBack, longestWait)
                holdIsQuotas = false
                holds = true
            }
        }
        return lowering || holds ? change(reason) : nil
    }

    /// After a calm second: a lowered pace up by a share, up to the announced quota (or no
    /// server pace at all once it is far above what the batch starts), one more in flight.
    private mutating func raise() -> String? {
        var raised = false
        if concurrency < ceiling {
            concurrency += 1
            raised = true
        }
        if let current = serverRate, announcedRate.map({ current < $0 }) ?? true {
            let higher = current * (1 + Self.calmIncrease)
            serverRate = announcedRate.map { min($0, higher) } ?? higher
            raised = true
        }
        return raised ? "a calm second" : nil
    }

    private mutating func tookInLastSecond(now: ContinuousClock.Instant) -> Int {
        while successesStart < successes.count, now - successes[successesStart] > .seconds(1) { successesStart += 1 }
        if successesStart > 1024 {
            successes.removeFirst(successesStart)
            successesStart = 0
        }
        return successes.count - successesStart
    }

    private func change(_ reason: String) -> PaceChange {
        let servers = [serverRate, spread?.rate].compactMap { $0 }.min()
        return PaceChange(rate: rate, concurrency: concurrency, serverLimited: servers.map { cap == 0 || $0 < cap } ?? false, reason: reason)
    }
}
