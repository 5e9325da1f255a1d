// A small HTTP/1.1 server on POSIX sockets: one detached thread per connection, keep-alive,
// pipelining-safe buffering, Content-Length bodies, and graceful shutdown on SIGINT/SIGTERM.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

struct ServerError: Error, CustomStringConvertible {
    let description: String
    /// errno of a failed bind, when that is what failed.
    var bindErrno: Int32? = nil
}

typealias RequestHandler = @Sendable (HTTPRequest) -> HTTPResponse

enum ServerLimits {
    static let maxHeaderBytes = 64 * 1024
    static let maxBodyBytes = 1024 * 1024
    static let idleTimeoutSeconds = 120
    static let readChunk = 64 * 1024
}

// MARK: - Signals

/// Requests between their head being read and their answer being written: a stop waits for them.
private let requestsInFlight = Atomic<Int>(0)
/// Set once a stop began: open connections answer what they have with `Connection: close`
/// and read no further request.
private let stopping = Atomic<Bool>(false)

/// Waits (up to `seconds`) until no request is being answered; the listeners are closed by then.
func waitForRequestsInFlight(seconds: Int) {
    stopping.store(true, ordering: .relaxed)
    var waited = 0
    while requestsInFlight.load(ordering: .relaxed) > 0, waited < seconds * 100 {
        sleepMilliseconds(10)
        waited += 1
    }
}

/// Write end of the self-pipe the signal handler pokes; read end is polled by the accept loop.
nonisolated(unsafe) private var signalWakeWriteFD: Int32 = -1

/// Ignores SIGPIPE and turns SIGINT/SIGTERM into a readable byte on the returned descriptor.
func installSignalHandlers() throws -> Int32 {
    signal(SIGPIPE, SIG_IGN)
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { throw ServerError(description: "pipe failed: \(errnoDescription())") }
    for fd in fds {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }
    signalWakeWriteFD = fds[1]
    let handler: @convention(c) (Int32) -> Void = { _ in
        var byte: UInt8 = 1
        let saved = errno
        _ = write(signalWakeWriteFD, &byte, 1)
        errno = saved
    }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
    // A parent may start us with these blocked (posix_spawn from a thread that blocks them,
    // as test runners do): then SIGTERM would never stop the emulator.
    var stopSignals = sigset_t()
    sigemptyset(&stopSignals)
    sigaddset(&stopSignals, SIGINT)
    sigaddset(&stopSignals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    return fds[0]
}

// MARK: - Listening

final class HTTPServer {
    private let handler: RequestHandler
    private let logRequests: Bool
    private var listeners: [Int32] = []
    private(set) var port: Int = 0

    init(logRequests: Bool, handler: @escaping RequestHandler) {
        self.logRequests = logRequests
        self.handler = handler
    }

    /// Resolves `host` and binds every address it names (IPv4 first) on one port.
    /// With `port` 0 the kernel picks a free port for the first address; the rest reuse it, and
    /// when one of them holds it already, another port is tried.
    func bind(host: String, port requestedPort: Int) throws {
        for attempt in 1... {
            do {
                return try bindOnce(host: host, port: requestedPort)
            } catch let error as ServerError where error.bindErrno == EADDRINUSE && requestedPort == 0 && attempt < 10 {
                port = 0
            }
        }
    }

    private func bindOnce(host: String, port requestedPort: Int) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(requestedPort), &hints, &results)
        guard rc == 0 else {
            throw ServerError(description: "cannot resolve host \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(results) }

        var candidates: [(family: Int32, address: sockaddr_storage, length: socklen_t)] = []
        var cursor = results
        while let info = cursor {
            if let address = info.pointee.ai_addr,
               info.pointee.ai_family == AF_INET || info.pointee.ai_family == AF_INET6 {
                var storage = sockaddr_storage()
                let length = min(Int(info.pointee.ai_addrlen), MemoryLayout<sockaddr_storage>.size)
                withUnsafeMutableBytes(of: &storage) { dst in
                    dst.copyMemory(from: UnsafeRawBufferPointer(start: address, count: length))
                }
                candidates.append((info.pointee.ai_family, storage, socklen_t(length)))
            }
            cursor = info.pointee.ai_next
        }
        // Prefer IPv4 so "localhost" always answers on 127.0.0.1; an address listed twice
        // (a hosts file may) is bound once.
        candidates = candidates.filter { $0.family == AF_INET } + candidates.filter { $0.family == AF_INET6 }
        var seen = Set<[UInt8]>()
        candidates = candidates.filter { candidate in
            var storage = candidate.address
            let bytes = withUnsafeBytes(of: &storage) { Array($0.prefix(Int(candidate.length))) }
            return seen.insert(bytes).inserted
        }

        var lastError = "no usable address for \(host)"
        for candidate in candidates {
            var address = candidate.address
            if !listeners.isEmpty { setPort(&address, family: candidate.family, port: port) }
            do {
                let fd = try openListener(family: candidate.family, address: &address, length: candidate.length)
                listeners.append(fd)
                if port == 0 { port = boundPort(fd) }
            } catch {
                // An address another server holds is a conflict, not a missing address family:
                // clients of "localhost" could reach that other server.
                if error.bindErrno == EADDRINUSE {
                    listeners.forEach { close($0) }
                    listeners.removeAll()
                    throw error
                }
                lastError = error.description
            }
        }
        if listeners.isEmpty { throw ServerError(description: lastError) }
    }

    private func openListener(family: Int32, address: inout sockaddr_storage, length: socklen_t) throws(ServerError) -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError(description: "socket failed: \(errnoDescription())") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if family == AF_INET6 {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let code = errno
            let message = "cannot bind: \(errnoDescription())"
            close(fd)
            throw ServerError(description: message, bindErrno: code)
        }
        guard listen(fd, 1024) == 0 else {
            let message = "cannot listen: \(errnoDescription())"
            close(fd)
            throw ServerError(description: message)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return fd
    }

    private func setPort(_ address: inout sockaddr_storage, family: Int32, port: Int) {
        let networkPort = UInt16(truncatingIfNeeded: port).bigEndian
        withUnsafeMutablePointer(to: &address) { pointer in
            if family == AF_INET {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = networkPort }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port = networkPort }
            }
        }
    }

    private func boundPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { return 0 }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET {
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
        }
    }

    // MARK: Accept loop

    /// Accepts connections until `wakeFD` becomes readable (a signal arrived), then closes the listeners.
    func serve(until wakeFD: Int32) {
        defer {
            for fd in listeners { close(fd) }
            listeners.removeAll()
        }
        var pollSet = listeners.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        pollSet.append(pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0))
        while true {
            for i in pollSet.indices { pollSet[i].revents = 0 }
            let ready = poll(&pollSet, nfds_t(pollSet.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if pollSet[pollSet.count - 1].revents != 0 { return }
            for entry in pollSet.dropLast() where entry.revents != 0 {
                acceptPending(on: entry.fd)
            }
        }
    }

    private func acceptPending(on listener: Int32) {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EAGAIN, EWOULDBLOCK: return
                default:
                    // e.g. EMFILE: back off briefly instead of spinning.
                    sleepMilliseconds(10)
                    return
                }
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            configureClientSocket(fd)
            let handler = self.handler
            let log = logRequests
            let started = spawnDetachedThread {
                Connection(fd: fd, handler: handler, logRequests: log).run()
            }
            if !started { close(fd) }
        }
    }

    private func configureClientSocket(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: ServerLimits.idleTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
}

// MARK: - Connection

/// Serves one client socket: reads requests, dispatches them, writes responses, until close.
private final class Connection {
    private let fd: Int32
    private let handler: RequestHandler
    private let logRequests: Bool
    private var buffer: [UInt8] = []
    /// Where the search for the end of the head resumes (avoids rescanning).
    private var scanOffset = 0
    private var isClosed = false

    init(fd: Int32, handler: @escaping RequestHandler, logRequests: Bool) {
        self.fd = fd
        self.handler = handler
        self.logRequests = logRequests
    }

    func run() {
        buffer.reserveCapacity(ServerLimits.readChunk)
        while true {
            guard let headEnd = readHead() else { closeSocket(); return }
            requestsInFlight.add(1, ordering: .relaxed)
            defer { requestsInFlight.subtract(1, ordering: .relaxed) }
            let headBytes = buffer[0..<headEnd]
            var request: HTTPRequest
            do {
                request = try parseRequestHead(headBytes)
            } catch {
                return fail(error.status, error.message)
            }

            // Body framing: Content-Length only.
            if !request.headerValues("transfer-encoding").isEmpty {
                return fail(411, "Transfer-Encoding is not supported; send Content-Length")
            }
            let contentLength: Int
            switch parseContentLength(request.headerValues("content-length")) {
            case .none: return fail(400, "Invalid Content-Length")
            case .some(let length): contentLength = length
            }
            if contentLength > ServerLimits.maxBodyBytes {
                return fail(413, "Request body too large")
            }
            if contentLength > 0, buffer.count < headEnd + contentLength,
               request.minorVersion >= 1, request.headerTokens("expect").contains("100-continue") {
                guard sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { closeSocket(); return }
            }
            while buffer.count < headEnd + contentLength {
                guard receive() else { closeSocket(); return }
            }
            request.body = Array(buffer[headEnd..<headEnd + contentLength])
            buffer.removeFirst(headEnd + contentLength)
            scanOffset = 0

            let response = handler(request)
            if response.dropConnection {
                log(request, outcome: "dropped")
                shutdown(fd, Int32(SHUT_RDWR))
                closeSocket(); return
            }
            let keepAlive = request.wantsKeepAlive && !response.closeConnection && !stopping.load(ordering: .relaxed)
            log(request, outcome: String(response.status))
            let bytes = response.serialized(headOnly: request.method == "HEAD", keepAlive: keepAlive,
                                            requestMinorVersion: request.minorVersion)
            guard sendAll(bytes) else { closeSocket(); return }
            if !keepAlive { return closeGracefully() }
        }
    }

    /// Reads until a complete request head is buffered; returns the index just past it.
    /// Returns nil when the connection should end (EOF, error, or an oversized head already answered).
    private func readHead() -> Int? {
        while true {
            // RFC 9112 §2.2: ignore empty lines before the request line.
            if scanOffset == 0, let firstContent = buffer.firstIndex(where: { $0 != 0x0D && $0 != 0x0A }) {
                if firstContent > 0 { buffer.removeFirst(firstContent) }
            } else if scanOffset == 0, !buffer.isEmpty {
                buffer.removeAll(keepingCapacity: true)
            }
            // A request line starts with a method token; anything else (a TLS handshake, say) is
            // answered at once instead of after the idle timeout.
            if let first = buffer.first, !isTokenCharacter(first) {
                fail(400, "Not an HTTP request")
                return nil
            }
            if let end = findHeadEnd() {
                if end > ServerLimits.maxHeaderBytes {
                    fail(431, "Request header fields too large")
                    return nil
                }
                return end
            }
            if buffer.count > ServerLimits.maxHeaderBytes {
                fail(431, "Request header fields too large")
                return nil
            }
            guard receive() else { return nil }
        }
    }

    /// Finds the blank line (CRLFCRLF or LFLF, mixed allowed) ending the head.
    private func findHeadEnd() -> Int? {
        var i = scanOffset
        while i < buffer.count {
            if buffer[i] == 0x0A {
                if i >= 1 && buffer[i - 1] == 0x0A { return i + 1 }
                if i >= 2 && buffer[i - 1] == 0x0D && buffer[i - 2] == 0x0A { return i + 1 }
            }
            i += 1
        }
        scanOffset = buffer.count
        return nil
    }

    /// Appends whatever the socket has to the buffer. False on EOF, error or idle timeout.
    private func receive() -> Bool {
        let chunk = ServerLimits.readChunk
        let oldCount = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in
                recv(fd, raw.baseAddress! + oldCount, chunk, 0)
            }
            if n < 0 && errno == EINTR { continue }
            buffer.removeLast(chunk - max(n, 0))
            return n > 0
        }
    }

    private func sendAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Answers a protocol error with a plain-text response and closes the connection.
    private func fail(_ status: Int, _ message: String) {
        var response = HTTPResponse.text(status, message)
        response.closeConnection = true
        if logRequests { writeAll(fd: 2, "(malformed request) -> \(status)\n") }
        if sendAll(response.serialized(headOnly: false, keepAlive: false, requestMinorVersion: 1)) {
            closeGracefully()
        } else {
            closeSocket()
        }
    }

    /// Half-closes, then drains briefly so unread client bytes don't turn our response into a RST.
    private func closeGracefully() {
        shutdown(fd, Int32(SHUT_WR))
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        var drained = 0
        while drained < 1024 * 1024 {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            drained += n
        }
        closeSocket()
    }

    private func closeSocket() {
        guard !isClosed else { return }
        isClosed = true
        close(fd)
    }

    private func log(_ request: HTTPRequest, outcome: String) {
        guard logRequests else { return }
        writeAll(fd: 2, "\(request.method) \(request.target) -> \(outcome)\n")
    }
}

/// Validates Content-Length header values (repeats and lists must agree). nil means invalid.
private func parseContentLength(_ values: [String]) -> Int? {
    var length: Int?
    for value in values {
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            let digits = trimOWS(part)
            guard !digits.isEmpty, digits.count <= 15, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let parsed = Int(digits) else { return nil }
            if let length, length != parsed { return nil }
            length = parsed
        }
    }
    return length ?? 0
}

/// RFC 9110 §5.6.2 tchar: what a method name is made of.
private func isTokenCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    default:
        return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}
