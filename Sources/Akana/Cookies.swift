/// One `Set-Cookie` header's cookie: its name and value, byte for byte (quotes and
/// percent-encoding kept: the platform wants its values back exactly as it sent them).
public struct SetCookie: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `name=value; Path=/; HttpOnly` → (name, value); nil without a `name=` pair.
    public init?(header: String) {
        let pair = header.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard let equals = pair.firstIndex(of: "=") else { return nil }
        let name = pair[..<equals].trimmingSpaces()
        guard !name.isEmpty else { return nil }
        self.name = name
        self.value = pair[pair.index(after: equals)...].trimmingSpaces()
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
