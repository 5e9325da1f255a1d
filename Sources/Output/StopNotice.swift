/// What the first Ctrl-C says at once, on stderr: the run stops, the requests in flight finish
/// and are reported, and a second Ctrl-C quits at once — leaving, for deletions, results
/// unknown. Without it, a batch with slow answers would say nothing for seconds.
public struct StopNotice: Sendable {
    /// What each request in flight is: `deletion`, `look-up`.
    let request: String
    /// Whether quitting at once leaves requests whose result is unknown.
    let deletes: Bool
    /// The journal of the run, which keeps the deletions in flight as pending.
    let journal: String?

    /// The deletions of a `delete`.
    public static func deletions(journal: String?) -> StopNotice {
        StopNotice(request: "deletion", deletes: true, journal: journal)
    }

    /// Look-ups and searches (`show`, `--check`, `--by email`): nothing is deleted.
    public static let lookUps = StopNotice(request: "look-up", deletes: false, journal: nil)

    /// `stopping: nothing new starts; the 2 deletions in flight finish and are reported. Ctrl-C
    /// again quits at once, leaving their results unknown.`
    /// - Parameter again: what quits at once, `Ctrl-C` or `SIGTERM`.
    public func line(inFlight: Int, again: String) -> String {
        guard inFlight > 0 else { return "stopping: nothing new starts, and nothing is in flight." }
        let one = inFlight == 1
        var line = "stopping: nothing new starts; the \(grouped(inFlight)) \(request)\(one ? "" : "s") in flight \(one ? "finishes" : "finish")"
        guard deletes else { return line + " (nothing is deleted). \(again) again quits at once." }
        line += " and \(one ? "is" : "are") reported. \(again) again quits at once, leaving \(one ? "its result" : "their results") unknown"
        if let journal { line += " (the journal \(journal) keeps \(one ? "it" : "them") as pending, for the next run with it)" }
        return line + "."
    }

    /// What the signal handler writes when the second Ctrl-C quits.
    public var quitLine: String {
        guard deletes else { return "quit at once\n" }
        let kept = journal.map { "; the journal \($0) keeps them as pending, for the next run with it" } ?? ""
        return "quit at once: the deletions that were in flight have unknown results\(kept)\n"
    }
}
