/// "Did you mean …?" for a mistyped command or option: the names an operator most likely meant.
public enum Suggestion {
    /// The names of `candidates` closest to `typed` (compared without leading dashes): those it
    /// abbreviates (`--dry` for `--dry-run`; none when it abbreviates more than three), else
    /// those within a typo or two, the allowance growing with the length (`lgoin` for `login`,
    /// but not `--by` for `--id`). Empty when nothing is close.
    public static func nearest(to typed: String, among candidates: [String]) -> [String] {
        let word = Array(typed.drop { $0 == "-" })
        guard !word.isEmpty else { return [] }
        let named = candidates.map { (name: $0, word: Array($0.drop { $0 == "-" })) }
        if word.count >= 2 {
            let abbreviated = named.filter { $0.word.count > word.count && $0.word.starts(with: word) }
            if !abbreviated.isEmpty { return abbreviated.count <= 3 ? abbreviated.map(\.name) : [] }
        }
        let allowance = word.count <= 4 ? 1 : word.count <= 8 ? 2 : 3
        let distances = named.map { (name: $0.name, distance: distance(word, $0.word)) }.filter { $0.distance <= allowance }
        guard let closest = distances.map(\.distance).min() else { return [] }
        return distances.filter { $0.distance == closest }.prefix(3).map(\.name)
    }

    /// `'--a'`, `'--a' or '--b'`, `'--a', '--b' or '--c'`.
    public static func alternatives(_ names: [String]) -> String {
        let quoted = names.map { "'\($0)'" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1]
    }

    /// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`: a swap is one typo.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
