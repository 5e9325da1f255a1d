// The rate-limit headers of any answer (`RateLimit-Policy`/`RateLimit` of the IETF draft,
// `RateLimit-*`, `X-RateLimit-*`), read by the pacer and by a 429's wait: the input is header
// lines, `Name: value`, one per line.
// dictionary: http-headers
import HTTPCore

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let headers = String(decoding: input, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { line -> HTTPHeader? in
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return HTTPHeader(String(line[..<colon]), String(line[colon...].dropFirst()))
    }
    guard let info = RateLimitInfo(headers, now: 1_700_000_000) else { return }
    if let quota = info.quota { precondition(quota >= 0, "a negative quota") }
    if let remaining = info.remaining { precondition(remaining >= 0, "a negative remaining count") }
    if let reset = info.reset { precondition(reset >= .zero, "a negative reset") }
    if let window = info.window { precondition(window > .zero, "an empty window") }
    if let rate = info.sustainedRate { precondition(rate.isFinite && rate >= 0, "a rate of \(rate)") }
}
