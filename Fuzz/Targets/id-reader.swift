// The ID reader: the input as a --from-file (any bytes: BOMs, CRLF, other encodings, NULs),
// then its lines as arguments, for Torii, for Akana with and without a known tenant, and as
// the addresses of --by email.
// Every ID accepted is accepted again as written; every refusal is a safe one-line message.
// dictionary: ids
import Akana
import OffboardCore
import Torii

/// Each read starts from one of these (values: an Akana tenant learnt in one read stays there).
/// `--by email` reads addresses the same way, kept in lower case (which may lengthen one past
/// the limit), so only IDs must read back as they are.
let formats: [(format: any IDFormat, readsBack: Bool)] = [
    (ToriiIDFormat(), true), (AkanaIDFormat(tenant: nil, source: ""), true),
    (AkanaIDFormat(tenant: "acmepaymentscorp", source: "--fed-member"), true), (EmailFormat(), false),
]

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let path = scratchDirectory + "/ids"
    write(input, to: path)
    let arguments = lines(of: input).map { String(decoding: $0.prefix { $0 != 0x0A && $0 != 0 }, as: UTF8.self) }
    for (format, readsBack) in formats {
        read(arguments: [], file: path, format: format, readsBack: readsBack)
        read(arguments: arguments, file: nil, format: format, readsBack: readsBack)
    }
}

func read(arguments: [String], file: String?, format: any IDFormat, readsBack: Bool) {
    let ids: IDList
    do {
        (ids, _) = try IDReader.read(arguments: arguments, file: file, format: format)
    } catch {
        return checkShownSafely(error)
    }
    var again = format
    var lastLine = 0
    for index in 0..<ids.count {
        let id = ids.id(at: index)
        if readsBack, case .failure = again.parse(Substring(id)) { preconditionFailure("\(id.debugDescription) was read, then refused") }
        if let line = ids.line(at: index) {
            precondition(line > lastLine, "line \(line) after line \(lastLine)")
            lastLine = line
        }
    }
}
