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
}
