import HTTPCore
import OffboardCore
import Output
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (and SIGTERM): the first stops new deletions and lets in-flight ones finish and
/// report, and says so at once; a second one exits at once.
enum Interrupts {
    static let stop = StopRequest()
    /// Counted apart from `stop`, which a failing stdout also sets: that is not a first Ctrl-C.
    static let signalsReceived = Atomic<Int>(0)
    /// The first signal's number, for the notice (`Ctrl-C again`, `SIGTERM again`).
    private static let firstSignal = Atomic<Int32>(0)
    /// Written to by the signal handler, which can format nothing: the notice is written by a
    /// thread of its own that waits on the other end.
    private static let wakeUp = Atomic<Int32>(-1)
    /// What the running batch says on the first signal, given the signal's name.
    private static let announcer = Mutex<(@Sendable (_ again: String) -> Void)?>(nil)
    /// A C string (`strdup`) the handler writes when the second signal quits; 0 for none.
    private static let quitLine = Atomic<UInt>(0)

    static func install() {
        // All initialised here, not first in a signal handler.
        _ = stop
        _ = signalsReceived.load(ordering: .relaxed)
        _ = firstSignal.load(ordering: .relaxed)
        _ = quitLine.load(ordering: .relaxed)
        startAnnouncing()
        // Writes to a closed pipe fail with EPIPE instead of killing the run mid-batch.
        signal(SIGPIPE, SIG_IGN)
        let handler: @convention(c) (Int32) -> Void = { number in
            if Interrupts.signalsReceived.add(1, ordering: .relaxed).oldValue > 0 {
                if let line = UnsafePointer<CChar>(bitPattern: Interrupts.quitLine.load(ordering: .relaxed)) {
                    _ = write(STDERR_FILENO, line, strlen(line))
                }
                _exit(130)
            }
            Interrupts.firstSignal.store(number, ordering: .relaxed)
            Interrupts.stop.request(.interrupted)
            var byte: UInt8 = 1
            _ = write(Interrupts.wakeUp.load(ordering: .relaxed), &byte, 1)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A parent may have started us with them blocked (posix_spawn from a worker thread).
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    }

    /// The thread that writes the first signal's notice, as soon as the handler wakes it.
    private static func startAnnouncing() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }  // then the stop goes unannounced
        let readEnd = ends[0]
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // The handler's end must never block; reads on the other end do.
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        wakeUp.store(ends[1], ordering: .relaxed)
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { context in
                let readEnd = Int32(Int(bitPattern: context))
                var byte: UInt8 = 0
                while read(readEnd, &byte, 1) < 0, errno == EINTR {}
                let again = Interrupts.firstSignal.load(ordering: .relaxed) == SIGTERM ? "SIGTERM" : "Ctrl-C"
                Interrupts.announcer.withLock { $0 }?(again)
                return nil
            }, UnsafeMutableRawPointer(bitPattern: Int(readEnd)))
        if started == 0 { pthread_detach(thread) }
    }

    /// Runs a batch's `body`, answering the first Ctrl-C at once with `notice`: written on the
    /// transfer thread, where results and the progress line are written too, with the number
    /// of requests in flight there.
    static func announcing<Value>(
        _ notice: StopNotice, on loop: TransferLoop, progress: ProgressLine, console: Console, _ body: () -> Value
    ) -> Value {
        let batch = BatchUnderWay()
        // Never freed: the handler may be reading it. One short string per batch.
        quitLine.store(UInt(bitPattern: strdup(notice.quitLine)), ordering: .relaxed)
        announcer.withLock {
            $0 = { [loop, progress] again in
                loop.execute {
                    guard batch.isUnderWay.load(ordering: .relaxed) else { return }
                    progress.erase()
                    console.err(notice.line(inFlight: loop.transfersRunning, again: again))
                }
            }
        }
        let value = body()
        announcer.withLock { $0 = nil }
        batch.isUnderWay.store(false, ordering: .relaxed)
        quitLine.store(0, ordering: .relaxed)
        return value
    }

    /// Until the batch is over: a notice queued on the transfer thread just then is dropped.
    private final class BatchUnderWay: Sendable {
        let isUnderWay = Atomic<Bool>(true)
    }

    /// Standard output failed: results can no longer be shown, so nothing new starts. A reader
    /// that went away (EPIPE: `offboard … | head -1`) needs no message; a full disk or a closed
    /// descriptor (`>&-`) does, once.
    @Sendable static func outputFailed(_ error: Int32) {
        guard stop.request(.outputFailed), error != EPIPE else { return }
        writeAll(
            "error: cannot write to standard output: \(String(cString: strerror(error))) — the run stops; nothing new is sent\n",
            to: STDERR_FILENO)
    }
}
