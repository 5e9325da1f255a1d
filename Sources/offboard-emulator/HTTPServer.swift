// The emulator's HTTP/1.1 server on SwiftNIO: binds every address a host name resolves to,
// hands each request to the `Emulator`, delays and drops answers as its faults say, and on
// SIGINT/SIGTERM stops accepting while answers in flight finish (ServerQuiescingHelper).
import Dispatch
import Glibc
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix

struct ServerError: Error, CustomStringConvertible {
    let description: String
}

final class HTTPServer {
    private let group: MultiThreadedEventLoopGroup
    /// One per listening socket: a helper quiesces the one server channel it was made for.
    private var quiescers: [ServerQuiescingHelper] = []
    private let emulator: Emulator
    private let logRequests: Bool
    private(set) var port = 0
    /// SIGINT and SIGTERM, blocked in every thread until `serveUntilStopped` takes one.
    private let stopSignals: sigset_t

    init(emulator: Emulator, logRequests: Bool) {
        self.emulator = emulator
        self.logRequests = logRequests
        stopSignals = Self.blockStopSignals()
        group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
    }

    /// Binds every address `host` names (IPv4 first), all on one port. With `port` 0 the kernel
    /// picks one for the first address and the rest reuse it; when another server holds it
    /// there, the whole bind is tried again. An address in use is never skipped: clients of
    /// "localhost" could otherwise reach that other server.
    func bind(host: String, port requestedPort: Int) throws {
        let addresses = try resolve(host: host)
        for attempt in 1... {
            var channels: [Channel] = []
            quiescers = []
            do {
                for var address in addresses {
                    address.port = channels.first?.localAddress?.port ?? requestedPort
                    quiescers.append(ServerQuiescingHelper(group: group))
                    channels.append(try bootstrap(ipv6: address.protocol == .inet6, quiescer: quiescers.last!).bind(to: address).wait())
                }
                port = channels.first?.localAddress?.port ?? requestedPort
                return
            } catch let error as IOError
                where error.errnoCode == EADDRINUSE && requestedPort == 0
                && !channels.isEmpty && attempt < 10
            {
                for channel in channels { try? channel.close().wait() }
            } catch {
                for channel in channels { try? channel.close().wait() }
                throw ServerError(description: "cannot listen on \(host):\(requestedPort): \(error)")
            }
        }
    }

    /// Serves until SIGINT or SIGTERM, then waits for the answers in flight, at most
    /// `graceSeconds` (a client that never finishes its request cannot hold the stop forever).
    func serveUntilStopped(graceSeconds: Int) throws {
        let quiesced = DispatchSemaphore(value: 0)
        var stopSignals = stopSignals, taken: Int32 = 0
        while sigwait(&stopSignals, &taken) != 0 {}
        let shutdowns = quiescers.map { quiescer in
            let promise = group.next().makePromise(of: Void.self)
            quiescer.initiateShutdown(promise: promise)
            return promise.futureResult
        }
        EventLoopFuture.andAllComplete(shutdowns, on: group.next()).whenComplete { _ in quiesced.signal() }
        _ = quiesced.wait(timeout: .now() + .seconds(graceSeconds))
        // The helpers go before their event loops do: their deinit completes a promise on them.
        quiescers = []
        try group.syncShutdownGracefully()
    }

    /// Blocks SIGINT and SIGTERM before the `listening on` line and before NIO starts its
    /// threads, which inherit the mask: from then on a stop stays pending until `sigwait` takes
    /// it, however soon a client sends it. (Dispatch signal sources, used before, lost 2 of 200
    /// stops sent right after the line by 8 clients at once, and once one sent seconds later:
    /// the emulator ran on and a test run hung.)
    private static func blockStopSignals() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        return set
    }

    /// IPv4 first, so "localhost" always answers on 127.0.0.1; an address listed twice (a hosts
    /// file may) is bound once.
    private func resolve(host: String) throws -> [SocketAddress] {
        let resolver = NIORandomizedDNSResolver(loop: group.next())
        let ipv4 = resolver.initiateAQuery(host: host, port: 0), ipv6 = resolver.initiateAAAAQuery(host: host, port: 0)
        var addresses: [SocketAddress] = []
        do {
            // Sorted within each family: the resolver shuffles them.
            for address in try [ipv4, ipv6].flatMap({ try $0.wait().sorted { "\($0)" < "\($1)" } }) where !addresses.contains(address) {
                addresses.append(address)
            }
        } catch {
            throw ServerError(description: "cannot resolve host \(host): \(error)")
        }
        guard !addresses.isEmpty else { throw ServerError(description: "no IPv4 or IPv6 address for \(host)") }
        return addresses
    }

    private func bootstrap(ipv6: Bool, quiescer: ServerQuiescingHelper) -> ServerBootstrap {
        let emulator = emulator, logRequests = logRequests
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescer.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Pipelining assistance answers pipelined requests in order and lets a stop
                    // close a connection after its current answer; error handling answers bytes
                    // that are not HTTP (a TLS handshake) with 400 at once.
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true, withErrorHandling: true)
                    // Whole requests, chunked bodies included; above a MiB (the APIs take small JSON
                    // bodies at most) the aggregator answers 413.
                    try channel.pipeline.syncOperations.addHandlers(
                        NIOHTTPServerRequestAggregator(maxContentLength: 1024 * 1024),
                        EmulatorHTTPHandler(emulator: emulator, logRequests: logRequests))
                }
            }
        // `::` must not take the IPv4 port that `0.0.0.0` of the same name holds.
        return ipv6 ? bootstrap.serverChannelOption(ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1) : bootstrap
    }
}

/// Lets the emulator answer each whole request after its latency, and writes the answer, or
/// closes the connection when the answer is a drop.
private final class EmulatorHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = NIOHTTPServerRequestFull
    typealias OutboundOut = HTTPServerResponsePart

    private let emulator: Emulator
    private let logRequests: Bool

    init(emulator: Emulator, logRequests: Bool) {
        self.emulator = emulator
        self.logRequests = logRequests
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let (head, body) = (unwrapInboundIn(data).head, unwrapInboundIn(data).body)
        let request = EmulatorRequest(
            method: head.method.rawValue, target: head.uri, headers: head.headers,
            body: body.map { Array($0.readableBytesView) } ?? [])
        let delay = emulator.latencyMilliseconds(for: request)
        guard delay > 0 else {
            return respond(context: context, head: head, emulator.respond(to: request))
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let emulator = emulator
        context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay))) {
            let (handler, context) = loopBound.value
            handler.respond(context: context, head: head, emulator.respond(to: request))
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, _ response: EmulatorResponse) {
        if logRequests {
            let line = "\(head.method.rawValue) \(head.uri) -> \(response.dropConnection ? "dropped" : String(response.status))\n"
            _ = line.withCString { write(2, $0, strlen($0)) }  // unbuffered: a log line is out at once
        }
        guard !response.dropConnection else {
            context.close(promise: nil)
            return
        }
        let keepAlive = head.isKeepAlive
        var headers = HTTPHeaders([("Date", httpDate()), ("Server", "offboard-emulator")] + response.headers)
        if response.status != 204 { headers.add(name: "Content-Length", value: String(response.body.count)) }
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if head.version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        let responseHead = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD, response.status != 204, !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// The current time as an IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
func httpDate() -> String {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    var buffer = [CChar](repeating: 0, count: 40)
    let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
    return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
