// HTTP/1.1 request/response types, request-head parsing and response serialisation.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct HTTPHeader {
    let name: String       // as received
    let lowercasedName: String
    let value: String      // with surrounding whitespace trimmed
}

struct HTTPRequest {
    var method: String
    /// The request target exactly as received (for logs).
    var target: String
    /// The raw, still percent-encoded path (no query).
    var path: String
    var query: String?
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    var minorVersion: Int
    var headers: [HTTPHeader]
    var body: [UInt8] = []

    /// The first header with this (case-insensitive) name.
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first(where: { $0.lowercasedName == wanted })?.value
    }

    /// All values of headers with this (case-insensitive) name, in order.
    func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.lowercasedName == wanted }.map(\.value)
    }

    /// Comma-separated tokens of all headers with this name, lower-cased and trimmed.
    func headerTokens(_ name: String) -> [String] {
        headerValues(name).flatMap { $0.split(separator: ",") }.map { trimOWS($0).lowercased() }
    }

    /// Whether the client wants the connection kept open after this request.
    var wantsKeepAlive: Bool {
        let tokens = headerTokens("connection")
        return minorVersion >= 1 ? !tokens.contains("close") : tokens.contains("keep-alive")
    }
}

struct HTTPResponse {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// Close the connection without writing anything (fault injection).
    var dropConnection = false
    /// Close the connection after writing this response.
    var closeConnection = false

    init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func text(_ status: Int, _ text: String, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain")] + headers, body: Array(text.utf8))
    }

    static func json(_ status: Int, _ body: [UInt8], contentType: String = "application/json",
                     headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)] + headers, body: body)
    }

    static func noContent() -> HTTPResponse {
        HTTPResponse(status: 204)
    }

    /// Serialises status line, headers and (unless `headOnly`) the body.
    func serialized(headOnly: Bool, keepAlive: Bool, requestMinorVersion: Int) -> [UInt8] {
        let bodyless = status == 204 || status == 304 || (100..<200).contains(status)
        var head = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        head += "Date: \(httpDate())\r\n"
        head += "Server: offboard-emulator\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(bodyless ? 0 : body.count)\r\n"
        if !keepAlive {
            head += "Connection: close\r\n"
        } else if requestMinorVersion == 0 {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if !headOnly && !bodyless {
            bytes.reserveCapacity(bytes.count + body.count)
            bytes.append(contentsOf: body)
        }
        return bytes
    }
}

func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 100: return "Continue"
    case 200: return "OK"
    case 204: return "No Content"
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 408: return "Request Timeout"
    case 411: return "Length Required"
    case 413: return "Content Too Large"
    case 429: return "Too Many Requests"
    case 431: return "Request Header Fields Too Large"
    case 500: return "Internal Server Error"
    case 503: return "Service Unavailable"
    case 505: return "HTTP Version Not Supported"
    default: return "Unknown"
    }
}

private let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
private let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

/// The current time as an IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
func httpDate() -> String {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    let weekday = weekdayNames[Int(parts.tm_wday) % 7]
    let month = monthNames[Int(parts.tm_mon) % 12]
    return "\(weekday), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
}

func trimOWS<S: StringProtocol>(_ text: S) -> String {
    var slice = Substring(text)
    while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
    while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
    return String(slice)
}

// MARK: - Request head parsing

/// Why a request could not be parsed; the connection answers `status` and closes.
struct HTTPParseError: Error {
    let status: Int
    let message: String
}

private func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
         UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    default:
        return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}

/// Parses a request head (request line + header lines, including the terminating blank line).
/// Accepts CRLF or bare LF line endings. The body is filled in later by the connection.
func parseRequestHead(_ head: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPRequest {
    var lines: [ArraySlice<UInt8>] = []
    var lineStart = head.startIndex
    for i in head.indices where head[i] == 0x0A {
        var line = head[lineStart..<i]
        if line.last == 0x0D { line = line.dropLast() }
        lines.append(line)
        lineStart = i + 1
    }
    // Drop the trailing empty line(s) that terminated the head.
    while let last = lines.last, last.isEmpty { lines.removeLast() }
    guard let requestLine = lines.first else { throw HTTPParseError(status: 400, message: "Empty request") }
    for line in lines where line.contains(0x0D) || line.contains(0x00) {
        throw HTTPParseError(status: 400, message: "Invalid character in request head")
    }

    // Request line: METHOD SP request-target SP HTTP-version
    let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw HTTPParseError(status: 400, message: "Malformed request line")
    }
    guard parts[0].allSatisfy(isTokenByte) else {
        throw HTTPParseError(status: 400, message: "Malformed method")
    }
    guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
        throw HTTPParseError(status: 400, message: "Malformed request target")
    }
    let version = Array(parts[2])
    let minorVersion: Int
    if version == Array("HTTP/1.1".utf8) {
        minorVersion = 1
    } else if version == Array("HTTP/1.0".utf8) {
        minorVersion = 0
    } else if version.count == 8, version.starts(with: Array("HTTP/".utf8)),
              version[5] >= 0x30, version[5] <= 0x39, version[6] == UInt8(ascii: "."),
              version[7] >= 0x30, version[7] <= 0x39 {
        throw HTTPParseError(status: 505, message: "HTTP version not supported")
    } else {
        throw HTTPParseError(status: 400, message: "Malformed HTTP version")
    }

    let method = String(decoding: parts[0], as: UTF8.self)
    let target = String(decoding: parts[1], as: UTF8.self)
    let (path, query) = try splitTarget(target)

    var headers: [HTTPHeader] = []
    for line in lines.dropFirst() {
        guard let first = line.first, first != 0x20, first != 0x09 else {
            throw HTTPParseError(status: 400, message: "Obsolete header line folding is not supported")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw HTTPParseError(status: 400, message: "Malformed header line")
        }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw HTTPParseError(status: 400, message: "Malformed header name")
        }
        let rawValue = line[(colon + 1)...]
        guard rawValue.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw HTTPParseError(status: 400, message: "Invalid character in header value")
        }
        let nameString = String(decoding: name, as: UTF8.self)
        headers.append(HTTPHeader(name: nameString, lowercasedName: nameString.lowercased(),
                                  value: trimOWS(String(decoding: rawValue, as: UTF8.self))))
    }

    return HTTPRequest(method: method, target: target, path: path, query: query,
                       minorVersion: minorVersion, headers: headers)
}

/// Splits origin-form (`/a/b?q`) or absolute-form (`http://host/a/b?q`) targets.
private func splitTarget(_ target: String) throws(HTTPParseError) -> (String, String?) {
    var pathAndQuery = target
    if target.hasPrefix("/") || target == "*" {
        // origin-form, or asterisk-form (which simply matches no route)
    } else if let schemeEnd = target.firstRange(of: "://"),
              ["http", "https"].contains(target[..<schemeEnd.lowerBound].lowercased()) {
        let afterAuthority = target[schemeEnd.upperBound...]
        if let slash = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }) {
            pathAndQuery = String(afterAuthority[slash...])
            if pathAndQuery.hasPrefix("?") { pathAndQuery = "/" + pathAndQuery }
        } else {
            pathAndQuery = "/"
        }
    } else {
        throw HTTPParseError(status: 400, message: "Malformed request target")
    }
    if let question = pathAndQuery.firstIndex(of: "?") {
        return (String(pathAndQuery[..<question]), String(pathAndQuery[pathAndQuery.index(after: question)...]))
    }
    return (pathAndQuery, nil)
}
