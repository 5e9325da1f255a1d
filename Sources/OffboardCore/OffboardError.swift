/// An error that ends the run before or instead of deleting: one line that names the
/// problem and the fix, and the exit status it calls for.
public struct OffboardError: Error, Sendable, Equatable {
    public var message: String
    public var status: ExitStatus

    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }
}
