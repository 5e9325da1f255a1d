/// A count as an operator reads it at a glance, digits in groups of three: `1,474`, `100,000`.
/// The summary, the confirmation and the progress line all write counts this way.
public func grouped(_ number: Int) -> String {
    let digits = String(number.magnitude)
    var text = ""
    for (offset, digit) in digits.enumerated() {
        if offset > 0, (digits.count - offset) % 3 == 0 { text.append(",") }
        text.append(digit)
    }
    return number < 0 ? "-" + text : text
}
