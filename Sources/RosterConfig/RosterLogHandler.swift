import Foundation
public import Logging

/// One line per event on standard error, `logfmt` (default) or JSON (`log.format`): time, level,
/// the logger's label as `service`, the message, then the metadata, sorted. The level is the
/// process's ``LogLevelSwitch``: it changes at runtime. Nothing here redacts: callers never put a
/// credential in a message or in metadata.
public struct RosterLogHandler: LogHandler {
    public enum Format: String, Sendable { case logfmt, json }

    let label: String
    let format: Format
    let levels: LogLevelSwitch
    public var metadata: Logger.Metadata = [:]

    public init(label: String, format: Format, levels: LogLevelSwitch = .shared) {
        self.label = label
        self.format = format
        self.levels = levels
    }

    /// The process's level: set at startup (`log.level`) and by `roster log-level`, never through
    /// one logger (a library setting its own logger's level must not change the whole process's).
    public var logLevel: Logger.Level {
        get { levels.level }
        set {}
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        let line = Self.line(time: Date(), level: event.level, service: label, message: "\(event.message)", metadata: fields, format: format)
        // Never `write(_:)`, which traps on a full disk or a closed pipe: a log line is not worth the process.
        try? FileHandle.standardError.write(contentsOf: Data((line + "\n").utf8))
    }

    /// The text of one event (tested without a process around it).
    static func line(time: Date, level: Logger.Level, service: String, message: String, metadata: Logger.Metadata, format: Format) -> String {
        let stamp = time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let pairs = [("time", stamp), ("level", level.rawValue), ("service", service), ("msg", message)]
            + metadata.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
        switch format {
        case .logfmt:
            return pairs.map { "\($0.0)=\(logfmtValue($0.1))" }.joined(separator: " ")
        case .json:
            return "{" + pairs.map { "\(jsonString($0.0)):\(jsonString($0.1))" }.joined(separator: ",") + "}"
        }
    }

    static func logfmtValue(_ value: String) -> String {
        guard value.isEmpty || value.unicodeScalars.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F })
        else { return value }
        return jsonString(value)
    }

    static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

extension ContinuousClock.Instant {
    /// The milliseconds since this instant, two decimals: the `ms` of log lines.
    public var millisecondsSince: String {
        String(format: "%.2f", Double((ContinuousClock.now - self) / .microseconds(1)) / 1000)
    }
}
