import CCurlShim

/// libcurl is opened at run time, not linked, so that only runs that pass their checks (and may
/// send) pay for loading it and its libraries (CCurlShim.c has the details).
enum Libcurl {
    /// Loads and initialises libcurl the first time; throws why it could not be.
    static func load() throws(LibcurlUnavailable) {
        if let reason = offboard_libcurl_load() {
            throw LibcurlUnavailable(reason: String(cString: reason))
        }
    }
}

/// libcurl could not be opened: not installed, or too old.
public struct LibcurlUnavailable: Error {
    public let reason: String
}
