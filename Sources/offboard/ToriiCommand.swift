import ArgumentParser
import OffboardCore
import Output
import Torii

extension Offboard {
    struct ToriiCommand: ExplainsMissingOptions {
        static let configuration = CommandConfiguration(
            commandName: "torii",
            abstract: "Torii server API (api.torii.so).",
            subcommands: [Delete.self, Show.self]
        )

        /// `offboard torii --token … delete`: a secret tried as an option of the group itself.
        static func explainMissingOption(_ name: String) -> String? { secretKeyRefusal.explain(name) }
    }
}

extension Offboard.ToriiCommand {
    /// Which API, and the key: every Torii command that sends requests has them.
    struct Target: ParsableArguments {
        @Option(help: ArgumentHelp("API base URL (default: TORII_BASE_URL, else \(ToriiService.defaultBaseURL)).", valueName: "url"))
        var baseURL: String?

        @Option(
            help: ArgumentHelp("Read the secret key from this file instead of TORII_SECRET_KEY.", valueName: "path"),
            completion: .file())
        var secretKeyFile: String?

        func plan(_ console: Console, rerun: Bool = false) throws -> ServicePlan {
            // Read even when --base-url wins: set but empty is refused whatever else is given.
            let fromEnvironment = try environmentValue("TORII_BASE_URL")
            let base = try BaseURL(
                baseURL ?? fromEnvironment ?? ToriiService.defaultBaseURL, source: baseURL != nil ? "--base-url" : "TORII_BASE_URL")
            guard let key = try secret(file: secretKeyFile, option: "--secret-key-file", environment: "TORII_SECRET_KEY", console: console) else {
                throw OffboardError(.notAuthorized, "no Torii secret key — export TORII_SECRET_KEY=sk_test_… or pass --secret-key-file <path>")
            }
            let service = try ToriiService(baseURL: base.description, secretKey: key)
            return ServicePlan(baseURL: base, format: ToriiIDFormat(), rerun: rerun) { _ in service }
        }
    }

    /// The key itself is never an option: it would show in `ps` and stay in shell history.
    static let secretKeyRefusal = SecretOptionRefusal(
        names: ["--secret-key", "--key", "--secret", "--token", "--api-key", "--apikey", "--sk", "--bearer", "--auth-token", "--torii-secret-key"],
        secret: "the secret key", instead: "export TORII_SECRET_KEY=sk_…, or pass --secret-key-file <path>")

    /// What `delete` and `show` say about an option they lack, besides the parser's typo check.
    static func explainMissingOption(_ name: String, command: String) -> String? {
        if let refusal = secretKeyRefusal.explain(name) { return refusal }
        if UsageAdvice.normalized(name) == "--email" {
            return "to find users by email address, pass --by email and the addresses as arguments — \(command) --by email <address> ..."
        }
        return UsageAdvice.userIDsAreArguments(name, command: command)
    }

    static let credentialsDiscussion = """
        The secret key comes from TORII_SECRET_KEY or --secret-key-file; there is no flag that \
        takes the key itself. Keys start with sk_test_ (test environment) or sk_live_ (live).
        """

    struct Delete: ExplainsMissingOptions {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete Torii users (DELETE /api/server/v1/users/{userId}).",
            discussion: credentialsDiscussion
        )

        @Argument(help: ArgumentHelp("User IDs (UUIDs), or email addresses with --by email.", valueName: "user-id"))
        var userIDs: [String] = []

        @OptionGroup var target: Target

        @Flag(help: "This run repeats an earlier one: a 403 is looked up, and a deleted user counts as already deleted.")
        var rerun = false

        @OptionGroup var options: DeleteOptions

        static func explainMissingOption(_ name: String) -> String? {
            Offboard.ToriiCommand.explainMissingOption(name, command: "offboard torii delete")
        }

        func run() throws {
            try DeletionRun(options: options).execute(arguments: userIDs) { [target, rerun] console in
                try target.plan(console, rerun: rerun)
            }
        }
    }

    struct Show: ExplainsMissingOptions {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Look Torii users up, read-only (GET /api/server/v1/users/{userId}).",
            discussion: credentialsDiscussion
        )

        @Argument(help: ArgumentHelp("User IDs (UUIDs), or email addresses with --by email.", valueName: "user-id"))
        var userIDs: [String] = []

        @OptionGroup var target: Target

        @OptionGroup var options: BatchOptions

        static func explainMissingOption(_ name: String) -> String? {
            Offboard.ToriiCommand.explainMissingOption(name, command: "offboard torii show")
        }

        func run() throws {
            try ShowRun(options: options).execute(arguments: userIDs) { [target] console in try target.plan(console) }
        }
    }
}
