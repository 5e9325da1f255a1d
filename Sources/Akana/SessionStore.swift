import OffboardCore

#if canImport(Glibc)
import Glibc
#endif

/// What `offboard akana login` saves for one base URL.
public struct AkanaSession: Sendable, Equatable {
    public var baseURL: String
    public var email: String
    public var credentials: AkanaCredentials
    public var createdAt: String

    public init(baseURL: String, email: String, credentials: AkanaCredentials, createdAt: String) {
        self.baseURL = baseURL
        self.email = email
        self.credentials = credentials
        self.createdAt = createdAt
    }

    var json: JSONValue {
        .object([
            ("service", .string("akana")),
            ("baseUrl", .string(baseURL)),
            ("email", .string(email)),
            ("tenant", .string(credentials.tenant)),
            ("authToken", .string(credentials.authToken)),
            ("csrfToken", credentials.csrfToken.map(JSONValue.string) ?? .null),
            ("createdAt", .string(createdAt)),
        ])
    }

    /// Nil unless the file holds what a login saves: its tenant and tokens go into request
    /// headers as they are, so they pass the checks a login's answer passes.
    init?(json: JSONValue) {
        guard let baseURL = json["baseUrl"]?.stringValue, let tenant = json["tenant"]?.stringValue, AkanaIDFormat.isValidTenant(tenant),
            let authToken = json["authToken"]?.stringValue, !authToken.isEmpty, isCredentialShaped(authToken),
            json["csrfToken"]?.stringValue.map(isCredentialShaped) ?? true
        else { return nil }
        self.init(
            baseURL: baseURL, email: json["email"]?.stringValue ?? "",
            credentials: AkanaCredentials(tenant: tenant, authToken: authToken, csrfToken: json["csrfToken"]?.stringValue),
            createdAt: json["createdAt"]?.stringValue ?? "")
    }
}

/// Session files: one JSON file per base URL under `$XDG_STATE_HOME/offboard/` (or
/// `~/.local/state/offboard/`), created with mode 0600 from the start and refused, as ssh
/// refuses a private key, when anyone else could read it.
public struct AkanaSessionStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The standard place, from `XDG_STATE_HOME` or `HOME` (empty means unset, as XDG says).
    public static func standard() throws(OffboardError) -> AkanaSessionStore {
        func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        if let state = value("XDG_STATE_HOME"), state.hasPrefix("/") {
            return AkanaSessionStore(directory: state + "/offboard")
        }
        guard let home = value("HOME") else {
            throw OffboardError(.configuration, "neither XDG_STATE_HOME nor HOME is set, so there is no place for session files — set one of them")
        }
        return AkanaSessionStore(directory: home + "/.local/state/offboard")
    }

    /// `https://developer.acme.com:8443` → `…/akana-https-developer.acme.com_3A8443.json`:
    /// every byte but letters, digits, `.` and `-` is written `_XX`, so two base URLs never share a file.
    public func path(for baseURL: String) -> String {
        var name = "akana-"
        let hex = Array("0123456789ABCDEF")
        for byte in baseURL.replacingFirst("://", with: "-").utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "-"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                name += "_\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
            }
        }
        return "\(directory)/\(name).json"
    }

    /// `path(for:)` backwards: the base URL a session file is named after.
    static func baseURL(fromFileName name: String) -> String? {
        guard name.hasPrefix("akana-"), name.hasSuffix(".json") else { return nil }
        var encoded = name.dropFirst("akana-".count).dropLast(".json".count).utf8[...]
        var bytes: [UInt8] = []
        while let byte = encoded.popFirst() {
            guard byte == UInt8(ascii: "_") else {
                bytes.append(byte)
                continue
            }
            // Exactly what `path(for:)` writes: two upper-case hex digits.
            let digits = Array(encoded.prefix(2))
            guard digits.count == 2, digits.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) }),
                let value = UInt8(String(decoding: digits, as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
            encoded = encoded.dropFirst(2)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let dash = text.firstIndex(of: "-") else { return nil }  // the scheme has none: "https-host"
        return text[..<dash] + "://" + text[text.index(after: dash)...]
    }

    /// The saved session for that base URL, nil when there is none.
    public func load(baseURL: String) throws(OffboardError) -> AkanaSession? {
        let path = path(for: baseURL)
        guard let session = try read(path: path) else { return nil }
        guard session.baseURL == baseURL else {
            throw OffboardError(
                .configuration,
                "the session file \(path) is for \(terminalSafe(session.baseURL)), not \(baseURL) — remove it and run `offboard akana login` again")
        }
        return session
    }

    /// - Parameter forUse: false when only the base URL is wanted (listing sessions for
    ///   logout), so a file refused for its mode still shows.
    private func read(path: String, forUse: Bool = true) throws(OffboardError) -> AkanaSession? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw OffboardError(
                .configuration,
                "cannot read the session file \(path): \(String(cString: strerror(errno))) — remove it and run `offboard akana login` again")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw OffboardError(.configuration, "cannot read the session file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_uid == getuid() else {
            throw OffboardError(.configuration, "the session file \(path) belongs to another user — remove it and run `offboard akana login` again")
        }
        guard info.st_mode & 0o077 == 0 || !forUse else {
            throw OffboardError(
                .configuration,
                "the session file \(path) can be \(info.st_mode & 0o044 != 0 ? "read" : info.st_mode & 0o022 != 0 ? "written" : "opened") by others (mode \(String(info.st_mode & 0o777, radix: 8))), so it is not used — run chmod 600 \(path), or remove it and log in again"
            )
        }
        guard let bytes = readAll(fd, limit: 1 << 20), let json = JSONValue.parse(bytes), let session = AkanaSession(json: json) else {
            throw OffboardError(.configuration, "the session file \(path) is damaged — remove it and run `offboard akana login` again")
        }
        return session
    }

    /// Writes the session atomically: a new file with mode 0600 from its creation, then renamed into place.
    public func save(_ session: AkanaSession) throws(OffboardError) {
        try makeDirectory()
        let path = path(for: session.baseURL)
        let temporary = "\(path).\(getpid()).tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw OffboardError(.configuration, "cannot write the session file \(temporary): \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o600)
        let written = writeAll(session.json.serialized + "\n", to: fd)
        let synced = fsync(fd) == 0
        close(fd)
        guard written, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OffboardError(.configuration, "cannot write the session file \(path): \(reason)")
        }
    }

    /// Removes the session file; false when there was none.
    @discardableResult
    public func remove(baseURL: String) -> Bool {
        unlink(path(for: baseURL)) == 0
    }

    /// Base URLs of every saved session.
    public func savedBaseURLs() -> [String] {
        guard let folder = opendir(directory) else { return [] }
        defer { closedir(folder) }
        var urls: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix("akana-"), name.hasSuffix(".json") else { continue }
            // Listed by its name, which is what `remove` acts on; a damaged file too, so logout can remove it.
            if let url = AkanaSessionStore.baseURL(fromFileName: name) { urls.append(url) }
        }
        return urls.sorted()
    }

    private func makeDirectory() throws(OffboardError) {
        var prefix = ""
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            let isLast = prefix == directory
            if mkdir(prefix, isLast ? 0o700 : 0o755) != 0, errno != EEXIST {
                throw OffboardError(.configuration, "cannot create \(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
