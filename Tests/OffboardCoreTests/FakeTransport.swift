import HTTPCore

/// An in-memory transport with a virtual clock, for the batch engine's rules: each request is
/// answered by `respond` after the latency it names, in virtual time; timers and answers run in
/// the order they are due, on the test's own thread; nothing sleeps.
final class FakeTransport: Transport, @unchecked Sendable {
    /// What the server does with one request: the outcome, after this much virtual time.
    struct Answer {
        var result: Result<HTTPResponse, TransportError>
        var latency: Duration

        static func status(
            _ status: Int, headers: [HTTPHeader] = [], requestsSent: Int = 1,
            after latency: Duration = .zero
        ) -> Answer {
            Answer(result: .success(HTTPResponse(status: status, headers: headers, requestsSent: requestsSent)), latency: latency)
        }

        static func json(_ status: Int, _ body: String, after latency: Duration = .zero) -> Answer {
            let response = HTTPResponse(status: status, headers: [HTTPHeader("Content-Type", "application/json")], body: Array(body.utf8))
            return Answer(result: .success(response), latency: latency)
        }
    }

    /// A request as it went out, with the virtual time it went out at.
    struct Sent {
        var request: HTTPRequest
        var at: Duration
        var id: String { String(request.url.split(separator: "/").last ?? "") }
    }

    private struct Event {
        var due: Duration
        var order: Int
        var job: () -> Void
    }

    private let origin = ContinuousClock.now
    private(set) var elapsed: Duration = .zero
    private(set) var sent: [Sent] = []
    private var events: [Event] = []
    private var eventsMade = 0
    /// Called for every request, with how many requests for the same URL went out before it.
    private let respond: (HTTPRequest, Int) -> Answer

    init(respond: @escaping (HTTPRequest, _ earlierAttempts: Int) -> Answer) {
        self.respond = respond
    }

    var now: ContinuousClock.Instant { origin + elapsed }

    func submit(_ request: HTTPRequest, options: TransferOptions, completion: @escaping Completion) {
        let earlier = sent.filter { $0.request.url == request.url }.count
        sent.append(Sent(request: request, at: elapsed))
        let answer = respond(request, earlier)
        schedule(at: elapsed + answer.latency) { completion(answer.result) }
    }

    func execute(at due: ContinuousClock.Instant?, _ job: @escaping @Sendable () -> Void) {
        schedule(at: due.map { $0 - origin } ?? elapsed, job)
    }

    /// Runs every event in due order, moving the clock forward, until none is left.
    func runUntilIdle() {
        while let next = events.indices.min(by: { (events[$0].due, events[$0].order) < (events[$1].due, events[$1].order) }) {
            let event = events.remove(at: next)
            elapsed = max(elapsed, event.due)
            event.job()
        }
    }

    private func schedule(at due: Duration, _ job: @escaping () -> Void) {
        eventsMade += 1
        events.append(Event(due: due, order: eventsMade, job: job))
    }

    /// The virtual times at which requests for `id` went out.
    func sendTimes(of id: String) -> [Duration] {
        sent.filter { $0.id == id }.map(\.at)
    }
}

/// Always draws the same number: `.highest` makes every backoff its ceiling, `.lowest` zero.
struct FixedRandom: RandomNumberGenerator {
    static let highest = FixedRandom(value: .max)
    // 1, not 0: `random(in:)` rejects a draw of 0 and would draw forever.
    static let lowest = FixedRandom(value: 1)

    let value: UInt64
    mutating func next() -> UInt64 { value }
}
