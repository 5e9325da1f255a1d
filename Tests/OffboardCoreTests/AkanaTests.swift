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
}
