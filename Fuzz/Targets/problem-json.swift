// The problem-details reader: an error body (RFC 9457, Torii's), read and shown as offboard
// shows it; any JSON that parses is written back unchanged (--json and journals re-emit it).
// dictionary: json
import HTTPCore
import OffboardCore

@testable import Output

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let body = Array(input)
    for contentType in ["application/problem+json", "application/json; charset=utf-8"] {
        let response = HTTPResponse(status: 404, headers: [HTTPHeader("Content-Type", contentType)], body: body)
        let problem = Problem.from(response)
        _ = Verdict.standard(for: response, problem: problem)
        if let problem {
            _ = (problem.type, problem.title, problem.status, problem.detail, problem.instance)
            for line in HumanRenderer.fields(of: problem) { _ = terminalSafe(line) }
        }
    }
    if let value = JSONValue.parse(body) {
        let text = value.serialized
        precondition(JSONValue.parse(Array(text.utf8)) == value, "JSON changed when written back: \(text.debugDescription)")
    }
}
