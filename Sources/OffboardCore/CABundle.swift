#if canImport(Glibc)
import Glibc
#endif

/// libcurl reads the CA file only when a TLS connection starts: a wrong one would fail every
/// ID of a batch, after the confirmation. Checked here instead, as far as a PEM bundle can be.
public func checkCABundle(at path: String) throws(OffboardError) {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)  // a FIFO must not block the run
    guard fd >= 0 else {
        throw OffboardError(.configuration, "cannot read --cacert \(path): \(String(cString: strerror(errno))) — give a readable PEM file")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
        throw OffboardError(.configuration, "--cacert \(path) is not a file — give a PEM file of CA certificates")
    }
    guard let bytes = readAll(fd, limit: 64 << 20) else {
        throw OffboardError(
            .configuration, "cannot read --cacert \(path): unreadable, or larger than 64 MiB — give a PEM file of CA certificates")
    }
    let text = String(decoding: bytes, as: UTF8.self)
    let armour = ["-----BEGIN CERTIFICATE-----", "-----BEGIN TRUSTED CERTIFICATE-----", "-----BEGIN X509 CERTIFICATE-----"]
    guard armour.contains(where: text.contains) else {
        throw OffboardError(
            .configuration, "--cacert \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----) — give a PEM file of CA certificates")
    }
}
