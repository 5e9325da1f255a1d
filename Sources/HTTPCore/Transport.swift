/// What the batch engine needs of HTTP: requests started, timers run and the clock read, all on
/// the transport's one thread, so the engine needs no locks.
///
/// `TransferLoop` is the real one (libcurl); the tests drive the engine with an in-memory
/// transport and a virtual clock, with no network and no waiting.
public protocol Transport: Sendable {
    typealias Completion = @Sendable (Result<HTTPResponse, TransportError>) -> Void

    /// Starts a request; `completion` runs on the transport's thread.
    func submit(_ request: HTTPRequest, options: TransferOptions, completion: @escaping Completion)
    /// Runs `job` on the transport's thread, at `due` when given, else as soon as it can.
    func execute(at due: ContinuousClock.Instant?, _ job: @escaping @Sendable () -> Void)
    /// The transport's clock: what `execute(at:)` is measured against.
    var now: ContinuousClock.Instant { get }
}

extension Transport {
    /// Runs `job` on the transport's thread as soon as it can.
    public func execute(_ job: @escaping @Sendable () -> Void) {
        execute(at: nil, job)
    }
}
