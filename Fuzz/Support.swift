// Compiled into every fuzz target (scripts/fuzz): libFuzzer's entry point, which hands each
// input to the target's `fuzz(_:)`, and what several targets need around it.
import OffboardCore

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(UnsafeBufferPointer(start: data, count: size))
    return 0
}

/// The input's lines, each with its `\n` (the last one may have none), as libcurl hands a
/// header block over and as a file is read.
func lines(of input: UnsafeBufferPointer<UInt8>) -> [UnsafeBufferPointer<UInt8>] {
    var lines: [UnsafeBufferPointer<UInt8>] = []
    var start = 0
    for (index, byte) in input.enumerated() where byte == 0x0A {
        lines.append(UnsafeBufferPointer(rebasing: input[start...index]))
        start = index + 1
    }
    if start < input.count { lines.append(UnsafeBufferPointer(rebasing: input[start...])) }
    return lines
}

/// A directory of this process's own for the readers that take a path, removed at exit.
let scratchDirectory: String = {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array("\(base)/offboard-fuzz-XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { fatalError("fuzz: cannot create a directory in \(base)") }
    atexit { removeScratchDirectory() }
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
}()

private func removeScratchDirectory() {
    guard let folder = opendir(scratchDirectory) else { return }
    while let entry = readdir(folder) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != ".", name != ".." { unlink("\(scratchDirectory)/\(name)") }
    }
    closedir(folder)
    rmdir(scratchDirectory)
}

/// Writes `bytes` to `path` (created with mode 0600, or emptied first).
func write(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { fatalError("fuzz: cannot write \(path): \(String(cString: strerror(errno)))") }
    var offset = 0
    while offset < bytes.count {
        let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        guard written > 0 else { fatalError("fuzz: cannot write \(path): \(String(cString: strerror(errno)))") }
        offset += written
    }
    close(fd)
}

/// An error an operator reads is one line that a file or a server cannot turn into terminal
/// commands: nothing hidden on a terminal (ESC, line breaks, …) unescaped.
func checkShownSafely(_ error: OffboardError) {
    precondition(!error.message.isEmpty, "an empty error message")
    // ASCII by value (the same answer, and most of a message), the rest by Unicode properties.
    let hidden = error.message.unicodeScalars.first { $0.isASCII ? $0.value < 0x20 || $0.value == 0x7F : $0.isHiddenOnTerminal }
    if let hidden {
        preconditionFailure("error message with U+\(String(hidden.value, radix: 16)) unescaped: \(terminalSafe(error.message))")
    }
}
