import Dispatch

/// Blocks the calling thread until work started on the transfer thread hands back its value.
///
/// The command line runs on the main thread and simply waits there while the transfer thread
/// works: no Swift concurrency runtime, whose worker threads a one-request run would start and
/// tear down for nothing.
public enum Handoff {
    /// Calls `start` with a function that delivers the value (from any thread, once), then waits
    /// for it. Never call this on the transfer thread: it would wait for itself.
    public static func wait<Value>(_ start: (@escaping @Sendable (Value) -> Void) -> Void) -> Value {
        let box = Box<Value>()
        start { value in
            box.value = value
            box.delivered.signal()
        }
        box.delivered.wait()
        return box.value!
    }

    /// Written once by the delivering thread before `signal`, read after `wait`.
    private final class Box<Value>: @unchecked Sendable {
        var value: Value?
        let delivered = DispatchSemaphore(value: 0)
    }
}
