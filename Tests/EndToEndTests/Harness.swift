import Foundation
import Testing

/// Runs the built binaries the way an operator would: a real `offboard-emulator` on a free
/// loopback port, and `offboard` as a child process with its own environment.
enum Binaries {
    /// `swift test` puts the products next to the test bundle.
    static let directory: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("offboard").path) { return folder }
            folder = folder.deletingLastPathComponent()
        }
        return executable.deletingLastPathComponent()
    }()

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

struct RunResult {
    var stdout: String
    var stderr: String
    var status: Int32

    /// stdout split into parsed NDJSON objects; a line that is not an object fails the test.
    func jsonLines(sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
        stdout.split(separator: "\n").map { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)", sourceLocation: sourceLocation)
            return object ?? [:]
        }
    }
}

/// When a test sends its signal (Ctrl-C, `kill -9`) to the process it runs: once the output so
/// far (stdout, stderr) shows the run has got that far, not after a fixed time, which a busy
/// machine may not keep to. Waits at most 30 s.
struct SignalMoment {
    let reached: (_ stdout: String, _ stderr: String) -> Bool

    /// Once that many result lines are out.
    static func afterStdoutLines(_ count: Int) -> SignalMoment {
        SignalMoment { stdout, _ in stdout.utf8.count(where: { $0 == UInt8(ascii: "\n") }) >= count }
    }

    /// Once `-v` has traced that many requests as sent.
    static func afterRequestsSent(_ count: Int) -> SignalMoment {
        SignalMoment { _, stderr in stderr.components(separatedBy: "\n> DELETE ").count - 1 >= count }
    }
}

/// Runs a command to its end with the given environment only (plus PATH and a HOME), stdin from a string.
/// With `signal`, that signal is sent at the given moment; `twice` sends it again once the
/// process has taken the first.
func run(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
    signal: (Int32, SignalMoment)? = nil, twice: Bool = false
) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    // A TERM as every terminal sets one: on a pseudo-terminal (`script`) offboard draws
    // colour and progress only for a TERM that is neither unset nor `dumb`.
    var env = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
    ]
    env.merge(environment) { $1 }
    process.environment = env
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("offboard-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outURL = folder.appendingPathComponent("out"), errURL = folder.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    // A file, not a pipe: a pipe's write end can leak into other children started at the
    // same time (parallel tests), and then standard input never ends.
    if let stdin {
        let inURL = folder.appendingPathComponent("in")
        try Data(stdin.utf8).write(to: inURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    if let (number, moment) = signal {
        let reached = waitUntil(seconds: 30) {
            moment.reached(
                (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
        }
        if !reached { Issue.record("the run never got far enough to be signalled (waited 30 s)") }
        // Foundation reaps the child on its own thread: once it has, its PID is no longer ours.
        if process.isRunning { kill(process.processIdentifier, number) }
        if twice {
            // Sent while the first is still pending, the second would merge into it.
            _ = waitUntil { !isPending(number, process: process.processIdentifier) }
            if process.isRunning { kill(process.processIdentifier, number) }
        }
    }
    process.waitUntilExit()
    return RunResult(
        stdout: try String(contentsOf: outURL, encoding: .utf8),
        stderr: try String(contentsOf: errURL, encoding: .utf8),
        status: process.terminationStatus)
}

/// One emulator per test, so tests never see each other's state.
final class Emulator: @unchecked Sendable {
    let process = Process()
    let baseURL: String

    init(_ arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Binaries.path("offboard-emulator"))
        process.arguments = ["--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var firstLine = Data()
        while !firstLine.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            firstLine.append(chunk)
        }
        let line = String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("listening on ") else {
            throw EmulatorError(message: "the emulator did not start: \(line)")
        }
        baseURL = String(line.dropFirst("listening on ".count))
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// `GET /_emulator/state`, parsed.
    func state() throws -> [String: Any] {
        let data = try httpGet(baseURL, path: "/_emulator/state")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The Torii user with that ID, from the state endpoint.
    func toriiUser(_ id: String) throws -> [String: Any]? {
        let users = (try state()["torii"] as? [String: Any])?["users"] as? [[String: Any]] ?? []
        return users.first { $0["id"] as? String == id }
    }

    func toriiDeleteRequests() throws -> Int {
        (try state()["torii"] as? [String: Any])?["deleteRequests"] as? Int ?? -1
    }
}

struct EmulatorError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A port on loopback where nothing listens.
func closedPort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A plain HTTP/1.0 GET on a loopback socket: the tests read the emulator's state without
/// going through the code under test.
func httpGet(_ baseURL: String, path: String) throws -> Data {
    let response = try httpExchange(baseURL, "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    guard let end = response.range(of: Data("\r\n\r\n".utf8)) else { throw EmulatorError(message: "no HTTP response from \(baseURL)") }
    return response[end.upperBound...]
}

/// The status line's start, e.g. `HTTP/1.1 204` (empty when the connection closed unanswered).
func httpStatus(_ baseURL: String, _ request: String) throws -> String {
    String(String(decoding: try httpExchange(baseURL, request), as: UTF8.self).prefix(12))
}

/// Sends `request` as written (an HTTP/1.0 request, so the server closes) and returns the whole response.
func httpExchange(_ baseURL: String, _ request: String) throws -> Data {
    guard let port = UInt16(baseURL.split(separator: ":").last ?? "") else { throw EmulatorError(message: "no port in \(baseURL)") }
    guard let fd = connectToLoopback(port: port) else { throw EmulatorError(message: "cannot connect to \(baseURL)") }
    defer { close(fd) }
    let bytes = Array(request.utf8)
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    var response = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        response.append(contentsOf: buffer[0..<count])
    }
    return response
}

/// A TCP connection to 127.0.0.1:`port`, or nil when nothing accepts there.
func connectToLoopback(port: UInt16) -> Int32? {
    let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = loopbackAddress(port: port)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        return nil
    }
    return fd
}

/// 127.0.0.1:`port` as a socket address (port 0: any free port, for bind).
func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = port.bigEndian
    return address
}

/// Whether `signal` waits to be delivered to `process` (Linux: the SigPnd and ShdPnd masks of
/// /proc/<pid>/status). False once the process is gone.
func isPending(_ signal: Int32, process: Int32) -> Bool {
    guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return false }
    let bit = UInt64(1) << UInt64(signal - 1)
    return status.split(separator: "\n").contains { line in
        guard line.hasPrefix("SigPnd:") || line.hasPrefix("ShdPnd:"), let mask = line.split(separator: "\t").last else { return false }
        return (UInt64(mask, radix: 16) ?? 0) & bit != 0
    }
}

/// Checks `condition` every 20 ms until it holds or `seconds` have passed; says whether it held.
/// For what a process started in the background does in its own time.
func waitUntil(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    for _ in 0..<Int(seconds / 0.02) {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return condition()
}

/// Waits (up to five seconds) until a server started in the background accepts connections.
func waitUntilListening(port: Int) throws {
    let listening = waitUntil {
        guard let fd = connectToLoopback(port: UInt16(port)) else { return false }
        close(fd)
        return true
    }
    if !listening { throw EmulatorError(message: "nothing listens on 127.0.0.1:\(port) after 5 s") }
}
