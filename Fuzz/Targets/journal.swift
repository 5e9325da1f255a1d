// The journal reader: the input as a --journal file (a crash may have torn any line), read
// for a Torii and an Akana batch as a run or a dry run reads it before anything is sent.
// dictionary: json
import OffboardCore

let batches: [(service: String, scope: String, baseURL: String, ids: IDList)] = [
    (
        "torii", "test", "https://api.torii.so",
        IDList(found: [
            (UserID("01931a73-8b00-7000-8000-000000000000"), 1), (UserID("01931a73-8b00-7000-8000-000000000001"), 2),
        ])
    ),
    (
        "akana", "acmepaymentscorp", "https://developer.acme.com",
        IDList(found: [(UserID("cb50e0c5-2bc4-4195-8932-0391ad6066bb"), nil)], suffix: ".acmepaymentscorp")
    ),
]

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let path = scratchDirectory + "/journal"
    write(input, to: path)
    for batch in batches {
        do {
            let journal = try Journal(
                path: path, service: batch.service, scope: batch.scope, baseURL: batch.baseURL, ids: batch.ids,
                ignoreNotFound: input.count % 2 == 0, forWriting: false)
            precondition(journal.prior.count == batch.ids.count, "\(journal.prior.count) results for \(batch.ids.count) IDs")
            precondition(journal.damagedLines >= 0)
        } catch {
            checkShownSafely(error)
        }
    }
}
