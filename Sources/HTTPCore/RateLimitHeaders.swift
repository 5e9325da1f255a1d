#if canImport(Glibc)
import Glibc
#endif

/// What an answer says of the server's rate limit, from whichever header form it uses:
/// - the current IETF draft (draft-ietf-httpapi-ratelimit-headers):
///   `RateLimit-Policy: "default";q=100;w=60` and `RateLimit: "default";r=40;t=12`;
/// - its older drafts and many services: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`;
/// - the common `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (the reset in
///   seconds, or as a Unix time as GitHub sends it).
/// Several policies in one field: the one with the shortest window paces (a daily quota's
/// average would crawl; what is left of it is `remaining`). Several limits: the one with the
/// fewest requests left counts. A window or reset over a day away is not read: nothing that
/// far off paces a batch, and a hostile value must not stall or trap one.
public struct RateLimitInfo: Sendable, Equatable {
    /// Requests allowed per `window`.
    public var quota: Int?
    public var window: Duration?
    /// Requests left before the quota is restored.
    public var remaining: Int?
    /// How long until the quota is restored.
    public var reset: Duration?

    public init(quota: Int? = nil, window: Duration? = nil, remaining: Int? = nil, reset: Duration? = nil) {
        self.quota = quota
        self.window = window
        self.remaining = remaining
        self.reset = reset
    }

    /// Requests per second the server allows over time, when it says both its quota and window.
    public var sustainedRate: Double? {
        guard let quota, let window, window > .zero else { return nil }
        return Double(quota) / window.seconds
    }

    /// Reads the headers of an answer; nil when it has none of them (or none that parse).
    /// - Parameter now: the Unix time, to read an `X-RateLimit-Reset` given as one.
    public init?(_ headers: [HTTPHeader], now: Int = Int(time(nil))) {
        var info = RateLimitInfo()
        for header in headers {
            // Most answers have none of these: only names that start like them are lowercased.
            guard let first = header.name.utf8.first, [UInt8(ascii: "r"), UInt8(ascii: "x")].contains(first | 0x20) else { continue }
            let name = header.name.lowercased()
            guard name.hasPrefix("ratelimit") || name.hasPrefix("x-ratelimit") else { continue }
            switch name {
            case "ratelimit-policy":
                for item in Self.items(header.value) {
                    guard let q = item["q"], let w = item["w"], q >= 0, w > 0, w <= Self.farthest else { continue }
                    let shorter = info.window.map { Duration.seconds(w) < $0 || (Duration.seconds(w) == $0 && q < info.quota!) } ?? true
                    if shorter { (info.quota, info.window) = (q, .seconds(w)) }
                }
            case "ratelimit":
                // The limit with the fewest requests left binds.
                for item in Self.items(header.value) {
                    guard let r = item["r"], r >= 0 else { continue }
                    if info.remaining.map({ r < $0 }) ?? true {
                        info.remaining = r
                        info.reset = item["t"].flatMap { $0 >= 0 && $0 <= Self.farthest ? .seconds($0) : nil }
                    }
                }
            case "ratelimit-limit", "x-ratelimit-limit":
                // `100`, or draft 03's `100, 100;w=60, 1000;w=3600`: the limit in force first,
                // then the policies, whose window for that limit is the one wanted.
                let items = Self.items(header.value)
                guard let limit = items.first?[""], limit >= 0 else { continue }
                info.quota = info.quota ?? limit
                if info.window == nil, let w = items.first(where: { $0[""] == limit && $0["w"] != nil })?["w"], w > 0, w <= Self.farthest {
                    info.window = .seconds(w)
                }
            case "ratelimit-remaining", "x-ratelimit-remaining":
                if info.remaining == nil, let r = Self.number(header.value), r >= 0 { info.remaining = Int(r) }
            case "ratelimit-reset", "x-ratelimit-reset":
                guard info.reset == nil, let value = Self.number(header.value), value >= 0 else { continue }
                // A reset past a billion seconds (31 years) can only be a Unix time.
                let seconds = value > 1_000_000_000 ? max(0, value - Double(now)) : value
                guard seconds <= Double(Self.farthest) else { continue }
                info.reset = .milliseconds(Int64((seconds * 1000).rounded(.up)))
            default:
                continue
            }
        }
        guard info != RateLimitInfo() else { return nil }
        self = info
    }

    /// A day, in seconds: the farthest window or reset read.
    static let farthest = 86_400

    /// The members of a structured-field list (RFC 9651), each as its parameters by key; a bare
    /// integer item is under "". Only integer values are kept: the fields carry nothing else
    /// that pacing needs. Hand-written: no structured-field parser ships with the toolchain.
    static func items(_ value: String) -> [[String: Int]] {
        var items: [[String: Int]] = []
        var current: [String: Int] = [:]
        var token = ""
        var inString = false
        var escaped = false
        func endToken() {
            let part = token.trimmingASCIIWhitespace()
            token = ""
            if let equals = part.firstIndex(of: "=") {
                let key = part[..<equals].trimmingASCIIWhitespace().lowercased()
                if let number = Int(part[part.index(after: equals)...].trimmingASCIIWhitespace()) { current[key] = number }
            } else if let number = Int(part) {
                current[""] = number
            }
        }
        for character in value {
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"": inString = true
            case ";": endToken()
            case ",":
                endToken()
                items.append(current)
                current = [:]
            default: token.append(character)
            }
        }
        endToken()
        items.append(current)
        return items
    }

    /// A plain number, as the older forms send (`12`, or `1.5` from some services).
    static func number(_ value: String) -> Double? {
        guard let number = Double(value.trimmingASCIIWhitespace()), number.isFinite else { return nil }
        return number
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// For messages: `1.4 s` under ten seconds, else whole seconds (`120 s`).
    public var spoken: String {
        let seconds = seconds
        return seconds < 10 && seconds != seconds.rounded() ? "\(Double(Int(seconds * 10)) / 10) s" : "\(Int(seconds.rounded())) s"
    }
}
