// Command line for `offboard-emulator`: a local stand-in for the Torii and Akana REST APIs.
import ArgumentParser
import Glibc

@main
struct EmulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offboard-emulator",
        abstract: "Local emulator of the Torii and Akana user-deletion APIs.",
        discussion: """
            Prints `listening on http://HOST:PORT` as the first line on stdout once ready.
            GET /_emulator/state dumps all users and counters as JSON.
            Fault flags apply only to the two DELETE endpoints.
            """)

    @Option(help: "Address to listen on (IPv4, IPv6 or a host name).")
    var host = "127.0.0.1"

    @Option(parsing: .unconditional, help: "Port to listen on; 0 picks a free port.")
    var port = 8080

    @Option(
        name: .customLong("seed-users"), parsing: .unconditional,
        help: "Extra users 00000000-0000-4000-8000-<12 hex digits of i> for i in 1...N, in both APIs.")
    var seedUsers = 0

    @Option(name: .customLong("torii-key"), help: "The accepted Torii secret key; `sk_live_…` keys are live-environment keys.")
    var toriiKey = "sk_test_emulator"

    @Option(name: .customLong("akana-tenant"), help: "The Akana tenant name (user ID suffix and cookie name suffix).")
    var akanaTenant = "acmepaymentscorp"

    @Option(name: .customLong("session-ttl"), parsing: .unconditional, help: "Akana session lifetime in seconds.")
    var sessionTTL = 1800

    @Option(parsing: .unconditional, help: "Delay before answering each DELETE, in milliseconds.")
    var latency = 0

    @Option(name: .customLong("fail-rate"), parsing: .unconditional, help: "Share (0...1) of DELETEs answered 503.")
    var failRate = 0.0

    @Option(name: .customLong("error-rate"), parsing: .unconditional, help: "Share (0...1) of DELETEs answered 500 with the vendor's error body.")
    var errorRate = 0.0

    @Option(
        name: .customLong("rate-limit"), parsing: .unconditional,
        help: "DELETEs allowed per second and API before 429; every answer then carries RateLimit-Policy and RateLimit headers. 0 = off.")
    var rateLimit = 0

    @Option(
        name: .customLong("drop-rate"), parsing: .unconditional,
        help: "Share (0...1) of DELETEs applied but answered by closing the connection (refused ones keep their answer).")
    var dropRate = 0.0

    @Option(
        name: .customLong("garbage-rate"), parsing: .unconditional,
        help: "Share (0...1) of DELETEs applied but answered with a malformed 200 (refused ones keep their answer).")
    var garbageRate = 0.0

    @Option(
        name: .customLong("fault-seed"), parsing: .unconditional,
        help: "Seed of the fault draws; with the ID and its attempt number it decides each DELETE's fault, whatever the request order.")
    var faultSeed: UInt64 = 1

    @Flag(help: "Log one line per request on stderr.")
    var log = false

    func validate() throws {
        guard !host.isEmpty else { throw ValidationError("--host must not be empty.") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535.") }
        guard (0...10_000_000).contains(seedUsers) else { throw ValidationError("--seed-users must be in 0...10000000.") }
        guard !toriiKey.isEmpty, toriiKey.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ValidationError("--torii-key must be non-empty printable ASCII without spaces.")
        }
        guard !akanaTenant.isEmpty, akanaTenant.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw ValidationError("--akana-tenant must be non-empty and use only letters, digits, '-', '_' and '.'.")
        }
        guard (1...31_536_000).contains(sessionTTL) else { throw ValidationError("--session-ttl must be in 1...31536000 seconds.") }
        guard (0...600_000).contains(latency) else { throw ValidationError("--latency must be in 0...600000 milliseconds.") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit must be 0 (off) or positive.") }
        let shares = [("--fail-rate", failRate), ("--error-rate", errorRate), ("--drop-rate", dropRate), ("--garbage-rate", garbageRate)]
        for (name, rate) in shares {
            guard (0.0...1.0).contains(rate) else { throw ValidationError("\(name) must be in 0...1.") }
        }
        guard shares.map(\.1).reduce(0, +) <= 1 + 1e-9 else {  // 0.33 + 0.56 + 0.11 is 1.0000000000000002
            throw ValidationError("--fail-rate, --error-rate, --drop-rate and --garbage-rate are shares of the DELETEs: together at most 1.")
        }
    }

    func run() throws {
        let config = EmulatorConfig(
            toriiKey: toriiKey,
            akanaTenant: akanaTenant,
            seedUsers: seedUsers,
            sessionTTLSeconds: sessionTTL,
            faults: FaultConfig(
                seed: faultSeed, latencyMilliseconds: latency, rateLimit: rateLimit, failRate: failRate,
                errorRate: errorRate, dropRate: dropRate, garbageRate: garbageRate))
        let server = HTTPServer(emulator: Emulator(config: config), logRequests: log)
        try server.bind(host: host, port: port)
        let shownHost = host.contains(":") ? "[\(host)]" : host
        print("listening on http://\(shownHost):\(server.port)")
        fflush(nil)  // stdout may be a pipe whose reader waits for this line
        // A stop waits for answers in flight, but not for a client that never ends its request.
        try server.serveUntilStopped(graceSeconds: latency / 1000 + 10)
    }
}
