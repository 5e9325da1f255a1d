// Akana's text bodies: the 200 answer to a DELETE (the user's ID as confirmation) and the
// `text/plain` error bodies, read as offboard reads them; the confirmation is kept as sent.
// dictionary: ids
import Akana
import HTTPCore
import OffboardCore

let service = AkanaService(
    baseURL: "https://developer.acme.com", credentials: AkanaCredentials(tenant: "acmepaymentscorp", authToken: "TokenID%3Dfuzz", csrfToken: "fuzz"))
let id = "cb50e0c5-2bc4-4195-8932-0391ad6066bb.acmepaymentscorp"

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    for status in [200, 400, 403, 404, 500] {
        let response = HTTPResponse(status: status, headers: [HTTPHeader("Content-Type", "text/plain")], body: Array(input))
        let verdict = service.verdict(for: response, id: id, problem: nil, earlierResultUnknown: false)
        guard status == 200 else { continue }
        // The platform deleted the user whatever the text says; the text is kept, and re-emitted by --json.
        precondition(verdict.outcome == .deleted, "a 200 read as \(verdict.outcome)")
        let confirmation = JSONValue.string(verdict.confirmation ?? "")
        precondition(JSONValue.parse(Array(confirmation.serialized.utf8)) == confirmation, "the confirmation changed in JSON")
    }
}
