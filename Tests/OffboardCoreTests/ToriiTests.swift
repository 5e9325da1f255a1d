import HTTPCore
import OffboardCore
import Testing

@testable import Torii

@Suite struct ToriiRequestTests {
    let service = try! ToriiService(baseURL: "https://api.torii.so", secretKey: "sk_test_abc123")

    @Test func buildsTheDocumentedRequest() {
        let request = service.deleteRequest(for: "01931a73-8b00-7000-8000-000000000000")
        #expect(request.method == "DELETE")
        #expect(request.url == "https://api.torii.so/api/server/v1/users/01931a73-8b00-7000-8000-000000000000")
        #expect(request.header("authorization") == "Bearer sk_test_abc123")
    }

    @Test func encodesAnIDIntoExactlyOneSegment() {
        let request = service.deleteRequest(for: "../admin?x=1#y z/%2F")
        #expect(request.url == "https://api.torii.so/api/server/v1/users/..%2Fadmin%3Fx%3D1%23y%20z%2F%252F")
        #expect(service.deleteRequest(for: "..").url.hasSuffix("/users/%2E%2E"))
    }

    @Test(arguments: ["pk_test_abc", "sk_test_", "", "SK_TEST_abc", "sk_prod_abc"])
    func refusesKeysThatAreNotSecretKeys(key: String) {
        let error = #expect(throws: OffboardError.self) { try ToriiService(baseURL: "https://x", secretKey: key) }
        #expect(error?.status == .configuration)
        #expect(error?.message.contains("abc") == false, "the message must not repeat the key")
    }

    @Test func keyPrefixNamesTheEnvironment() throws {
        #expect(try ToriiService(baseURL: "https://x", secretKey: "sk_live_1").environment == .live)
        #expect(service.environment == .test)
    }

    @Test func idFormatAcceptsAnyCaseAndSendsLowerCase() throws {
        let format = ToriiIDFormat()
        let parsed = try format.parse("01931A73-8B00-7000-8000-00000000000F").get()
        #expect(parsed.description == "01931a73-8b00-7000-8000-00000000000f")
        for bad in [
            "", "01931a73-8b00-7000-8000-00000000000", "01931a73-8b00-7000-8000-00000000000g",
            "{01931a73-8b00-7000-8000-000000000000}", "01931a738b0070008000000000000000",
            "01931a73-8b00-7000-8000-000000000000\n", "../../etc/passwd",
        ] {
            #expect(throws: IDFormatError.self, "\(bad)") { try format.parse(Substring(bad)).get() }
        }
    }
}

@Suite struct ToriiOutcomeTests {
    let service = try! ToriiService(baseURL: "https://api.torii.so", secretKey: "sk_test_abc123")
    let id = "01931a73-8b00-7000-8000-000000000000"

    func verdict(_ status: Int, body: String = "", type: String? = nil, unknown: Bool = false) -> Verdict {
        let response = HTTPResponse(status: status, headers: type.map { [HTTPHeader("Content-Type", $0)] } ?? [], body: Array(body.utf8))
        return service.verdict(for: response, id: id, problem: Problem.from(response), earlierResultUnknown: unknown)
    }

    @Test func mapsEveryRowOfTheContractTable() {
        #expect(verdict(204) == Verdict(outcome: .deleted))
        // A 403 that may answer a repeated delete is settled by a look-up, never guessed.
        #expect(service.isAmbiguous(HTTPResponse(status: 403), earlierResultUnknown: true))
        #expect(!service.isAmbiguous(HTTPResponse(status: 403), earlierResultUnknown: false))
        #expect(!service.isAmbiguous(HTTPResponse(status: 404), earlierResultUnknown: true))
        let forbidden = verdict(
            403, body: #"{"title":"Forbidden","detail":"User belongs to a different environment."}"#, type: "application/problem+json")
        #expect(forbidden.outcome == .failed)
        #expect(forbidden.error?.kind == .forbidden)
        #expect(forbidden.error?.message == "User belongs to a different environment.")
        #expect(forbidden.error?.hint?.contains("--rerun") == true)
        #expect(verdict(401).error?.kind == .unauthorized)
        let missing = verdict(404)
        #expect(missing.outcome == .notFound)
        #expect(missing.error?.kind == .notFound)
    }

    @Test func otherStatusesAreFailuresWithTheRightKind() {
        #expect(verdict(429).error?.kind == .rateLimited)
        #expect(verdict(503).error?.kind == .serverError)
        #expect(verdict(200, body: "<html>", type: "text/html").error?.kind == .unexpectedResponse)
        let redirect = service.verdict(
            for: HTTPResponse(status: 302, headers: [HTTPHeader("Location", "https://evil.example/x")]),
            id: id, problem: nil, earlierResultUnknown: false)
        #expect(redirect.error?.kind == .unexpectedResponse)
        #expect(redirect.error?.message.contains("https://evil.example/x") == true)
        #expect(verdict(418).error?.kind == .unexpectedResponse)
    }

    @Test func transientStatusesAreTheDocumentedOnes() {
        #expect([429, 502, 503, 504].allSatisfy(service.isTransient))
        #expect(![400, 401, 403, 404, 500, 501].contains(where: service.isTransient))
    }
}
