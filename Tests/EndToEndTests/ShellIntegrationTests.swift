import Foundation
import Testing

/// What ships around the binary: the shell completions and the man page (both generated from
/// the parser by scripts/generate-docs), and `make install`. The checked-in files are tested
/// as they are, and compared with what the built offboard generates now, so a new option
/// without regenerated docs fails here with the fix in the message.
@Suite struct ShellIntegrationTests {
    /// The repository root: this file is Tests/EndToEndTests/ShellIntegrationTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let staleHint = "run scripts/generate-docs and commit the result"

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The first executable called `name` on PATH (the tests' own PATH), if any.
    static func onPath(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let manLinter: (executable: String, arguments: [String])? = {
        if let mandoc = onPath("mandoc") { return (mandoc, ["-T", "lint"]) }
        if let groff = onPath("groff") { return (groff, ["-ww", "-z", "-mandoc"]) }
        return nil
    }()

    static func temporaryDirectory() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("offboard-shell-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    // MARK: bash completion

    /// Sources completions/offboard.bash in a fresh bash, sets up the words the way bash's
    /// programmable completion does (the cursor at the end of the last word), calls the
    /// function the script registered for `offboard`, and prints COMPREPLY one per line.
    static let completeScript = #"""
        set -u
        source "$1"; shift
        spec=$(complete -p offboard) || { echo "completions/offboard.bash registers no completion for offboard" >&2; exit 3; }
        function=${spec##* -F }; function=${function%% *}
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        "$function" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        (( ${#COMPREPLY[@]} == 0 )) || printf '%s\n' "${COMPREPLY[@]}"
        """#

    /// The completions bash offers for the last word of `words` (empty string: the cursor
    /// after a space).
    func complete(_ words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let bash = try #require(Self.onPath("bash"), "bash is not on PATH")
        let result = try run(bash, ["-c", Self.completeScript, "complete", Self.path("completions/offboard.bash")] + words)
        #expect(result.status == 0, "completing \(words): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr == "", "completing \(words)", sourceLocation: sourceLocation)
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func bashCompletesSubcommandsAndOutputValues() throws {
        #expect(try complete(["offboard", "tor"]) == ["torii"])
        #expect(try Set(complete(["offboard", ""])).isSuperset(of: ["torii", "akana"]))
        #expect(try complete(["offboard", "torii", ""]).contains("delete"))
        #expect(try complete(["offboard", "torii", "delete", "--output", ""]) == ["human", "json"])
        #expect(try complete(["offboard", "torii", "delete", "-o", "j"]) == ["json"])
        #expect(try complete(["offboard", "torii", "delete", "--dry"]) == ["--dry-run"])
        #expect(try complete(["offboard", "torii", "delete", "--base-url", ""]) == [], "a URL is not a file name")
    }

    /// An option already given is not offered again (swift-argument-parser's script offered it).
    @Test func bashDoesNotOfferAnOptionAlreadyGiven() throws {
        #expect(try complete(["offboard", "torii", "delete", "--from-file", "x", "--fr"]) == [])
        #expect(try complete(["offboard", "torii", "delete", "--fr"]) == ["--from-file"])
        #expect(!(try complete(["offboard", "torii", "delete", "--yes", "--rate", "1", "--r"])).contains("--rate"))
    }

    @Test func bashCompletesFilePaths() throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["leavers.txt", "leavers-2.txt", "other.pem"] {
            _ = FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: nil)
        }
        let prefix = folder.appendingPathComponent("lea").path
        let expected = ["leavers-2.txt", "leavers.txt"].map { folder.appendingPathComponent($0).path }
        for option in ["--from-file", "--secret-key-file", "--cacert"] {
            #expect(try complete(["offboard", "torii", "delete", option, prefix]).sorted() == expected, "\(option)")
        }
    }

    /// Every command, every `completion: .file()` option and every enumerated option the
    /// parser declares now (so options added later are covered without editing this test).
    @Test func bashCompletesEverythingTheParserDeclares() throws {
        let dump = try run(Binaries.path("offboard"), ["--experimental-dump-help"])
        #expect(dump.status == 0)
        let tool = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let root = try #require(tool["command"] as? [String: Any])

        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("input-file.txt").path
        _ = FileManager.default.createFile(atPath: file, contents: nil)

        var checked = 0
        func visit(_ command: [String: Any], path: [String]) throws {
            let subcommands = (command["subcommands"] as? [[String: Any]] ?? []).filter { $0["shouldDisplay"] as? Bool ?? true }
            if !subcommands.isEmpty {
                let offered = Set(try complete(path + [""]))
                let names = subcommands.compactMap { $0["commandName"] as? String }
                #expect(offered.isSuperset(of: names), "`\(path.joined(separator: " ")) <tab>` offers \(offered.sorted())")
                checked += 1
            }
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String == "option" {
                let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { name -> String? in
                    guard let value = name["name"] as? String else { return nil }
                    return (name["kind"] as? String == "long" ? "--" : "-") + value
                }
                let kind = argument["completionKind"] as? [String: Any]
                for name in names {
                    if let fileKind = kind?["file"] as? [String: Any], (fileKind["extensions"] as? [String] ?? []).isEmpty {
                        #expect(
                            try complete(path + [name, folder.appendingPathComponent("inp").path]) == [file],
                            "\(path.joined(separator: " ")) \(name) completes file names")
                        checked += 1
                    } else if let list = kind?["list"] as? [String: Any], let values = list["values"] as? [String] {
                        #expect(
                            try complete(path + [name, ""]).sorted() == values.sorted(),
                            "\(path.joined(separator: " ")) \(name) completes its values")
                        checked += 1
                    }
                }
            }
            for subcommand in subcommands {
                try visit(subcommand, path: path + [subcommand["commandName"] as? String ?? "?"])
            }
        }
        try visit(root, path: ["offboard"])
        #expect(checked >= 6, "the parser dump should declare commands and options to complete")
    }

    // MARK: generated files are up to date

    @Test(arguments: [("bash", "completions/offboard.bash"), ("zsh", "completions/_offboard"), ("fish", "completions/offboard.fish")])
    func checkedInCompletionsMatchTheParser(shell: String, file: String) throws {
        let generated = try run(Binaries.path("offboard"), ["--generate-completion-script", shell])
        #expect(generated.status == 0, "\(generated.stderr)")
        let checkedIn = try? String(contentsOfFile: Self.path(file), encoding: .utf8)
        #expect(
            checkedIn == generated.stdout,
            "\(file) differs from `offboard --generate-completion-script \(shell)` — \(Self.staleHint)")
    }

    @Test(.enabled(if: ShellIntegrationTests.onPath("python3") != nil, "scripts/generate-docs needs python3"))
    func checkedInManPageMatchesTheParser() throws {
        // The built binary from this test run; --check regenerates in memory and compares.
        let result = try run(
            Self.path("scripts/generate-docs"), ["--check"],
            environment: ["OFFBOARD_BIN": Binaries.path("offboard")])
        #expect(result.status == 0, "\(result.stderr)")
    }

    // MARK: man page

    @Test(
        .enabled(
            if: ShellIntegrationTests.manLinter != nil,
            "neither mandoc nor groff is installed: apt-get install mandoc to lint man/offboard.1"))
    func manPageLintsClean() throws {
        let linter = try #require(Self.manLinter)
        let result = try run(linter.executable, linter.arguments + [Self.path("man/offboard.1")])
        #expect(result.status == 0)
        #expect(result.stdout + result.stderr == "", "\(linter.executable) \(linter.arguments.joined(separator: " ")) man/offboard.1")
    }

    @Test func manPageHasTheHandWrittenSections() throws {
        let page = try String(contentsOfFile: Self.path("man/offboard.1"), encoding: .utf8)
        for section in [
            "NAME", "SYNOPSIS", "DESCRIPTION", "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES",
            "SECURITY CONSIDERATIONS",
        ] {
            #expect(page.contains("\n.Sh \(section)\n"), "man/offboard.1 lacks \(section)")
        }
        for variable in [
            "TORII_SECRET_KEY", "TORII_BASE_URL", "AKANA_BASE_URL", "AKANA_AUTH_TOKEN",
            "AKANA_CSRF_TOKEN", "AKANA_FED_MEMBER", "NO_COLOR", "XDG_STATE_HOME",
        ] {
            #expect(page.contains(".It Ev \(variable)\n"), "ENVIRONMENT lacks \(variable)")
        }
        for status in [0, 1, 64, 65, 69, 75, 77, 78, 130] {
            #expect(page.contains("\n.It \(status)\n"), "EXIT STATUS lacks \(status)")
        }
    }

    // MARK: make install

    /// A release build with the Swift runtime linked statically: minutes, so only when asked.
    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment["OFFBOARD_TEST_INSTALL"] == "1",
            "slow (release build): set OFFBOARD_TEST_INSTALL=1 to run it"))
    func makeInstallAndUninstall() throws {
        let destination = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: destination) }
        let make = try #require(Self.onPath("make"), "make is not on PATH")
        let variables = ["DESTDIR=\(destination.path)", "PREFIX=/usr"]

        let install = try run(make, ["-C", Self.root.path, "install"] + variables)
        try #require(install.status == 0, "make install failed:\n\(install.stdout)\n\(install.stderr)")
        let files = [
            "bin/offboard", "bin/offboard-emulator", "share/man/man1/offboard.1",
            "share/bash-completion/completions/offboard", "share/zsh/site-functions/_offboard",
            "share/fish/vendor_completions.d/offboard.fish",
        ]
        .map { destination.appendingPathComponent("usr/\($0)").path }
        for file in files {
            #expect(FileManager.default.fileExists(atPath: file), "make install did not install \(file)")
        }

        let installed = destination.appendingPathComponent("usr/bin/offboard").path
        let version = try run(installed, ["--version"])
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout == (try run(Binaries.path("offboard"), ["--version"])).stdout)
        #expect(try run(destination.appendingPathComponent("usr/bin/offboard-emulator").path, ["--help"]).status == 0)
        if Self.onPath("nm") != nil {
            #expect(try nioSymbols(in: installed) == 0, "only the emulator links SwiftNIO")
        }
        if let ldd = Self.onPath("ldd") {
            let libraries = try run(ldd, [installed]).stdout
            #expect(!libraries.contains("libswiftCore"), "the Swift runtime should be linked statically:\n\(libraries)")
        }
        // libcurl is opened at run time: a real delete proves the installed binary finds it.
        let emulator = try Emulator()
        let deleted = try run(
            installed, ["torii", "delete", "01931a73-8b00-7000-8000-000000000001", "--yes"],
            environment: ["TORII_SECRET_KEY": "sk_test_emulator", "TORII_BASE_URL": emulator.baseURL])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout == "deleted 01931a73-8b00-7000-8000-000000000001\n")

        let uninstall = try run(make, ["-C", Self.root.path, "uninstall"] + variables)
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        for file in files {
            #expect(!FileManager.default.fileExists(atPath: file), "make uninstall left \(file)")
        }
    }
}
