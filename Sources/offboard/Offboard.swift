import ArgumentParser
import OffboardCore

@main
struct Offboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offboard",
        abstract: "Delete users through vendor REST APIs, and say exactly what happened.",
        discussion: """
        Exit status: 0 all done, 1 refused or declined, 64 usage, 65 malformed ID, \
        69 unavailable, 75 try again later, 77 not authorized, 78 configuration, 130 interrupted.
        """,
        version: OffboardVersion.current,
        subcommands: [Torii.self, Akana.self]
    )
}

struct Torii: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torii",
        abstract: "Torii server API (api.torii.so).",
        subcommands: [ToriiDelete.self]
    )
}
