import Foundation

/// A tiny HTTP/1.1 server on loopback whose answers a test scripts, for what the emulator
/// never does (a 400 from a proxy, a redirect, an HTML error page, a stall, a huge body).
/// Each request is recorded; each connection is served on its own thread.
final class ScriptedServer: @unchecked Sendable {
    struct Request {
        var method: String
        var target: String
        var headers: [(String, String)]
        /// When its head had arrived.
        var at = ContinuousClock.now
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// What to do with a request: the raw bytes to write back, each chunk after its delay
    /// (a nil reply closes the connection without answering).
    struct Reply {
        var chunks: [(delay: TimeInterval, bytes: Data)]

        static func http(_ status: Int, _ headers: [(String, String)] = [], body: String = "") -> Reply {
            var text = "HTTP/1.1 \(status) Scripted\r\nContent-Length: \(body.utf8.count)\r\n"
            for (name, value) in headers { text += "\(name): \(value)\r\n" }
            return Reply(chunks: [(0, Data((text + "\r\n" + body).utf8))])
        }

        /// The status line and headers at once, then the body a piece at a time.
        static func trickle(_ head: String, pieces: [String], every delay: TimeInterval) -> Reply {
            Reply(chunks: [(0, Data(head.utf8))] + pieces.map { (delay, Data($0.utf8)) })
        }
    }

    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var recorded: [Request] = []
    private let answer: @Sendable (Request, Int) -> Reply?

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] { lock.withLock { recorded } }

    /// - Parameter answer: given the request and its index (0 for the first), the reply.
    init(answer: @escaping @Sendable (Request, Int) -> Reply?) throws {
        self.answer = answer
        (listener, port) = try ScriptedServer.listenOnLoopback()
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    private static func listenOnLoopback() throws -> (Int32, Int) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 64) == 0 else { throw EmulatorError(message: "scripted server: cannot listen") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        return (listener, Int(UInt16(bigEndian: address.sin_port)))
    }

    deinit { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            while buffer.range(of: Data("\r\n\r\n".utf8)) == nil {
                let count = recv(client, &chunk, chunk.count, 0)
                if count <= 0 { return }
                buffer.append(contentsOf: chunk[0..<count])
            }
            let end = buffer.range(of: Data("\r\n\r\n".utf8))!
            let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ")
            let headers = lines.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let request = Request(method: String(requestLine.first ?? ""), target: String(requestLine.dropFirst().first ?? ""), headers: headers)
            let bodyLength = Int(request.header("Content-Length") ?? "0") ?? 0
            while buffer.count < end.upperBound + bodyLength {
                let count = recv(client, &chunk, chunk.count, 0)
                if count <= 0 { return }
                buffer.append(contentsOf: chunk[0..<count])
            }
            buffer.removeSubrange(..<(end.upperBound + bodyLength))
            let index = lock.withLock {
                recorded.append(request); return recorded.count - 1
            }
            guard let reply = answer(request, index) else { return }
            for (delay, data) in reply.chunks {
                if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                let sent = data.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent < 0 { return }
            }
        }
    }
}
