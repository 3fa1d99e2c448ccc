public import Foundation

/// RFC 3339 timestamps with milliseconds, in UTC, as `meta.created` and `meta.lastModified` use.
public enum Timestamp {
    public static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// Any RFC 3339 time a client sends: with or without fractional seconds, `Z` or an offset.
    public static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// Reads back what ``string(from:)`` wrote; nil for other text.
    public static func date(from text: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text)
    }
}
