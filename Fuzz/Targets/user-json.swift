// The user JSON of `show`, `--check` and `--verify`: a 200 answer to a look-up, read by Torii
// and by Akana, and a page of Torii's user search (`--by email`); a user found is shown on
// one line that the server's text cannot turn into terminal commands.
// dictionary: json
import Akana
import HTTPCore
import OffboardCore
import Torii

@testable import Output

let services: [any DeletionService] = [
    try! ToriiService(baseURL: "https://api.torii.so", secretKey: "sk_test_fuzz"),
    AkanaService(
        baseURL: "https://developer.acme.com", credentials: AkanaCredentials(tenant: "acmepaymentscorp", authToken: "TokenID%3Dfuzz", csrfToken: nil)),
]

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let response = HTTPResponse(status: 200, headers: [HTTPHeader("Content-Type", "application/json")], body: Array(input))
    for service in services {
        let lookup = service.lookup(response, id: "01931a73-8b00-7000-8000-000000000000", problem: nil)
        _ = service.verdictBeforeDelete(lookup)
        _ = service.showsDeleted(lookup)
        _ = service.isOwnAnswer(toProbe: response)
        if case .found(let user) = lookup {
            let line = HumanRenderer.userLine("01931a73-8b00-7000-8000-000000000000", user)
            precondition(!line.unicodeScalars.contains(where: \.isHiddenOnTerminal), "show prints \(line.debugDescription)")
        }
    }
    let torii = services[0] as! ToriiService
    if let page = torii.searchPage(in: response) {
        for user in page.users { _ = HumanRenderer.userLine(user.id ?? "-", user) }
    }
}
