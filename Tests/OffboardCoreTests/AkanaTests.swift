import Foundation
import HTTPCore
import OffboardCore
import Testing

@testable import Akana

@Suite struct CookieTests {
    @Test func readsNameAndValueAndIgnoresAttributes() {
        #expect(
            SetCookie(header: "AtmoAuthToken_acme=TokenID%3Dabc%2CexpirationTime%3D1; Path=/; HttpOnly; Secure")
                == SetCookie(name: "AtmoAuthToken_acme", value: "TokenID%3Dabc%2CexpirationTime%3D1"))
        #expect(SetCookie(header: "  Csrf-Token_acme = v ") == SetCookie(name: "Csrf-Token_acme", value: "v"))
    }

    @Test func keepsQuotedAndEncodedValuesByteForByte() {
        #expect(SetCookie(header: #"A="quoted value"; Path=/"#)?.value == #""quoted value""#)
        #expect(SetCookie(header: "A=a%3Db%2Cc==; Max-Age=10")?.value == "a%3Db%2Cc==")
        #expect(SetCookie(header: "A=; Path=/")?.value == "")
    }

    @Test func refusesHeadersWithoutAPair() {
        #expect(SetCookie(header: "HttpOnly") == nil)
        #expect(SetCookie(header: "=value") == nil)
    }

    @Test func loginReadsSeveralCookiesAndTheTenantFromTheName() throws {
        let response = HTTPResponse(
            status: 200,
            headers: [
                HTTPHeader("Content-Type", "application/json"),
                HTTPHeader("Set-Cookie", "JSESSIONID=1; Path=/"),
                HTTPHeader("Set-Cookie", "AtmoAuthToken_acmepaymentscorp=TokenID%3Da; Path=/; HttpOnly"),
                HTTPHeader("set-cookie", "Csrf-Token_acmepaymentscorp=TokenID%3Db; Path=/"),
            ], body: Array(#"{"loginStatus":true,"pendingTasks":[]}"#.utf8))
        #expect(
            try AkanaLogin.credentials(from: response)
                == AkanaCredentials(tenant: "acmepaymentscorp", authToken: "TokenID%3Da", csrfToken: "TokenID%3Db"))
    }

    /// Found by `scripts/fuzz set-cookie`: an empty AtmoAuthToken cookie (how a platform clears
    /// it) was saved as a session, which the next run then refused as damaged.
    @Test func aClearedAuthCookieStartsNoSession() {
        let response = HTTPResponse(
            status: 200,
            headers: [
                HTTPHeader(
                    "Set-Cookie", "AtmoAuthToken_acmepayments0nrp=; Path:00\u{1D}\u{1D}\u{1D}\u{1D}\u{1D}\u{1D}\u{1D}\u{1D}\u{1D}pOnly")
            ], body: Array(#"{"userName":"admin"}"#.utf8))
        let error = #expect(throws: OffboardError.self) { try AkanaLogin.credentials(from: response) }
        #expect(error?.status == .notAuthorized)
        #expect(error?.message.contains("cleared the AtmoAuthToken_ cookie") == true)
    }

    @Test func pendingTasksAreNamed() {
        let response = HTTPResponse(status: 200, body: Array(#"{"pendingTasks":["TwoFactor"]}"#.utf8))
        let error = #expect(throws: OffboardError.self) { try AkanaLogin.credentials(from: response) }
        #expect(error?.status == .notAuthorized)
        #expect(error?.message.contains("TwoFactor") == true)
    }

    @Test func theLoginBodyIsJSONWithThePassword() {
        let request = AkanaLogin.request(baseURL: "https://x", email: "a@b", password: "p\"w")
        #expect(request.method == "POST")
        #expect(request.url == "https://x/api/login")
        #expect(String(decoding: request.body ?? [], as: UTF8.self) == #"{"email":"a@b","password":"p\"w"}"#)
    }
}

@Suite struct AkanaServiceTests {
    let service = AkanaService(
        baseURL: "https://dev.acme.com",
        credentials: AkanaCredentials(tenant: "acme", authToken: "TokenID%3Da", csrfToken: "TokenID%3Db"))
    let id = "cb50e0c5-2bc4-4195-8932-0391ad6066bb.acme"

    @Test func buildsTheDocumentedRequest() {
        let request = service.deleteRequest(for: id)
        #expect(request.url == "https://dev.acme.com/api/users/\(id)")
        #expect(request.header("Accept") == "text/plain")
        #expect(request.header("X-Csrf-Token_acme") == "TokenID%3Db")
        #expect(request.header("Cookie") == "AtmoAuthToken_acme=TokenID%3Da; Csrf-Token_acme=TokenID%3Db")
    }

    @Test func withoutACSRFTokenNeitherCookieNorHeaderIsSent() {
        let bare = AkanaService(baseURL: "https://x", credentials: AkanaCredentials(tenant: "acme", authToken: "t", csrfToken: nil))
        #expect(bare.deleteRequest(for: id).header("X-Csrf-Token_acme") == nil)
        #expect(bare.deleteRequest(for: id).header("Cookie") == "AtmoAuthToken_acme=t")
        let verdict = bare.verdict(for: HTTPResponse(status: 401), id: id, problem: nil, earlierResultUnknown: false)
        #expect(verdict.error?.hint?.contains("CSRF") == true)
    }

    func verdict(_ status: Int, _ body: String = "", unknown: Bool = false) -> Verdict {
        service.verdict(
            for: HTTPResponse(status: status, headers: [HTTPHeader("Content-Type", "text/plain")], body: Array(body.utf8)),
            id: id, problem: nil, earlierResultUnknown: unknown)
    }

    @Test func mapsEveryRowOfTheContractTable() {
        #expect(verdict(200, id) == Verdict(outcome: .deleted, confirmation: id))
        #expect(verdict(200, "something else").warning?.contains("did not match") == true)
        #expect(verdict(200, "something else").outcome == .deleted)
        #expect(verdict(400, "HTTP method DELETE is not supported by this URL").error?.kind == .badRequest)
        #expect(verdict(401).error?.kind == .unauthorized)
        #expect(verdict(403).error?.kind == .unauthorized)
        #expect(verdict(403).error?.hint?.contains("offboard akana login") == true)
        #expect(verdict(404).outcome == .notFound)
        #expect(verdict(404, unknown: true).outcome == .alreadyDeleted)
        #expect(service.isTransient(status: 500))
        #expect(verdict(500).error?.kind == .serverError)
    }

    @Test func idFormatFixesTheTenantFromTheFirstIDAndRefusesOthers() {
        var format = AkanaIDFormat(tenant: nil, source: "AKANA_FED_MEMBER")
        #expect((try? format.parse(Substring(id)).get()) != nil)
        #expect(format.tenant == "acme")
        guard case .failure(let error) = format.parse("cb50e0c5-2bc4-4195-8932-0391ad6066bb.other") else {
            Issue.record("another tenant must be refused"); return
        }
        #expect(error.wrongTenant)
        #expect(error.reason == "belongs to tenant other, not acme (the tenant of the first ID)", "names where the tenant came from")
        for bad in [
            "cb50e0c5-2bc4-4195-8932-0391ad6066bb", "cb50e0c5-2bc4-4195-8932-0391ad6066bb.", "x.acme",
            "cb50e0c5-2bc4-4195-8932-0391ad6066bb.ac/me", "cb50e0c5-2bc4-4195-8932-0391ad6066bb.a.b",
        ] {
            guard case .failure(let error) = format.parse(Substring(bad)) else { Issue.record("\(bad) accepted"); continue }
            #expect(!error.wrongTenant, "\(bad)")
        }
    }
}

@Suite struct SessionStoreTests {
    let store = AkanaSessionStore(directory: NSTemporaryDirectory() + "offboard-store-\(UUID().uuidString)/offboard")
    let session = AkanaSession(
        baseURL: "https://dev.acme.com:8443", email: "a@b",
        credentials: AkanaCredentials(tenant: "acme", authToken: "TokenID%3Da", csrfToken: nil), createdAt: "t")

    @Test func savesWithMode0600AndLoadsBack() throws {
        try store.save(session)
        let path = store.path(for: session.baseURL)
        #expect(path.hasSuffix("/akana-https-dev.acme.com_3A8443.json"))
        #expect(store.path(for: "https://dev.acme.com/8443") != path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: store.directory)[.posixPermissions] as? Int == 0o700)
        #expect(try store.load(baseURL: session.baseURL) == session)
        #expect(store.savedBaseURLs() == [session.baseURL])
        #expect(try store.load(baseURL: "https://elsewhere") == nil)
        #expect(store.remove(baseURL: session.baseURL))
        #expect(!store.remove(baseURL: session.baseURL))
    }

    @Test func refusesAFileOthersCanRead() throws {
        try store.save(session)
        let path = store.path(for: session.baseURL)
        chmod(path, 0o640)
        #expect(throws: OffboardError.self) { try store.load(baseURL: session.baseURL) }
        #expect(store.savedBaseURLs() == [session.baseURL], "still listed, so logout can remove it")
        _ = FileManager.default.createFile(atPath: path, contents: Data("{broken".utf8), attributes: [.posixPermissions: 0o600])
        #expect(store.savedBaseURLs() == [session.baseURL], "a damaged one too, by its name")
        #expect(AkanaSessionStore.baseURL(fromFileName: "akana-http-127.0.0.1_3A9.json") == "http://127.0.0.1:9")
        #expect(AkanaSessionStore.baseURL(fromFileName: "akana-http-127.0.0.1_3a9.json") == nil, "only names path(for:) writes")
    }

    /// The session file for `baseURL` holding `bytes`, as a crash or an editor may leave it.
    func load(_ bytes: [UInt8], baseURL: String = "https://developer.acme.com") throws -> AkanaSession? {
        try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: store.path(for: baseURL), contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        return try store.load(baseURL: baseURL)
    }

    /// Found by `scripts/fuzz session-file`: a token that is no text (a byte that is not UTF-8)
    /// went into the Cookie header; a session file holds what a login saves, or it is damaged.
    @Test func aSessionNoLoginSavesIsDamaged() throws {
        let found =
            Array(
                #"{"service":"akana","baseUrl":"https://developer.acme.com","email":"admin@acme.com","tenant":"acmepaymentscorp","authToken":"TokenID%3D8ed70a13-8469-11"#
                    .utf8) + [0xF9]
            + Array(
                #"8-b37a-b155e4eabeb8%2CexpirationTime%3D1613690454263","csrfToken":"TokenID%3D8ed70a13","createdAt":"2026-11-26T10:00:00Z"}"#.utf8)
            + [0x0A]
        let error = #expect(throws: OffboardError.self) { try load(found) }
        #expect(error?.message.contains("is damaged — remove it and run `offboard akana login` again") == true)
        let saved: [(String, JSONValue)] = [
            ("baseUrl", .string("https://developer.acme.com")), ("tenant", .string("acme")), ("authToken", .string("TokenID%3Da")),
            ("csrfToken", .string("TokenID%3Db")),
        ]
        #expect(try load(Array(JSONValue.object(saved).serialized.utf8))?.credentials.csrfToken == "TokenID%3Db")
        for (name, value) in [("tenant", "acme\nX-Evil: 1"), ("authToken", "TokenID a"), ("authToken", ""), ("csrfToken", "b\r\nX: 1")] {
            let members = saved.map { $0.0 == name ? (name, JSONValue.string(value)) : $0 }
            #expect(throws: OffboardError.self, "\(name): \(value.debugDescription)") { try load(Array(JSONValue.object(members).serialized.utf8)) }
        }
    }

    /// Found by `scripts/fuzz session-file` (the input as libFuzzer minimised it): the base URL
    /// a file names went into the error raw, here a byte-order mark.
    @Test func theBaseURLAFileNamesIsShownEscaped() throws {
        let error = #expect(throws: OffboardError.self) { try load(Array(#"{"baseUrl":"\#u{FEFF}","tenant":"a","authToken":"c"}"#.utf8)) }
        #expect(error?.message.contains(#"is for \u{FEFF}, not https://developer.acme.com"#) == true)
    }
}
