import ArgumentParser
import HTTPCore
import OffboardCore
import Synchronization

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case human
    case json
}

/// A number option as an operator writes it: `30`, `0.5`; help shows `30`, not `30.0`.
struct NumberArgument: ExpressibleByArgument, CustomStringConvertible {
    var value: Double

    init(_ value: Double) { self.value = value }

    /// Decimal only: `Double` would also take `0x10`, `inf` and `nan`.
    init?(argument: String) {
        guard argument.utf8.allSatisfy({ (0x30...0x39).contains($0) || [0x2B, 0x2D, 0x2E, 0x45, 0x65].contains($0) }),
            let value = Double(argument), value.isFinite
        else { return nil }
        self.value = value
    }

    var description: String { value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value) }
    var defaultValueDescription: String { description }
}

/// An option's value and how many times the option had been given when the parser read it. The
/// parser keeps the last value of a repeated option, which for `--from-file` would silently
/// leave the first file's users undeleted; the last value's number says how many there were.
struct CountedValue: Sendable {
    var value: String
    var occurrence: Int
}

/// Numbers an option's values as the parser reads them. The parser builds its options anew for
/// each parse, and with them a new count.
final class OccurrenceCount: Sendable {
    private let count = Mutex(0)

    func next(_ value: String) -> CountedValue {
        CountedValue(
            value: value,
            occurrence: count.withLock { count in
                count += 1
                return count
            })
    }
}

/// What the inputs of a run are.
enum InputKind: String, ExpressibleByArgument, CaseIterable {
    case id
    case email
}

/// The options every command that works through a list of users shares (`show`, `delete`):
/// the input, the output, the pace and the connection.
struct BatchOptions: ParsableArguments {
    @Option(
        name: .customLong("from-file"), help: ArgumentHelp("Read IDs one per line from a file; - is standard input.", valueName: "path"),
        completion: .file(), transform: { [count = OccurrenceCount()] in count.next($0) })
    var fromFileOption: CountedValue?

    var fromFile: String? { fromFileOption?.value }

    @Option(help: ArgumentHelp("What the inputs are: user IDs, or email addresses to find the users by (Torii only).", valueName: "id|email"))
    var by: InputKind = .id

    @Option(name: .shortAndLong, help: "Result format.")
    var output: OutputFormat?

    @Flag(help: "Short for --output json.")
    var json = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests in flight at once (1…64).", valueName: "n"))
    var concurrency = 4

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Start at most n requests per second (0 = no cap); the server's rate limits slow it further.", valueName: "n"))
    var rate = NumberArgument(0)

    @Option(parsing: .unconditional, help: ArgumentHelp("Extra attempts for transient failures (0 disables).", valueName: "n"))
    var retries = 3

    @Option(
        name: .customLong("rate-limit-wait"), parsing: .unconditional,
        help: ArgumentHelp(
            "Seconds one user may wait out the server's rate limit (429s that say when to come back; they use no retries).",
            valueName: "seconds"))
    var rateLimitWait = NumberArgument(120)

    @OptionGroup var connection: ConnectionOptions

    mutating func validate() throws {
        if let fromFileOption, fromFileOption.occurrence > 1 {
            throw ValidationError(
                "--from-file given \(fromFileOption.occurrence) times — pass one file (to combine files: cat a b | offboard … --from-file -)")
        }
        if json, output == .human {
            throw ValidationError("--json and --output human contradict each other — pass one of them")
        }
        guard (1...64).contains(concurrency) else {
            throw ValidationError("--concurrency must be from 1 to 64 (got \(concurrency))")
        }
        guard rate.value == 0 || (0.001...100_000).contains(rate.value) else {
            throw ValidationError("--rate must be 0 (no cap) or from 0.001 to 100000 users per second")
        }
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more") }
        guard (0...86_400).contains(rateLimitWait.value) else {
            throw ValidationError("--rate-limit-wait must be from 0 to 86400 seconds")
        }
    }

    var format: OutputFormat { json ? .json : (output ?? .human) }

    /// How the batch runs, besides what only `delete` decides.
    var settings: BatchSettings {
        BatchSettings(
            concurrency: concurrency, rate: rate.value, retry: RetryPolicy(maxRetries: retries, rateLimitWait: .seconds(rateLimitWait.value)),
            transfer: connection.transferOptions)
    }
}

/// The options every `delete` has besides the batch's.
struct DeleteOptions: ParsableArguments {
    @OptionGroup var batch: BatchOptions

    @Flag(name: .shortAndLong, help: "Delete without asking (required when no terminal is attached).")
    var yes = false

    @Flag(help: "Validate everything and print the requests that would be sent; send nothing.")
    var dryRun = false

    @Flag(
        inversion: .prefixedNo, exclusivity: .exclusive,
        help:
            "Look every user up before the confirmation, and send no DELETE for one already deleted, missing or out of reach (default: on when offboard asks for confirmation)."
    )
    var check: Bool?

    @Flag(help: "Look every user up after its deletion: verified, or failed (not_verified).")
    var verify = false

    @Flag(help: "Count a 404 as success (outcome not_found, exit 0).")
    var ignoreNotFound = false

    @Option(
        help: ArgumentHelp("Record every outcome in this file; a repeated run skips what is done.", valueName: "path"),
        completion: .file())
    var journal: String?

    @Flag(name: .shortAndLong, help: "Print nothing for successes (human output; a dry run still lists its requests).")
    var quiet = false

    var connection: ConnectionOptions { batch.connection }

    /// `--check` unless told otherwise whenever offboard will ask for confirmation.
    var checksFirst: Bool { check ?? (!yes && !dryRun) }

    func batchSettings(rerun: Bool) -> BatchSettings {
        var settings = batch.settings
        settings.rerun = rerun
        settings.ignoreNotFound = ignoreNotFound
        settings.dryRun = dryRun
        settings.verify = verify
        return settings
    }
}
