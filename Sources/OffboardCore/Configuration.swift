#if canImport(Glibc)
import Glibc
#endif

public enum OffboardVersion {
    public static let current = "0.1.0"
}

/// A validated API base URL: `http` or `https`, a host, optionally a path prefix; no user
/// info, query or fragment. Kept without a trailing slash.
///
/// Checked by hand rather than with `URLComponents`, which keeps neither the messages nor the
/// rules: it takes `https://x:` (an empty port) and `https://x/a b` (encoding the space), gives
/// ports 0 and 99999 unchecked, and refuses `https://x:abc` and `https://[::1` with no reason to
/// tell the operator — each rule here would still need its own check.
public struct BaseURL: Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public let isHTTPS: Bool
    public let host: String

    /// - Parameter source: where the value came from, for the error (`--base-url`, `TORII_BASE_URL`).
    public init(_ text: String, source: String) throws(OffboardError) {
        func invalid(_ why: String) -> OffboardError {
            OffboardError(
                .configuration,
                "\(source) \(quotedForMessage(Substring(text))) is not a usable base URL: \(why) — give it like https://api.example.com")
        }
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") {
            scheme = "https"
        } else if lower.hasPrefix("http://") {
            scheme = "http"
        } else {
            throw invalid("it must start with https:// (or http:// for a local server)")
        }
        let rest = text.dropFirst(scheme.count + 3)
        guard !rest.contains(where: { $0 == "?" || $0 == "#" }) else { throw invalid("it must not have a query or fragment") }
        guard !rest.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw invalid("it contains spaces or control characters")
        }
        let authority = rest.prefix { $0 != "/" }
        guard !authority.contains("@") else { throw invalid("credentials do not belong in the URL") }
        var host = String(authority)
        if host.hasPrefix("[") {
            host = String(host.prefix { $0 != "]" }.dropFirst())
        } else if let colon = host.lastIndex(of: ":") {
            guard let port = Int(host[host.index(after: colon)...]), (1...65535).contains(port) else {
                throw invalid("the port is not a number from 1 to 65535")
            }
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { throw invalid("it has no host") }
        var normalized = "\(scheme)://\(rest)"
        while normalized.hasSuffix("/") { normalized.removeLast() }
        description = normalized
        isHTTPS = scheme == "https"
        self.host = host.lowercased()
    }

    /// 127.0.0.0/8, ::1 and localhost: plain HTTP there never crosses a network.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// A secret read from a file: trailing line breaks removed, and a warning when others may read it.
public struct SecretFile {
    public let value: String
    public let warning: String?

    /// - Parameter option: the option that named the file, for messages.
    public init(path: String, option: String) throws(OffboardError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw OffboardError(
                .configuration, "cannot read \(option) \(path): \(String(cString: strerror(errno))) — check the path and its permissions")
        }
        defer { close(fd) }
        guard var bytes = readAll(fd, limit: 64 * 1024) else {
            throw OffboardError(
                .configuration, "cannot read \(option) \(path): it is larger than 64 KiB or unreadable, so it does not look like a key file")
        }
        // Editors on Windows save one; it would otherwise be refused as "characters no credential has".
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw OffboardError(
                .configuration,
                "\(option) \(path) starts with a UTF-8 byte-order mark (bytes EF BB BF, as some Windows editors save) — save it without one, e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' \(shellQuoted(path))"
            )
        }
        if let wide = WideEncoding(byteOrderMarkOf: bytes) {
            throw OffboardError(
                .configuration,
                "\(option) \(path) is \(wide.rawValue) text (it starts with that byte-order mark) — save it as plain ASCII text; iconv -f \(wide.family) -t UTF-8 converts it"
            )
        }
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 { bytes.removeLast() }
        guard !bytes.isEmpty else {
            throw OffboardError(.configuration, "\(option) \(path) is empty — put the secret on its first line")
        }
        value = String(decoding: bytes, as: UTF8.self)
        try checkSecret(value, source: "\(option) \(path)")
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & 0o077 != 0 {
            warning = "\(option) \(path) can be read by other users (mode \(String(info.st_mode & 0o777, radix: 8))) — run chmod 600 \(path)"
        } else {
            warning = nil
        }
    }
}

/// A credential must be one token of printable ASCII: anything else (a second line, a space,
/// a control character) would be sent as extra header lines, or shown unredacted in a trace.
public func isCredentialShaped(_ value: String) -> Bool {
    value.utf8.allSatisfy { (0x21...0x7E).contains($0) }
}

/// Refuses a credential that is not one token of printable ASCII (`isCredentialShaped`).
public func checkSecret(_ value: String, source: String) throws(OffboardError) {
    guard isCredentialShaped(value) else {
        throw OffboardError(
            .configuration,
            "\(source) holds spaces, line breaks or other characters no credential has — it must contain the secret alone, on one line")
    }
}

/// The variable's value, nil when unset. Set but empty (`export X=$(…)` whose command printed
/// nothing) is refused rather than taken for unset, which would quietly mean a default (the
/// production API) or a saved session.
public func environmentValue(_ name: String) throws(OffboardError) -> String? {
    guard let raw = getenv(name) else { return nil }
    let value = String(cString: raw)
    guard !value.isEmpty else { throw OffboardError(.configuration, "\(name) is set but empty — unset it, or give it a value") }
    return value
}
