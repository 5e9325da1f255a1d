import CCurl
import CCurlShim
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs HTTP transfers on libcurl's multi interface, on one thread of its own.
///
/// Every `send` from any task is handed to that thread, which drives all transfers at
/// once and resumes each caller when its transfer ends. libcurl's blocking calls therefore
/// never run on Swift's cooperative pool, and all transfers of a run share one connection
/// cache (HTTP/1.1 keep-alive, HTTP/2 multiplexing).
public final class TransferLoop: @unchecked Sendable {
    private struct Submission {
        var request: HTTPRequest
        var options: TransferOptions
        var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>
    }

    private let multi: UnsafeMutableRawPointer
    private let trace: Trace?
    private let userAgent: String
    private let submissions = Mutex<[Submission]>([])
    // Touched only on the loop thread.
    private var running: [UnsafeMutableRawPointer: Transfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []

    /// - Parameters:
    ///   - maxConnections: connections kept open to the server (the batch's concurrency).
    ///   - trace: where `-v` lines go; `nil` for no trace.
    ///   - userAgent: the `User-Agent` header, e.g. `offboard/1.0.0`.
    public init(maxConnections: Int = 4, trace: Trace? = nil, userAgent: String) {
        TransferLoop.initializeLibcurlOnce
        guard let multi = curl_multi_init() else { fatalError("libcurl: curl_multi_init failed") }
        self.multi = multi
        self.trace = trace
        self.userAgent = userAgent
        _ = offboard_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, maxConnections))
        _ = offboard_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, maxConnections))
        _ = offboard_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        startThread()
    }

    /// Sends one request and waits for its end without blocking a thread of the pool.
    public func send(_ request: HTTPRequest, options: TransferOptions) async -> Result<HTTPResponse, TransportError> {
        await withCheckedContinuation { continuation in
            let wasEmpty = submissions.withLock { queue in
                defer { queue.append(Submission(request: request, options: options, continuation: continuation)) }
                return queue.isEmpty
            }
            // The loop drains the whole queue at once: only the first submission of a round
            // needs to wake it (a write to libcurl's wakeup pipe, and a read on the other side).
            if wasEmpty { curl_multi_wakeup(multi) }
        }
    }

    private static let initializeLibcurlOnce: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    private func startThread() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&thread, nil, { context in
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
            for submission in submissions.withLock({ queue in defer { queue.removeAll() }; return queue }) {
                start(submission)
            }
            curl_multi_perform(multi, &stillRunning)
            while let message = curl_multi_info_read(multi, &messagesLeft) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                finish(handle, code: message.pointee.data.result)
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private func start(_ submission: Submission) {
        let handle = idleHandles.popLast() ?? curl_easy_init()!
        let transfer = Transfer(handle: handle, request: submission.request, options: submission.options,
                                trace: trace, userAgent: userAgent, continuation: submission.continuation)
        if let setupError = transfer.configure() {
            recycle(handle)
            submission.continuation.resume(returning: .failure(setupError))
            return
        }
        running[handle] = transfer
        curl_multi_add_handle(multi, handle)
    }

    private func finish(_ handle: UnsafeMutableRawPointer, code: CURLcode) {
        curl_multi_remove_handle(multi, handle)
        guard let transfer = running.removeValue(forKey: handle) else { return }
        let result = transfer.result(code: code)
        transfer.release()
        recycle(handle)
        transfer.continuation.resume(returning: result)
    }

    private func recycle(_ handle: UnsafeMutableRawPointer) {
        curl_easy_reset(handle)
        idleHandles.append(handle)
    }
}
