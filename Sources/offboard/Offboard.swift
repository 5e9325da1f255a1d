import ArgumentParser
import OffboardCore

#if canImport(Glibc)
import Glibc
#endif

@main
struct Offboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offboard",
        abstract: "Delete users through vendor REST APIs, and say exactly what happened.",
        discussion: """
            Exit status: 0 all done, 1 refused or declined, 64 usage, 65 malformed ID, \
            69 unavailable, 75 try again later, 77 not authorized, 78 configuration, 130 interrupted.

            Shell completions: offboard --generate-completion-script bash|zsh|fish.
            """,
        version: OffboardVersion.current,
        subcommands: [ToriiCommand.self, AkanaCommand.self]
    )

    static func main() {
        fillClosedStandardStreams()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let script = BashCompletion.script(for: arguments) {
            writeAll(script, to: STDOUT_FILENO)
            return
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if let advice = UsageAdvice.message(for: error, arguments: arguments) {
                writeAll(advice + "\n", to: STDERR_FILENO)
                _exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }

    /// A standard stream the caller closed (`offboard … >&-`) would be taken by the next file
    /// offboard opens — libcurl's socket, the journal — and results written into it. The read
    /// end of an empty pipe takes its place instead: reads end at once, writes fail (EBADF) and
    /// are reported as a failing stdout is. (A pipe needs no /dev/null, which a chroot may lack.)
    static func fillClosedStandardStreams() {
        for stream in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(stream, F_GETFD) == -1 && errno == EBADF {
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { continue }  // no descriptors left at all: nothing can be opened either
            if ends[0] != stream { dup2(ends[0], stream); close(ends[0]) }
            close(ends[1])
        }
    }
}
