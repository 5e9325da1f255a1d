import ArgumentParser
import HTTPCore
import OffboardCore
import Output

#if canImport(Glibc)
import Glibc
#endif

/// How to reach a server: limits, trust and tracing. Every command that talks to one has them.
struct ConnectionOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Limit for one attempt, whole request, in seconds.", valueName: "s"))
    var timeout = NumberArgument(30)

    @Option(parsing: .unconditional, help: ArgumentHelp("Limit for connecting, in seconds.", valueName: "s"))
    var connectTimeout = NumberArgument(10)

    @Option(help: ArgumentHelp("Extra CA bundle for TLS verification.", valueName: "path"), completion: .file())
    var cacert: String?

    @Flag(help: "Skip TLS verification (prints a warning every run).")
    var insecure = false

    @Flag(name: .shortAndLong, help: "HTTP trace on stderr, secrets redacted.")
    var verbose = false

    @Flag(help: "No ANSI colour (also when NO_COLOR is set, TERM is dumb or unset, or output is not a terminal).")
    var noColor = false

    mutating func validate() throws {
        guard timeout.value >= 0.001, timeout.value <= 86_400 else { throw ValidationError("--timeout must be from 0.001 to 86400 seconds") }
        guard connectTimeout.value >= 0.001, connectTimeout.value <= 86_400 else {
            throw ValidationError("--connect-timeout must be from 0.001 to 86400 seconds")
        }
    }

    /// A closed or failing stdout stops a batch as Ctrl-C does (``Interrupts/outputFailed(_:)``).
    var console: Console { Console(noColor: noColor, onStdoutFailed: Interrupts.outputFailed) }

    var transferOptions: TransferOptions {
        TransferOptions(timeout: .seconds(timeout.value), connectTimeout: .seconds(connectTimeout.value), caFile: cacert, insecure: insecure)
    }

    /// Checks what can be checked locally and says what the operator should know before sending.
    func prepare(_ console: Console, baseURL: BaseURL) throws {
        if insecure {
            console.warning(
                "--insecure: TLS certificates are not verified; anyone on the network path can read or change this traffic, credentials included")
        }
        if let cacert { try checkCABundle(at: cacert) }
        if !baseURL.isHTTPS, !baseURL.isLoopback {
            console.warning("\(baseURL) is plain HTTP: credentials cross the network unencrypted — use https://")
        }
    }

    func transferLoop(_ console: Console, redaction: Redaction, connections: Int = 1) throws -> TransferLoop {
        let trace = verbose ? Trace(redaction: redaction, write: { console.err($0) }) : nil
        do {
            return try TransferLoop(maxConnections: connections, trace: trace, userAgent: "offboard/\(OffboardVersion.current)")
        } catch {
            throw OffboardError(.unavailable, "cannot load libcurl: \(error.reason) — install it (Debian: apt-get install libcurl4)")
        }
    }

    /// One request, one attempt, for login and logout: a transfer failure becomes the error
    /// (and exit status) it calls for.
    func send(_ request: HTTPRequest, on loop: TransferLoop) throws -> HTTPResponse {
        switch loop.send(request, options: transferOptions) {
        case .success(let response):
            return response
        case .failure(let error):
            let failure = Verdict.forTransportError(error).error!
            let hint = failure.hint.map { " — \($0)" } ?? ""
            throw OffboardError(ExitStatus.forFailure(failure.kind), "\(failure.message)\(hint)")
        }
    }
}

/// Runs a command body, turning an `OffboardError` into its one-line message, and ends the
/// process with the run's exit status.
func reportingErrors(_ console: Console, _ body: () throws -> ExitStatus) throws -> Never {
    let status: ExitStatus
    do {
        status = try body()
    } catch let error as OffboardError {
        console.error(error.message)
        status = error.status
    }
    // Everything is written (unbuffered write(2), journal fsync'd): skip the teardown of
    // libcurl's libraries and the runtime, about a millisecond that every run would pay.
    _exit(status.rawValue)
}
