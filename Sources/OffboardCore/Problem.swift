import HTTPCore

/// RFC 9457 problem details, every member kept as received (unknown ones too, in order).
public struct Problem: Sendable, Equatable {
    public let members: [(String, JSONValue)]

    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        JSONValue.object(lhs.members) == JSONValue.object(rhs.members)
    }

    public init(members: [(String, JSONValue)]) {
        self.members = members
    }

    public var json: JSONValue { .object(members) }
    public var type: String? { json["type"]?.stringValue }
    public var title: String? { json["title"]?.stringValue }
    public var status: Int? { json["status"]?.intValue }
    public var detail: String? { json["detail"]?.stringValue }
    public var instance: String? { json["instance"]?.stringValue }

    /// The problem in a response: `application/problem+json`, or any JSON object that carries
    /// at least one of the standard members. Nil for other bodies (HTML, text, empty, broken JSON).
    public static func from(_ response: HTTPResponse) -> Problem? {
        guard !response.body.isEmpty, let media = response.mediaType,
            media == "application/problem+json" || media == "application/json" || media.hasSuffix("+json"),
            case .object(let members)? = JSONValue.parse(response.body)
        else { return nil }
        let standard: Set<String> = ["type", "title", "status", "detail", "instance"]
        guard media == "application/problem+json" || members.contains(where: { standard.contains($0.0) }) else { return nil }
        return Problem(members: members)
    }
}
