import Foundation
import Testing

/// The README and the man page under test: their recipes run as a new user would run them
/// (under `/bin/sh` where they are shell, against the emulator), and every option of every
/// `--help` is documented in both. When the docs drift from the code, this suite fails.
@Suite struct DocsTests {
    static let readme = (try? String(contentsOfFile: ShellIntegrationTests.path("README.md"), encoding: .utf8)) ?? ""
    static let manTemplate = (try? String(contentsOfFile: ShellIntegrationTests.path("docs/man-sections/offboard.1.in"), encoding: .utf8)) ?? ""
    static let manPage = (try? String(contentsOfFile: ShellIntegrationTests.path("man/offboard.1"), encoding: .utf8)) ?? ""

    /// The README's fenced blocks of one language, in order.
    static func readmeBlocks(_ language: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```\(language)" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// The man page's EXAMPLES, each literal display as shell text (`\e` is a backslash).
    static func manExamples() -> [String] {
        guard let start = manTemplate.range(of: "\n.Sh EXAMPLES\n"),
            let end = manTemplate.range(of: "\n.Sh ", range: start.upperBound..<manTemplate.endIndex)
        else { return [] }
        return manTemplate[start.upperBound..<end.lowerBound].components(separatedBy: ".Bd -literal -offset indent\n").dropFirst().map {
            $0.components(separatedBy: "\n.Ed")[0].replacingOccurrences(of: "\\e", with: "\\") + "\n"
        }
    }

    /// Runs `script` under `/bin/sh` in a fresh folder, with the built binaries first on PATH.
    static func runUnderSh(_ script: String, files: [String: String] = [:]) throws -> RunResult {
        let folder = try ShellIntegrationTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let path = Binaries.directory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        // `cd` first: the recipes write their files (emulator.out, results) where they run.
        // Under timeout(1): a recipe that hangs fails here instead of holding up the suite.
        return try run("/usr/bin/timeout", ["60", "/bin/sh", "-c", "cd '\(folder.path)' || exit 1\n\(script)"], environment: ["PATH": path])
    }

    /// Whether anything still listens at the emulator address a recipe printed into `file`.
    static func listening(_ baseURL: String) -> Bool {
        guard let port = UInt16(baseURL.split(separator: ":").last ?? "") else { return false }
        guard let socket = connectToLoopback(port: port) else { return false }
        close(socket)
        return true
    }

    // MARK: Recipes that run

    @Test func theReadmesCIRecipeRunsUnderShAndStopsItsEmulator() throws {
        let recipe = try #require(Self.readmeBlocks("sh").first { $0.contains("offboard-emulator --port 0") }, "README has no CI recipe")
        // The address is printed so the test can check nothing listens there afterwards.
        let result = try Self.runUnderSh(recipe + "echo \"address: $TORII_BASE_URL\"\n")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let deleted = try #require(lines.first { $0.hasPrefix("{") })
        #expect(deleted.contains("\"outcome\":\"deleted\""))
        #expect(lines.contains("\"00000000-0000-4000-8000-000000000001\""), "the state shows the user deleted")
        let address = try #require(lines.last { $0.hasPrefix("address: ") }).dropFirst("address: ".count)
        #expect(waitUntil { !Self.listening(String(address)) }, "the recipe left offboard-emulator running")
    }

    @Test func theManPagesCIExampleRunsUnderSh() throws {
        let example = try #require(Self.manExamples().first { $0.contains("offboard-emulator --port 0") }, "EXAMPLES has no CI job")
        let result = try Self.runUnderSh(example)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"outcome\":\"deleted\""))
        #expect(result.stdout.contains("\"torii\""), "the emulator's state follows")
    }

    /// Every `jq` recipe that reads results, on the results of a run where one ID was deleted
    /// and one was not found: the ones that list failures list both failing kinds.
    @Test func theJqRecipesReadRealResults() throws {
        let emulator = try Emulator(["--seed-users", "1"])
        let deleted = "00000000-0000-4000-8000-000000000001", missing = "00000000-0000-4000-8000-0000000000ff"
        let results = try run(
            Binaries.path("offboard"), ["torii", "delete", deleted, missing, "--yes", "--json"],
            environment: ["TORII_BASE_URL": emulator.baseURL, "TORII_SECRET_KEY": "sk_test_emulator"])
        #expect(results.status == 1)
        let readme = Self.readmeBlocks("sh").joined().split(separator: "\n").filter { $0.hasPrefix("jq ") && $0.contains("results.ndjson") }
        let man = Self.manExamples().joined().split(separator: "\n").filter { $0.hasPrefix("$ jq ") }.map { $0.dropFirst(2) }
        let recipes = (readme + man).map(String.init)
        try #require(recipes.count >= 3, "the jq recipes were not found")
        for recipe in recipes {
            let result = try Self.runUnderSh(recipe, files: ["results.ndjson": results.stdout])
            #expect(result.status == 0, "\(recipe): \(result.stderr)")
            if recipe.contains("select(") {
                #expect(result.stdout.contains(missing), "\(recipe) misses the not_found ID, which fails the run")
                #expect(!result.stdout.contains(deleted), "\(recipe) lists a deleted ID")
            }
        }
    }

    // MARK: Options

    /// The `--options` a help text names (as words of their own, not inside another word).
    static func options(in help: String) -> Set<String> {
        Set(help.matches(of: /(^|[\s\[(,])(--[a-z][a-z0-9-]+)/.anchorsMatchLineEndings()).map { String($0.output.2) })
    }

    /// Every `--option` of every command's `--help`, in the man page and in the README.
    @Test(arguments: [
        ["torii", "delete"], ["torii", "show"], ["akana", "delete"], ["akana", "show"], ["akana", "login"], ["akana", "logout"],
    ])
    func everyOptionInHelpIsDocumented(command: [String]) throws {
        let help = try run(Binaries.path("offboard"), command + ["--help"])
        #expect(help.status == 0)
        let options = Self.options(in: help.stdout)
        try #require(!options.isEmpty)
        for option in options.sorted() where option != "--help" && option != "--version" {
            #expect(Self.manPage.contains("Fl \(option.dropFirst())"), "man page lacks \(option) (of \(command.joined(separator: " ")))")
            #expect(
                Self.readme.contains("`\(option)") || Self.readme.contains(", \(option)"),
                "README lacks \(option) (of \(command.joined(separator: " ")))")
        }
    }

    /// The options of `delete` and `show` have a row each in the README's table.
    @Test func theReadmesOptionTableHasEveryBatchOption() throws {
        let help = try run(Binaries.path("offboard"), ["torii", "delete", "--help"])
        let table = Self.readme.components(separatedBy: "### Options of every `delete` and `show`")[1].components(separatedBy: "\n## ")[0]
        for option in Self.options(in: help.stdout) where option != "--help" {
            // Options every command has (the credential files, the base URL) are documented with their service.
            if ["--base-url", "--secret-key-file", "--rerun", "--version"].contains(option) { continue }
            #expect(table.contains("`\(option)") || table.contains(", \(option)"), "the README's option table does not name \(option)")
        }
    }
}
