// The session-file reader: the input as the file `offboard akana login` saved for a base URL
// (a crash or an editor may have left anything there). A session that loads is one login
// could have saved; a refusal is a safe one-line message.
// dictionary: json
import Akana
import OffboardCore

let baseURL = "https://developer.acme.com"

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let store = AkanaSessionStore(directory: scratchDirectory)
    write(input, to: store.path(for: baseURL))
    let session: AkanaSession?
    do {
        session = try store.load(baseURL: baseURL)
    } catch {
        return checkShownSafely(error)
    }
    guard let credentials = session?.credentials else { preconditionFailure("a file that is there read as no session") }
    precondition(AkanaIDFormat.isValidTenant(credentials.tenant), "a session for the tenant \(credentials.tenant.debugDescription)")
    for secret in [credentials.authToken, credentials.csrfToken ?? "x"] {
        precondition((try? checkSecret(secret, source: "")) != nil, "a session with the secret \(secret.debugDescription)")
    }
}
