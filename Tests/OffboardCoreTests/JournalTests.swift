import Foundation
import Testing
import Torii

@testable import OffboardCore

/// What a journal file left by earlier runs, or by a crash, reads back as.
@Suite struct JournalTests {
    let path = NSTemporaryDirectory() + "journal-\(UUID().uuidString)"
    let first = "01931a73-8b00-7000-8000-000000000001", second = "01931a73-8b00-7000-8000-000000000002"
    let header = #"{"journal":"offboard","version":1,"service":"torii","scope":"test","baseUrl":"https://api.torii.so","at":"2026-11-26T10:00:00Z"}"#

    func open(_ content: String, scope: String = "test") throws(OffboardError) -> Journal {
        try? Data(content.utf8).write(to: URL(fileURLWithPath: path))
        let (ids, _) = try IDReader.read(arguments: [first, second], file: nil, format: ToriiIDFormat())
        return try Journal(path: path, service: "torii", scope: scope, baseURL: "https://api.torii.so", ids: ids, ignoreNotFound: false)
    }

    func record(_ id: String, _ outcome: String) -> String {
        #"{"service":"torii","id":"\#(id)","outcome":"\#(outcome)","at":"2026-11-26T10:00:01Z","baseUrl":"https://api.torii.so"}"#
    }

    @Test func aTornLastLineIsIgnoredAndTheRestRead() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try open(header + "\n" + record(first, "deleted") + "\n" + #"{"service":"torii","id":"01931a"#)
        #expect(journal.prior == [.done, .none])
        #expect(journal.damagedLines == 1)
    }

    /// A crash while the header itself was written leaves a torn header: still a journal.
    @Test func aTornHeaderIsStillAJournal() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        for torn in [String(header.prefix(40)), String(header.prefix(7))] {
            let journal = try open(torn)
            #expect(journal.prior == [.none, .none])
            try journal.beginWriting()
            let (ids, _) = try IDReader.read(arguments: [first, second], file: nil, format: ToriiIDFormat())
            try journal.markPending([0], ids: ids)
            let written = try String(contentsOfFile: path, encoding: .utf8)
            #expect(try open(written).prior == [.unknown, .none])
            // The header's scope is lost, the records' is not.
            #expect(throws: OffboardError.self) { _ = try open(written, scope: "live") }
        }
    }

    @Test func anotherFileOrAnotherScopeIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: OffboardError.self) { _ = try open(first + "\n" + second + "\n") }
        #expect(throws: OffboardError.self) { _ = try open(header + "\n", scope: "live") }
        // Written before the scope was recorded: nothing to compare, so read.
        let older = header.replacingOccurrences(of: #""scope":"test","#, with: "")
        #expect(try open(older + "\n" + record(second, "pending") + "\n").prior == [.none, .unknown])
    }

    /// Found by `scripts/fuzz journal` (the input as libFuzzer minimised it): the file's base
    /// URL, service and scope went into the error raw, a NUL or an ESC included.
    @Test func whatTheFileSaysIsShownEscapedInTheError() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: OffboardError.self) { _ = try open(#"{"journal":"offboard","baseUrl":"\u0000","service":""}"#) }
        #expect(error?.message.contains(#"was written for  at \0, not torii at https://api.torii.so"#) == true)
        #expect(error?.message.unicodeScalars.contains(where: \.isHiddenOnTerminal) == false)
        let scoped = #expect(throws: OffboardError.self) { _ = try open(header.replacingOccurrences(of: #""test""#, with: #""test\u001b[2J""#)) }
        #expect(scoped?.message.contains(#"written for torii (test\u{1B}[2J)"#) == true)
    }
}

/// A service whose IDs are no UUIDs (Okta's are 20 characters) uses the same list and journal.
@Suite struct OpaqueIDTests {
    struct TwentyCharacterIDFormat: IDFormat {
        var suffix: String { "" }

        func parse(_ text: Substring) -> Result<UserID, IDFormatError> {
            text.utf8.count == 20 ? .success(UserID(text)) : .failure(IDFormatError("is not 20 characters"))
        }
    }

    let path = NSTemporaryDirectory() + "journal-\(UUID().uuidString)"

    @Test func areReadDeduplicatedAndMatchedByTheJournal() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (ids, warnings) = try IDReader.read(
            arguments: ["00u1abcdEFGHijkl2345", "00u9zyxwVUTSrqpo8765", "00u1abcdEFGHijkl2345"],
            file: nil, format: TwentyCharacterIDFormat())
        #expect(ids.count == 2)
        #expect(ids.id(at: 0) == "00u1abcdEFGHijkl2345", "kept as given, case included")
        #expect(warnings == ["1 duplicate ID will be deleted once: 00u1abcdEFGHijkl2345 (argument 3)"])
        let journal = try Journal(path: path, service: "okta", scope: "org", baseURL: "https://acme.okta.com", ids: ids, ignoreNotFound: false)
        try journal.beginWriting()
        try journal.record(DeletionResult(service: "okta", id: ids.id(at: 1), line: nil, verdict: Verdict(outcome: .deleted)))
        try journal.sync()
        let reread = try Journal(path: path, service: "okta", scope: "org", baseURL: "https://acme.okta.com", ids: ids, ignoreNotFound: false)
        #expect(reread.prior == [.none, .done])
    }

    /// A list that gets an ID of each kind keeps both, in order.
    @Test func aListTakesUUIDsAndOtherTextTogether() throws {
        let uuid = "01931A73-8B00-7000-8000-000000000001"
        var list = IDList()
        list.append(UserID(uuid[...]), line: 0)
        list.append(UserID("00u1abcdEFGHijkl2345"), line: 7)
        #expect(list.count == 2)
        #expect(list.id(at: 0) == uuid.lowercased())
        #expect(list.userID(at: 0) == UserID(uuid[...]))
        #expect(list.id(at: 1) == "00u1abcdEFGHijkl2345")
        #expect(list.line(at: 1) == 7)
    }
}
