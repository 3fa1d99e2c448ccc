public import Configuration
import Foundation
public import Logging

/// How every Roster process reads its settings: dotted keys (`http.port`) from the command line
/// (`--http-port 8080`), then the environment (`HTTP_PORT=8080`), then built-in defaults.
public enum RosterConfiguration {
    public static func reader(arguments: [String] = CommandLine.arguments) -> ConfigReader {
        ConfigReader(providers: [
            CommandLineArgumentsProvider(arguments: arguments),
            EnvironmentVariablesProvider(),
        ])
    }

    /// A logger for `label` at the level of `log.level` (default `info`), printing to stderr.
    public static func logger(_ label: String, reader: ConfigReader) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: reader.string(forKey: "log.level", default: "info").lowercased()) ?? .info
        return logger
    }
}

extension RosterConfiguration {
    /// A comma-separated setting (`zmq.users=tcp://a,tcp://b`) as its trimmed, non-empty items.
    public static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

extension ConfigReader {
    /// A list setting: `--zmq-users a,b` (the command-line provider splits on commas itself, so a
    /// `string` read of it finds no single value and falls back to the default), `ZMQ_USERS=a,b`,
    /// or an array; items trimmed, empty ones dropped.
    public func list(forKey key: ConfigKey, default defaultValue: [String]) -> [String] {
        stringArray(forKey: key, default: defaultValue).flatMap(RosterConfiguration.list)
    }
}
