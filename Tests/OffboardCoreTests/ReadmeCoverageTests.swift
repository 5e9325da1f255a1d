import Foundation
import HTTPCore
import Testing

@testable import OffboardCore

/// Every word of the output contract the code can emit is in the README: each outcome, each
/// `error.kind`, each member of a result object and of a journal record. A new one without
/// its documentation fails here.
@Suite struct ReadmeCoverageTests {
    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    @Test func everyOutcomeIsDocumented() {
        for outcome in Outcome.allCases {
            #expect(Self.readme.contains("`\(outcome.rawValue)`"), "README never names the outcome \(outcome.rawValue)")
        }
    }

    @Test func everyErrorKindIsDocumented() {
        for kind in ErrorKind.allCases {
            #expect(Self.readme.contains("`\(kind.rawValue)`"), "README never names the error kind \(kind.rawValue)")
        }
    }

    /// The members of a result with every optional part set, and of the journal's records.
    @Test func everyJSONMemberIsDocumented() throws {
        var result = DeletionResult(
            service: "torii", id: "x", line: 1,
            verdict: Verdict(
                outcome: .failed, error: Failure(kind: .forbidden, message: "m", hint: "h"), confirmation: "c", warning: "w"),
            status: 403, attempts: 1, problem: Problem(members: [("title", .string("t"))]),
            request: HTTPRequest(method: "DELETE", url: "u"))
        result.user = UserRecord(json: .object([]), id: "x", name: nil, email: nil, status: nil)
        result.verified = false
        result.email = "e"
        guard case .object(let members) = result.json else { Issue.record("a result is a JSON object"); return }
        var names = members.map(\.0)
        for case (let name, .object(let inner)) in members where name == "error" || name == "request" { names += inner.map(\.0) }
        // The journal adds these to each record, and writes a header line first.
        names += ["scope", "at", "baseUrl", "journal", "version", "pending"]
        for name in Set(names).sorted() {
            #expect(Self.readme.contains("`\(name)`"), "README never names the JSON member \(name)")
        }
    }
}
