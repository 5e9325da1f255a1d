// `Set-Cookie`: each input line is the value of one header of a 200 login answer, read as
// `offboard akana login` reads it; the session it saves is one the next run reads back, and
// its secrets stay out of the -v trace.
// dictionary: set-cookie
import OffboardCore

@testable import Akana
@testable import HTTPCore

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    var reader = ResponseHeaderLines()
    for line in lines(of: input) { (Array("Set-Cookie:".utf8) + line).withUnsafeBufferPointer { reader.read($0) } }
    for header in reader.headers {
        _ = SetCookie(header: header.value)
        _ = AkanaService.redaction.headerValue(name: header.name, value: header.value)
    }
    let response = HTTPResponse(status: 200, headers: reader.headers, body: Array(#"{"userName":"admin"}"#.utf8))
    let credentials: AkanaCredentials
    do {
        credentials = try AkanaLogin.credentials(from: response)
    } catch {
        return checkShownSafely(error)
    }
    let session = AkanaSession(baseURL: "https://developer.acme.com", email: "admin@acme.com", credentials: credentials, createdAt: "")
    precondition(AkanaSession(json: session.json) == session, "login saves a session that the next run refuses: \(session.json.serialized)")
    // Nothing of a secret shows but its public prefix: the trace is the same with the secrets cut to it.
    let cut = { (secret: String) in AkanaService.redaction.publicPrefixes.first { secret.hasPrefix($0) } ?? "" }
    let shown = traced(credentials)
    let expected = traced(
        AkanaCredentials(tenant: credentials.tenant, authToken: cut(credentials.authToken), csrfToken: credentials.csrfToken.map(cut)))
    precondition(shown == expected, "a secret shows in the trace: \(shown.debugDescription)")
}

/// The -v trace of a DELETE sent with these credentials.
func traced(_ credentials: AkanaCredentials) -> String {
    let request = AkanaService(baseURL: "https://developer.acme.com", credentials: credentials).deleteRequest(for: "x")
    let shown = Shown()
    Trace(redaction: AkanaService.redaction) { shown.text += $0 + "\n" }
        .headers(request.headers.map { "\($0.name): \($0.value)\r\n" }.joined(), outgoing: true)
    return shown.text
}

/// What the trace wrote (on this thread only).
final class Shown: @unchecked Sendable {
    var text = ""
}
