import CCurl
import CCurlShim
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs HTTP transfers on libcurl's multi interface, on one thread of its own.
///
/// Transfers submitted from any thread are driven together by that thread, and each one's
/// completion runs there too, so a batch can be driven entirely on it (as curl --parallel
/// is) with no hand-off between threads per request. The command line's thread only submits
/// and waits (`Handoff`), and all transfers of a run share one connection cache (HTTP/1.1
/// keep-alive, HTTP/2 multiplexing).
public final class TransferLoop: Transport, @unchecked Sendable {

    private enum Work {
        case transfer(HTTPRequest, TransferOptions, Completion)
        case job(@Sendable () -> Void)
    }

    private struct Scheduled {
        /// Not before this time; nil for at once.
        var due: ContinuousClock.Instant?
        var work: Work
    }

    private let multi: UnsafeMutableRawPointer
    private let trace: Trace?
    private let userAgent: String
    private let clock = ContinuousClock()
    private let queue = Mutex<[Scheduled]>([])
    // Touched only on the loop thread.
    private var later: [Scheduled] = []
    private var running: [UnsafeMutableRawPointer: Transfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []

    /// - Parameters:
    ///   - maxConnections: connections kept open to the server (the batch's concurrency).
    ///   - trace: where `-v` lines go; `nil` for no trace.
    ///   - userAgent: the `User-Agent` header, e.g. `offboard/1.0.0`.
    /// - Throws: ``LibcurlUnavailable`` when libcurl cannot be loaded. It is opened here, the
    ///   first time, rather than linked (CCurlShim.c says why).
    public init(maxConnections: Int = 4, trace: Trace? = nil, userAgent: String) throws(LibcurlUnavailable) {
        if let reason = offboard_libcurl_load() { throw LibcurlUnavailable(reason: String(cString: reason)) }
        guard let multi = offboard_multi_init() else { fatalError("libcurl: curl_multi_init failed") }
        self.multi = multi
        self.trace = trace
        self.userAgent = userAgent
        _ = offboard_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, maxConnections))
        _ = offboard_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, maxConnections))
        _ = offboard_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        startThread()
    }

    /// Starts a transfer; `completion` runs on the loop thread.
    public func submit(_ request: HTTPRequest, options: TransferOptions, completion: @escaping Completion) {
        enqueue(.transfer(request, options, completion), due: nil)
    }

    /// Runs `job` on the loop thread, where completions run (at `due`, when given).
    public func execute(at due: ContinuousClock.Instant?, _ job: @escaping @Sendable () -> Void) {
        enqueue(.job(job), due: due)
    }

    public var now: ContinuousClock.Instant { clock.now }

    /// Transfers started and not finished. Read it on the loop thread only (in `execute`).
    public var transfersRunning: Int { running.count }

    /// Sends one request and blocks the calling thread (never the loop's) until it ends.
    public func send(_ request: HTTPRequest, options: TransferOptions) -> Result<HTTPResponse, TransportError> {
        Handoff.wait { deliver in submit(request, options: options, completion: deliver) }
    }

    private func enqueue(_ work: Work, due: ContinuousClock.Instant?) {
        let wasEmpty = queue.withLock { queue in
            defer { queue.append(Scheduled(due: due, work: work)) }
            return queue.isEmpty
        }
        // The loop drains the whole queue at once: only the first work item of a round needs
        // to wake it (a write to libcurl's wakeup pipe, and a read on the other side).
        if wasEmpty { offboard_multi_wakeup(multi) }
    }

    private func startThread() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<TransferLoop>.fromOpaque(context!).takeRetainedValue().runForever()
                return nil
            }, context)
        precondition(result == 0, "could not start the transfer thread")
        pthread_detach(thread)
    }

    private func runForever() {
        var stillRunning: Int32 = 0
        var messagesLeft: Int32 = 0
        while true {
            later += queue.withLock { queue in
                defer { queue.removeAll() }; return queue
            }
            let now = clock.now
            if later.contains(where: { $0.due.map { $0 <= now } ?? true }) {
                let ready = later.filter { $0.due.map { $0 <= now } ?? true }
                later.removeAll { $0.due.map { $0 <= now } ?? true }
                ready.forEach { run($0.work) }
            }
            offboard_multi_perform(multi, &stillRunning)
            while let message = offboard_multi_info_read(multi, &messagesLeft) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                finish(handle, code: message.pointee.data.result)
            }
            // Completions may have queued more work: start it before waiting.
            if queue.withLock({ !$0.isEmpty }) { continue }
            var timeout: Int32 = 1000
            if let next = later.compactMap(\.due).min() {
                timeout = Int32(clamping: max(0, min(1000, (next - clock.now).milliseconds + 1)))
            }
            offboard_multi_poll(multi, timeout)
        }
    }

    private func run(_ work: Work) {
        switch work {
        case .job(let job):
            job()
        case .transfer(let request, let options, let completion):
            let handle = idleHandles.popLast() ?? offboard_easy_init()!
            let transfer = Transfer(
                handle: handle, request: request, options: options, trace: trace,
                userAgent: userAgent, completion: completion)
            if let setupError = transfer.configure() {
                transfer.release()
                recycle(handle)
                completion(.failure(setupError))
                return
            }
            running[handle] = transfer
            offboard_multi_add_handle(multi, handle)
        }
    }

    private func finish(_ handle: UnsafeMutableRawPointer, code: CURLcode) {
        offboard_multi_remove_handle(multi, handle)
        guard let transfer = running.removeValue(forKey: handle) else { return }
        let result = transfer.result(code: code)
        transfer.release()
        recycle(handle)
        transfer.completion(result)
    }

    private func recycle(_ handle: UnsafeMutableRawPointer) {
        offboard_easy_reset(handle)
        idleHandles.append(handle)
    }
}

/// libcurl could not be opened: not installed, or too old.
public struct LibcurlUnavailable: Error {
    public let reason: String
}
