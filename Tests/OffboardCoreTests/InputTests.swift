import Akana
import Foundation
import Testing
import Torii

@testable import HTTPCore
@testable import OffboardCore

@Suite struct IDInputTests {
    @Test func deduplicatesAndWarns() throws {
        let (ids, warnings) = try IDReader.read(
            arguments: [
                "01931a73-8b00-7000-8000-000000000001", "01931A73-8B00-7000-8000-000000000001",
                "01931a73-8b00-7000-8000-000000000002",
            ], file: nil, format: ToriiIDFormat())
        #expect(ids.count == 2)
        #expect(ids.id(at: 1) == "01931a73-8b00-7000-8000-000000000002")
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("1 duplicate ID"))
    }

    @Test func noIDsIsAUsageError() {
        #expect(throws: OffboardError(.usage, "no user IDs given — pass IDs as arguments or with --from-file <path|->")) {
            try IDReader.read(arguments: [], file: nil, format: ToriiIDFormat())
        }
        #expect(throws: OffboardError(.usage, "no user IDs given — pass IDs as arguments or with --from-file <path|->")) {
            try IDReader.requireInput(arguments: [], file: nil)
        }
        #expect(throws: Never.self) { try IDReader.requireInput(arguments: [], file: "-") }
    }

    @Test func malformedIDsNameTheirPlaceAndEscapeControlCharacters() {
        let error = #expect(throws: OffboardError.self) {
            try IDReader.read(arguments: ["ok", "a\u{0}b\r\n"], file: nil, format: ToriiIDFormat())
        }
        #expect(error?.status == .malformedInput)
        #expect(error?.message.contains(#"argument 1: "ok""#) == true)
        #expect(error?.message.contains(#"argument 2: "a\0b\r\n""#) == true)
        #expect(error?.message.contains("\n") == false, "one line")
    }

    /// What a Windows editor writes: a byte-order mark and CRLF line ends.
    @Test func aFileWithAByteOrderMarkAndCRLFReads() throws {
        let path = NSTemporaryDirectory() + "ids-\(UUID().uuidString)"
        try Data("\u{FEFF}01931a73-8b00-7000-8000-000000000005\r\n01931a73-8b00-7000-8000-000000000006\r\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (ids, _) = try IDReader.read(arguments: [], file: path, format: ToriiIDFormat())
        #expect(ids.count == 2)
        #expect(ids.id(at: 0) == "01931a73-8b00-7000-8000-000000000005")
        #expect(ids.line(at: 1) == 2)
    }

    /// The first five are quoted; the rest are named by number, so every one can be found.
    @Test func everyMalformedIDIsNamed() throws {
        let path = NSTemporaryDirectory() + "ids-\(UUID().uuidString)"
        let lines = Array(repeating: "bad", count: 10) + ["01931a73-8b00-7000-8000-000000000005"] + Array(repeating: "bad", count: 3)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: OffboardError.self) {
            try IDReader.read(
                arguments: ["x", "y", "z", "v", "w", "u", "01931a73-8b00-7000-8000-000000000006", "t"],
                file: path, format: ToriiIDFormat())
        }
        #expect(error?.status == .malformedInput)
        #expect(error?.message.contains(#"argument 5: "w""#) == true)
        #expect(error?.message.contains("; and 15 more (arguments 6, 8; lines 1–10, 12–14) —") == true)
        var runs = NumberRuns()
        for number in (1...25).map({ UInt32($0 * 2) }) { runs.append(number) }
        #expect(runs.description.hasSuffix("38, 40, …"), "20 runs, then …")
        var one = NumberRuns()
        one.append(7)
        #expect(one.labelled("line") == "line 7")
        one.append(8)
        #expect(one.labelled("line") == "lines 7–8")
    }

    @Test func invisibleCharactersAreShownEscaped() {
        // A byte-order mark elsewhere, a zero-width space, a right-to-left override.
        #expect(quotedForMessage("a\u{FEFF}b\u{200B}c\u{202E}d") == #""a\u{FEFF}b\u{200B}c\u{202E}d""#)
        #expect(quotedForMessage("a\u{2028}b\u{3164}c") == #""a\u{2028}b\u{3164}c""#, "a line separator, a filler")
        #expect(quotedForMessage("é-ok") == #""é-ok""#, "visible text is left alone")
    }
}

@Suite struct BaseURLTests {
    @Test func normalizesAndRecognizesLoopback() throws {
        let url = try BaseURL("http://127.0.0.1:8080/", source: "--base-url")
        #expect(url.description == "http://127.0.0.1:8080")
        #expect(url.isLoopback)
        #expect(try BaseURL("https://api.torii.so", source: "x").isHTTPS)
        #expect(try BaseURL("http://[::1]:80", source: "x").isLoopback)
        #expect(try !BaseURL("http://127.evil.example", source: "x").isLoopback)
    }

    @Test(arguments: [
        "api.torii.so", "ftp://x", "https://", "https://user:pw@x", "https://x?y", "https://x#f",
        "https://x:99999", "https://x y", "https://:80",
    ])
    func refusesUnusableURLs(text: String) {
        #expect(throws: OffboardError.self) { try BaseURL(text, source: "--base-url") }
    }
}

@Suite struct RedactionTests {
    // Each service names the shapes of its own secrets; the core knows none of them.
    let torii = ToriiService.redaction
    let akana = AkanaService.redaction

    @Test func hidesCredentialsButKeepsStructure() {
        #expect(torii.headerValue(name: "Authorization", value: "Bearer sk_test_SECRET") == "Bearer sk_test_…(redacted)")
        #expect(
            akana.headerValue(name: "Cookie", value: "A=TokenID%3Dsecret; B=other")
                == "A=TokenID%3D…(redacted); B=…(redacted)")
        #expect(torii.headerValue(name: "Set-Cookie", value: "A=secret; Path=/; HttpOnly") == "A=…(redacted); Path=/; HttpOnly")
        #expect(akana.headerValue(name: "X-Csrf-Token_acme", value: "secret") == "…(redacted)")
        #expect(torii.headerValue(name: "Accept", value: "text/plain") == "text/plain")
        let toriiTrace = Trace(redaction: torii) { _ in }
        let akanaTrace = Trace(redaction: akana) { _ in }
        #expect(toriiTrace.redacted(headerLine: "authorization: Bearer sk_live_SECRET") == "authorization: Bearer sk_live_…(redacted)")
        // HTTP/2 request headers appear in libcurl's info lines (7.88 and 8.x forms).
        #expect(toriiTrace.redacted(infoLine: "h2h3 [authorization: Bearer sk_test_SECRET]") == "h2h3 [authorization: Bearer sk_test_…(redacted)]")
        #expect(
            akanaTrace.redacted(infoLine: "[HTTP/2] [1] [cookie: AtmoAuthToken_a=SECRET] [x-csrf-token_a: SECRET]")
                == "[HTTP/2] [1] [cookie: AtmoAuthToken_a=…(redacted)] [x-csrf-token_a: …(redacted)]")
        #expect(
            toriiTrace.redacted(infoLine: "Connected to 127.0.0.1 (127.0.0.1) port 443 (#0)") == "Connected to 127.0.0.1 (127.0.0.1) port 443 (#0)")
    }

    @Test func anotherServicesShapesAreHiddenWhole() {
        // Without the service's own shapes nothing of a secret is kept: the safe side.
        #expect(akana.headerValue(name: "Authorization", value: "Bearer sk_test_SECRET") == "Bearer …(redacted)")
        #expect(Redaction().headerValue(name: "Cookie", value: "A=TokenID%3Dsecret") == "A=…(redacted)")
    }
}

@Suite struct RetryPolicyTests {
    @Test func parsesRetryAfterInSecondsAndAsADate() {
        #expect(RetryPolicy.parseRetryAfter("7") == .seconds(7))
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_770) == .seconds(7))
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_800) == .zero)
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        #expect(RetryPolicy.parseRetryAfter("-1") == nil)
    }

    /// Found by `scripts/fuzz retry-after`: a 12-digit day stopped offboard (it did not fit the
    /// 32-bit field of the C date); now any number out of its field's range is no date.
    @Test(arguments: [
        "Sun, 069999999999 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 99999999999 08:49:37 GMT", "Sun, 06 Nov 1994 9999999999:49:37 GMT",
        "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
    ])
    func aDateWithANumberOutOfRangeIsNoDate(_ value: String) {
        #expect(RetryPolicy.parseRetryAfter(value, now: 784_111_770) == nil)
    }

    @Test func backoffIsBoundedAndRetriesStop() {
        var random = SystemRandomNumberGenerator()
        let policy = RetryPolicy(maxRetries: 5)
        for retries in 0..<5 {
            guard case .retry(let wait) = policy.decide(retriesSoFar: retries, retryAfter: nil, random: &random) else {
                Issue.record("expected a retry"); return
            }
            #expect(wait <= min(.seconds(8), .milliseconds(500) * (1 << retries)))
        }
        #expect(policy.decide(retriesSoFar: 5, retryAfter: nil, random: &random) == .stop(reason: nil))
        #expect(policy.decide(retriesSoFar: 0, retryAfter: "2", random: &random) == .retry(after: .seconds(2)))
        guard case .stop(let reason?) = policy.decide(retriesSoFar: 0, retryAfter: "3600", random: &random) else {
            Issue.record("a long Retry-After must stop"); return
        }
        #expect(reason.contains("3600 s"))
    }
}

@Suite struct ExitStatusTests {
    @Test func firstOfTheContractsOrderWins() {
        #expect(ExitStatus.forBatch([.refused, .temporary, .unavailable], interrupted: false) == .unavailable)
        #expect(ExitStatus.forBatch([.refused, .notAuthorized, .configuration], interrupted: false) == .notAuthorized)
        #expect(ExitStatus.forBatch([.success, .refused], interrupted: false) == .refused)
        #expect(ExitStatus.forBatch([.refused], interrupted: true) == .interrupted)
        #expect(ExitStatus.forBatch([], interrupted: false) == .success)
    }
}
