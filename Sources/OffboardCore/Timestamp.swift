import FoundationEssentials

/// RFC 3339 UTC time with milliseconds, `2026-11-26T11:15:12.345Z`: for the journal and session
/// files. The format style cuts the milliseconds rather than rounding them, as `gmtime` did.
public func rfc3339Now() -> String {
    Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(.now)
}
