/// One header line. Names compare case-insensitively; values are kept byte for byte.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HTTPHeader {
    /// The values of every header of that name (names compare case-insensitively), in order.
    public func values(named name: String) -> [String] {
        let wanted = name.lowercased()
        return filter { $0.name.lowercased() == wanted }.map(\.value)
    }
}

/// A response's headers as libcurl hands them over: one line per call, status lines and the
/// blank line that ends a block included. The bytes are the server's, unchecked.
struct ResponseHeaderLines {
    private(set) var headers: [HTTPHeader] = []

    mutating func read(_ line: UnsafeBufferPointer<UInt8>) {
        if line.starts(with: "HTTP/".utf8) {
            // A new status line (after 100 Continue, say): the headers so far were not the final ones.
            headers.removeAll()
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            headers.append(HTTPHeader(ResponseHeaderLines.trimmed(line[..<colon]), ResponseHeaderLines.trimmed(line[(colon + 1)...])))
        }
    }

    /// The text of a header part without surrounding spaces, tabs and line ends.
    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}

/// What to send. The URL is already fully encoded: HTTPCore never rewrites it.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.values(named: name).first
    }
}

/// What came back: the final status line's code, its headers in order, and the body.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// How many times the request went out. More than 1 when libcurl re-sent it by itself on a
    /// fresh connection because a reused one died before answering: the server may then have
    /// acted on an earlier copy.
    public var requestsSent: Int

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = [], requestsSent: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.requestsSent = requestsSent
    }

    /// The first header of that name.
    public func header(_ name: String) -> String? {
        headers.values(named: name).first
    }

    /// Every header of that name, in order (e.g. several `Set-Cookie`).
    public func headers(named name: String) -> [String] {
        headers.values(named: name)
    }

    /// The media type without parameters, lower-cased: `application/problem+json`.
    public var mediaType: String? {
        header("Content-Type").map {
            String($0.split(separator: ";", maxSplits: 1).first ?? "")
                .trimmingASCIIWhitespace().lowercased()
        }
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Limits and trust settings for one transfer.
public struct TransferOptions: Sendable {
    /// Whole-attempt limit (curl's `--max-time`).
    public var timeout: Duration
    public var connectTimeout: Duration
    /// Extra CA bundle, used on top of the system store.
    public var caFile: String?
    public var insecure: Bool
    /// Bodies larger than this end the transfer with `TransportError.Kind.responseTooLarge`.
    public var maxBodyBytes: Int

    public init(
        timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
        caFile: String? = nil, insecure: Bool = false, maxBodyBytes: Int = 1 << 20
    ) {
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.caFile = caFile
        self.insecure = insecure
        self.maxBodyBytes = maxBodyBytes
    }
}

extension StringProtocol {
    public func trimmingASCIIWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" || first == "\n" {
            scalars.removeFirst()
        }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" {
            scalars.removeLast()
        }
        return String(String.UnicodeScalarView(scalars))
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
