import ArgumentParser

struct Akana: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Akana API Platform.",
        subcommands: []
    )
}
