import ArgumentParser
import FoundationEssentials
import OffboardCore
import Output

/// A command that has something to say about an option it does not have: a secret it refuses
/// to take on the command line, IDs given as an option.
protocol ExplainsMissingOptions: ParsableCommand {
    /// Why there is no option `name` and what to do instead; nil for an ordinary typo.
    static func explainMissingOption(_ name: String) -> String?
}

/// Option names an operator may try for a secret that offboard takes only from the environment
/// or a file, and what to say instead.
struct SecretOptionRefusal {
    let names: Set<String>
    /// `the secret key`.
    let secret: String
    /// The ways offboard does take it.
    let instead: String

    func explain(_ name: String) -> String? {
        guard names.contains(UsageAdvice.normalized(name)) else { return nil }
        return "no option takes \(secret), on purpose (other users could read it in ps, and shell history would keep it) — \(instead)"
    }
}

/// The argument parser's usage errors, said as an operator in a hurry needs them: a mistyped
/// command gets the nearest one, a mistyped option the nearest option — never one that deletes
/// without asking (`--yes`), however close — and an option offboard leaves out on purpose
/// (a secret) says why and what to use instead, without repeating the value given.
enum UsageAdvice {
    /// Flags that delete without asking: never offered for a typo.
    static let neverSuggested: Set<String> = ["--yes", "-y"]

    /// The whole message for a usage error that offboard words better than the parser (its
    /// first line replaced, the usage lines kept); nil for any other error.
    static func message(for error: any Error, arguments: [String]) -> String? {
        guard Offboard.exitCode(for: error) == .validationFailure else { return nil }
        let parserSays = Offboard.message(for: error)
        let (path, rest) = commandPath(arguments)
        let advice: String?
        if parserSays.hasPrefix("Unknown option '") {
            let name = String(parserSays.dropFirst("Unknown option '".count).prefix { $0 != "'" })
            advice = unknownOption(name, command: path)
        } else if parserSays.lowercased().contains("unexpected argument"), let typed = rest.first, !typed.hasPrefix("-"),
            let group = path.last, !group.configuration.subcommands.isEmpty, typed != "help"
        {
            advice = unknownCommand(typed, in: group, path: path)
        } else {
            advice = nil
        }
        guard let advice else { return nil }
        var lines = Offboard.fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false)
        lines[0] = "Error: \(advice)"
        return lines.joined(separator: "\n")
    }

    /// Long options that look like a way to give user IDs, which are arguments.
    static let userIDOptions: Set<String> = ["--id", "--ids", "--user", "--users", "--user-id", "--user-ids", "--userid", "--uuid"]

    /// `--id 0193…`: user IDs are arguments, after the command.
    static func userIDsAreArguments(_ name: String, command: String) -> String? {
        guard userIDOptions.contains(normalized(name)) else { return nil }
        return "user IDs are arguments, not an option — \(command) <user-id> ... (or --from-file <path>, one ID per line)"
    }

    /// `--Secret_Key` as `--secret-key`.
    static func normalized(_ name: String) -> String { String(name.lowercased().map { $0 == "_" ? "-" : $0 }) }

    /// The commands the arguments name, from the root, and the arguments after them.
    static func commandPath(_ arguments: [String]) -> (path: [any ParsableCommand.Type], rest: ArraySlice<String>) {
        var path: [any ParsableCommand.Type] = [Offboard.self]
        var rest = arguments[...]
        while let word = rest.first, let next = path.last!.configuration.subcommands.first(where: { $0._commandName == word }) {
            path.append(next)
            rest = rest.dropFirst()
        }
        return (path, rest)
    }

    /// Words other tools use for offboard's commands (`kubectl get`, `rm`).
    static let commandSynonyms: [String: String] = [
        "rm": "delete", "remove": "delete", "del": "delete", "erase": "delete",
        "get": "show", "view": "show", "info": "show", "describe": "show", "lookup": "show", "find": "show", "list": "show",
        "signin": "login", "sign-in": "login", "logon": "login",
        "signout": "logout", "sign-out": "logout", "logoff": "logout",
    ]

    static func unknownCommand(_ typed: String, in group: any ParsableCommand.Type, path: [any ParsableCommand.Type]) -> String {
        let names = group.configuration.subcommands.map { $0._commandName }
        let shown = "Unknown command '\(terminalSafe(typed))'"
        let synonym = commandSynonyms[typed.lowercased()].flatMap { names.contains($0) ? [$0] : nil }
        let nearest = synonym ?? Suggestion.nearest(to: typed, among: names)
        if !nearest.isEmpty { return "\(shown). Did you mean \(Suggestion.alternatives(nearest))?" }
        let command = path.map { $0._commandName }.joined(separator: " ")
        return "\(shown) — the commands of \(command) are \(names.map { "'\($0)'" }.joined(separator: ", "))"
    }

    static func unknownOption(_ name: String, command path: [any ParsableCommand.Type]) -> String {
        let shown = "Unknown option '\(terminalSafe(name))'"
        let command = path.last!
        if let explanation = (command as? any ExplainsMissingOptions.Type)?.explainMissingOption(name) {
            return "\(shown): \(explanation)"
        }
        guard name.hasPrefix("--") else { return shown }
        let nearest = Suggestion.nearest(to: name, among: longOptions(of: command).filter { !neverSuggested.contains($0) })
        return nearest.isEmpty ? shown : "\(shown). Did you mean \(Suggestion.alternatives(nearest))?"
    }

    /// The command's long option names, as the parser describes them (`--experimental-dump-help`).
    static func longOptions(of command: any ParsableCommand.Type) -> [String] {
        guard let dump = try? JSONDecoder().decode(HelpDump.self, from: Data(command._dumpHelp().utf8)) else { return [] }
        return (dump.command.arguments ?? []).filter { $0.shouldDisplay != false }.flatMap { argument in
            (argument.names ?? []).filter { $0.kind == "long" }.map { "--" + $0.name }
        }
    }

    /// What is read of the parser's description of a command.
    struct HelpDump: Decodable {
        struct Command: Decodable {
            var arguments: [Argument]?
        }
        struct Argument: Decodable {
            var names: [Name]?
            var shouldDisplay: Bool?
        }
        struct Name: Decodable {
            var kind: String
            var name: String
        }
        var command: Command
    }
}
