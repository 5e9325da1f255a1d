import Output
import Testing

/// The words an operator reads at a glance: grouped counts, "did you mean", the Ctrl-C notice.
@Suite struct OperatorWordsTests {
    @Test func countsAreGroupedByThousands() {
        #expect(
            [0, 7, 999, 1000, 1474, 100_000, 1_234_567, -2500].map(grouped) == ["0", "7", "999", "1,000", "1,474", "100,000", "1,234,567", "-2,500"])
    }

    @Test func theNearestNameIsAnAbbreviationFirstThenATypoOrTwo() {
        let options = ["--dry-run", "--by", "--json", "--journal", "--no-check", "--no-color", "--verify"]
        #expect(Suggestion.nearest(to: "--dry", among: options) == ["--dry-run"])
        #expect(Suggestion.nearest(to: "--jsno", among: options) == ["--json"], "a swap is one typo")
        #expect(Suggestion.nearest(to: "--no", among: options) == ["--no-check", "--no-color"])
        #expect(Suggestion.nearest(to: "--id", among: options) == [], "two edits are too many for a short word")
        #expect(Suggestion.nearest(to: "--verfiy", among: options) == ["--verify"])
        #expect(Suggestion.nearest(to: "--", among: options) == [])
        #expect(Suggestion.alternatives(["--a", "--b", "--c"]) == "'--a', '--b' or '--c'")
    }

    @Test func theCtrlCNoticeSaysWhatIsInFlightAndWhatQuittingLeaves() {
        let deletions = StopNotice.deletions(journal: "leavers.journal")
        #expect(
            deletions.line(inFlight: 1, again: "Ctrl-C")
                == "stopping: nothing new starts; the 1 deletion in flight finishes and is reported. Ctrl-C again quits at once, leaving its result unknown (the journal leavers.journal keeps it as pending, for the next run with it)."
        )
        #expect(StopNotice.deletions(journal: nil).line(inFlight: 0, again: "Ctrl-C") == "stopping: nothing new starts, and nothing is in flight.")
        #expect(
            StopNotice.lookUps.line(inFlight: 1200, again: "SIGTERM")
                == "stopping: nothing new starts; the 1,200 look-ups in flight finish (nothing is deleted). SIGTERM again quits at once.")
    }
}
