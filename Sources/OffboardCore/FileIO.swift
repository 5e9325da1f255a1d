#if canImport(Glibc)
import Glibc
#endif

/// Writes all of `text` with write(2), going on after interruptions and short writes.
/// False when the file or pipe refuses (errno says why; EPIPE for a closed pipe).
@discardableResult
public func writeAll(_ text: String, to fd: Int32) -> Bool {
    var text = text
    return text.withUTF8 { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}

/// Reads `fd` to its end; nil when it holds more than `limit` bytes or reading fails.
public func readAll(_ fd: Int32, limit: Int) -> [UInt8]? {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(fd, &chunk, chunk.count)
        if count < 0, errno == EINTR { continue }
        if count < 0 { return nil }
        if count == 0 { return bytes }
        bytes += chunk[0..<count]
        if bytes.count > limit { return nil }
    }
}

/// Calls `body` with each line of `stream`, its line end included, until the end of the stream.
public func forEachLine<Failure: Error>(
    of stream: UnsafeMutablePointer<FILE>,
    _ body: (UnsafeRawBufferPointer) throws(Failure) -> Void
) throws(Failure) {
    var buffer: UnsafeMutablePointer<CChar>? = nil
    var capacity = 0
    defer { free(buffer) }
    while true {
        let length = getline(&buffer, &capacity, stream)
        guard length > 0, let buffer else { return }
        try body(UnsafeRawBufferPointer(start: buffer, count: length))
    }
}
