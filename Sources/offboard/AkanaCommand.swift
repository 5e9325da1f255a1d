import Akana
import ArgumentParser
import OffboardCore
import Output

#if canImport(Glibc)
import Glibc
#endif

extension Offboard {
    struct AkanaCommand: ExplainsMissingOptions {
        static let configuration = CommandConfiguration(
            commandName: "akana",
            abstract: "Akana API Platform (a developer portal's /api).",
            subcommands: [Delete.self, Show.self, Login.self, Logout.self]
        )

        /// `offboard akana --token … delete`: a secret tried as an option of the group itself.
        static func explainMissingOption(_ name: String) -> String? { tokenRefusal.explain(name) }
    }
}

extension Offboard.AkanaCommand {
    /// `--base-url` or `AKANA_BASE_URL`: there is no default, every platform has its own.
    struct BaseURLOption: ParsableArguments {
        @Option(help: ArgumentHelp("Platform base URL, e.g. https://developer.acme.com (default: AKANA_BASE_URL).", valueName: "url"))
        var baseURL: String?

        func resolve() throws -> BaseURL? {
            // Read even when --base-url wins: set but empty is refused whatever else is given.
            let fromEnvironment = try environmentValue("AKANA_BASE_URL")
            if let baseURL { return try BaseURL(baseURL, source: "--base-url") }
            return try fromEnvironment.map { try BaseURL($0, source: "AKANA_BASE_URL") }
        }

        func require() throws -> BaseURL {
            guard let base = try resolve() else {
                throw OffboardError(.configuration, "no Akana base URL — pass --base-url https://developer.example.com or set AKANA_BASE_URL")
            }
            return base
        }
    }

    /// The session to act with: tokens given, or the one `login` saved for the base URL.
    struct Credentials: ParsableArguments {
        @OptionGroup var target: BaseURLOption

        @Option(
            help: ArgumentHelp(
                "Tenant (fedmemberid) of the cookies and of every ID (default: AKANA_FED_MEMBER, the session's, else the IDs').", valueName: "id"))
        var fedMember: String?

        @Option(
            help: ArgumentHelp("Read the AtmoAuthToken value from this file instead of AKANA_AUTH_TOKEN.", valueName: "path"), completion: .file())
        var authTokenFile: String?

        @Option(help: ArgumentHelp("Read the Csrf-Token value from this file instead of AKANA_CSRF_TOKEN.", valueName: "path"), completion: .file())
        var csrfTokenFile: String?

        func plan(_ console: Console) throws -> ServicePlan {
            let base = try target.require()
            let environmentTenant = try environmentValue("AKANA_FED_MEMBER")
            let explicitTenant = fedMember ?? environmentTenant
            let source = fedMember != nil ? "--fed-member" : "AKANA_FED_MEMBER"
            if let explicitTenant, !AkanaIDFormat.isValidTenant(explicitTenant) {
                throw OffboardError(
                    .usage, "\(source) \(quotedForMessage(Substring(explicitTenant))) is not a tenant ID (letters, digits, - and _ only)")
            }
            let token = try secret(file: authTokenFile, option: "--auth-token-file", environment: "AKANA_AUTH_TOKEN", console: console)
            let csrf = try secret(file: csrfTokenFile, option: "--csrf-token-file", environment: "AKANA_CSRF_TOKEN", console: console)
            if let token {
                return ServicePlan(baseURL: base, format: AkanaIDFormat(tenant: explicitTenant, source: source)) { ids in
                    let tenant = explicitTenant ?? String(ids.suffix.dropFirst())
                    return AkanaService(baseURL: base.description, credentials: AkanaCredentials(tenant: tenant, authToken: token, csrfToken: csrf))
                }
            }
            if csrf != nil {
                // A CSRF token alone would be dropped for the saved session's own: say so rather than guess.
                throw OffboardError(
                    .configuration,
                    "AKANA_CSRF_TOKEN or --csrf-token-file is given without AKANA_AUTH_TOKEN or --auth-token-file — give both, or neither to use the session `offboard akana login` saved"
                )
            }
            let store = try AkanaSessionStore.standard()
            guard let session = try store.load(baseURL: base.description) else {
                throw OffboardError(
                    .notAuthorized,
                    "not logged in to \(base) — run `offboard akana login --base-url \(base) --email <you>`, or set AKANA_AUTH_TOKEN")
            }
            if let explicitTenant, explicitTenant != session.credentials.tenant {
                throw OffboardError(
                    .usage,
                    "\(source) \(explicitTenant) differs from the saved session's tenant \(session.credentials.tenant) — log in to that tenant, or drop \(source)"
                )
            }
            return ServicePlan(baseURL: base, format: AkanaIDFormat(tenant: session.credentials.tenant, source: "the saved session's tenant")) { _ in
                AkanaService(baseURL: base.description, credentials: session.credentials) { renewed throws(OffboardError) in
                    var session = session
                    session.credentials = renewed
                    try store.save(session)
                }
            }
        }
    }

    static let credentialsDiscussion = """
        Credentials come from AKANA_AUTH_TOKEN / --auth-token-file and AKANA_CSRF_TOKEN / \
        --csrf-token-file, else from the session saved by `offboard akana login` for the base URL. \
        IDs are <uuid>.<tenant>; an ID of another tenant than the session's (or --fed-member) is refused. \
        With the tenant known (the session, --fed-member, AKANA_FED_MEMBER), a bare <uuid> is taken as its user.
        """

    /// Tokens are never options: they would show in `ps` and stay in shell history.
    static let tokenRefusal = SecretOptionRefusal(
        names: [
            "--token", "--auth-token", "--csrf-token", "--atmo-auth-token", "--cookie", "--session", "--key", "--secret-key", "--api-key",
            "--password",
        ],
        secret: "a session token",
        instead: "run `offboard akana login`, or export AKANA_AUTH_TOKEN and AKANA_CSRF_TOKEN, or pass --auth-token-file and --csrf-token-file")

    /// What `delete` and `show` say about an option they lack, besides the parser's typo check.
    static func explainMissingOption(_ name: String, command: String) -> String? {
        tokenRefusal.explain(name) ?? UsageAdvice.userIDsAreArguments(name, command: command)
    }

    /// Akana documents no search: `--by email` is refused before anything else.
    static func refuseEmails(_ options: BatchOptions) throws {
        if options.by == .email {
            throw ValidationError("Akana documents no user search, so --by email cannot find users there — give user IDs (<uuid>.<tenant>)")
        }
    }

    struct Delete: ExplainsMissingOptions {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete Akana users (DELETE /api/users/{userID}).",
            discussion: credentialsDiscussion
        )

        @Argument(help: ArgumentHelp("User IDs (<uuid>.<tenant>, or a bare <uuid> of the known tenant).", valueName: "user-id"))
        var userIDs: [String] = []

        @OptionGroup var credentials: Credentials

        @OptionGroup var options: DeleteOptions

        func validate() throws { try refuseEmails(options.batch) }

        static func explainMissingOption(_ name: String) -> String? {
            Offboard.AkanaCommand.explainMissingOption(name, command: "offboard akana delete")
        }

        func run() throws {
            try DeletionRun(options: options).execute(arguments: userIDs) { [credentials] console in try credentials.plan(console) }
        }
    }

    struct Show: ExplainsMissingOptions {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Look Akana users up, read-only (GET /api/users/{userID}).",
            discussion: credentialsDiscussion
        )

        @Argument(help: ArgumentHelp("User IDs (<uuid>.<tenant>, or a bare <uuid> of the known tenant).", valueName: "user-id"))
        var userIDs: [String] = []

        @OptionGroup var credentials: Credentials

        @OptionGroup var options: BatchOptions

        func validate() throws { try refuseEmails(options) }

        static func explainMissingOption(_ name: String) -> String? {
            Offboard.AkanaCommand.explainMissingOption(name, command: "offboard akana show")
        }

        func run() throws {
            try ShowRun(options: options).execute(arguments: userIDs) { [credentials] console in try credentials.plan(console) }
        }
    }

    struct Login: ExplainsMissingOptions {
        static let configuration = CommandConfiguration(
            commandName: "login",
            abstract: "Log in and save the session for a base URL (mode 0600).",
            discussion:
                "The password is read from standard input with --password-stdin, else asked for on the terminal without echo; never from a flag."
        )

        @OptionGroup var target: BaseURLOption

        @Option(help: ArgumentHelp("Account email.", valueName: "email"))
        var email: String

        func validate() throws {
            guard email.contains(where: { !$0.isWhitespace }) else { throw ValidationError("--email is empty — give the account's email") }
        }

        @Flag(help: "Read the password from standard input (its first line).")
        var passwordStdin = false

        /// The password itself is never an option: it would show in `ps` and stay in shell history.
        static let passwordRefusal = SecretOptionRefusal(
            names: ["--password", "--pass", "--passwd", "--pw"], secret: "the password",
            instead: "leave it out to be asked on the terminal, or pipe it in with --password-stdin")

        static func explainMissingOption(_ name: String) -> String? { passwordRefusal.explain(name) }

        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let console = connection.console
            try reportingErrors(console) {
                let base = try target.require()
                try connection.prepare(console, baseURL: base)
                let store = try AkanaSessionStore.standard()
                let password = try readPassword()
                let loop = try connection.transferLoop(console, redaction: AkanaService.redaction)
                let response = try connection.send(AkanaLogin.request(baseURL: base.description, email: email, password: password), on: loop)
                let credentials = try AkanaLogin.credentials(from: response)
                if credentials.csrfToken == nil {
                    console.warning("the login answer set no Csrf-Token_\(credentials.tenant) cookie; deletes will be sent without a CSRF header")
                }
                try store.save(AkanaSession(baseURL: base.description, email: email, credentials: credentials, createdAt: rfc3339Now()))
                console.err("logged in to \(base) as \(email) (tenant \(credentials.tenant)); session saved to \(store.path(for: base.description))")
                return .success
            }
        }

        private func readPassword() throws -> String {
            // A terminal on standard input is asked without echo, --password-stdin or not.
            let canPrompt = Confirmation.controllingTerminalAvailable
            if passwordStdin, !(isatty(STDIN_FILENO) == 1 && canPrompt) {
                var line = readLine(strippingNewline: true) ?? ""
                if line.hasSuffix("\r") { line.removeLast() }
                guard !line.isEmpty else { throw OffboardError(.usage, "--password-stdin: standard input held no password") }
                return line
            }
            guard canPrompt else {
                throw OffboardError(.usage, "no terminal to ask for the password — pipe it in with --password-stdin")
            }
            guard let password = readPasswordFromTerminal(prompt: "Password for \(email): ") else {
                throw OffboardError(.refused, "no password entered (end of input) — nothing was sent")
            }
            guard !password.isEmpty else { throw OffboardError(.usage, "the password is empty — nothing was sent") }
            return password
        }
    }

    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logout",
            abstract: "End the saved session and remove its file (even when the server is unreachable)."
        )

        @OptionGroup var target: BaseURLOption

        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let console = connection.console
            try reportingErrors(console) {
                let store = try AkanaSessionStore.standard()
                guard let base = try target.resolve()?.description ?? onlySavedSession(store) else {
                    console.err("not logged in: there is no saved session, so nothing to log out of")
                    return .success
                }
                let session: AkanaSession?
                do {
                    session = try store.load(baseURL: base)
                } catch let error as OffboardError {
                    console.warning("\(error.message); removing it without ending the session on the server")
                    session = nil
                }
                if let session {
                    do {
                        let loop = try connection.transferLoop(console, redaction: AkanaService.redaction)
                        let response = try connection.send(AkanaLogin.endSessionRequest(baseURL: base, credentials: session.credentials), on: loop)
                        if response.status >= 400 {
                            console.warning("the server answered HTTP \(response.status) to ending the session; the saved session is removed anyway")
                        }
                    } catch let error as OffboardError {
                        console.warning(
                            "could not end the session on the server (\(error.message)); the saved session is removed anyway and expires there by itself"
                        )
                    }
                }
                console.err(store.remove(baseURL: base) ? "logged out of \(base)" : "no saved session for \(base)")
                return .success
            }
        }

        /// The one saved session's base URL; nil when there is none (nothing to do).
        private func onlySavedSession(_ store: AkanaSessionStore) throws -> String? {
            let saved = store.savedBaseURLs()
            guard saved.count <= 1 else {
                throw OffboardError(.usage, "which session? there are \(saved.count): \(saved.joined(separator: ", ")) — pass --base-url")
            }
            return saved.first
        }
    }
}
