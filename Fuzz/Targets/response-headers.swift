// Response headers: the lines libcurl hands over (status lines included), read into headers,
// the values offboard looks at, and the -v trace of the same lines, credentials redacted.
// dictionary: http-headers
import OffboardCore

@testable import HTTPCore

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    var reader = ResponseHeaderLines()
    for line in lines(of: input) { reader.read(line) }
    for status in [302, 429, 503] {
        let response = HTTPResponse(status: status, headers: reader.headers)
        _ = response.mediaType
        _ = Verdict.standard(for: response, problem: nil)
        if let retryAfter = response.header("Retry-After") { _ = RetryPolicy.parseRetryAfter(retryAfter, now: 1_700_000_000) }
    }
    let text = String(decoding: input, as: UTF8.self)
    let trace = Trace(redaction: Redaction(publicPrefixes: ["sk_test_", "TokenID%3D"], credentialHeaderPrefixes: ["x-csrf-token"])) { _ in }
    trace.headers(text, outgoing: false)
    trace.info(text)
}
