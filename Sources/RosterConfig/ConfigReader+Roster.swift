public import Configuration
import Synchronization
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
    /// The process's logger: ``RosterLogHandler`` in `log.format` (logfmt or json), at `log.level`,
    /// which `roster log-level` changes while the process runs (``LogLevelSwitch``).
    public static func logger(_ label: String, reader: ConfigReader) -> Logger {
        let format = RosterLogHandler.Format(rawValue: reader.string(forKey: "log.format", default: "logfmt").lowercased()) ?? .logfmt
        LogLevelSwitch.shared.start(at: Logger.Level(rawValue: reader.string(forKey: "log.level", default: "info").lowercased()) ?? .info)
        bootstrap(format)
        return Logger(label: label)
    }

    /// Every logger of the process (swift-log's, and the libraries') uses one handler, once.
    private static func bootstrap(_ format: RosterLogHandler.Format) {
        bootstrapped.withLock { done in
            guard !done else { return }
            LoggingSystem.bootstrap { RosterLogHandler(label: $0, format: format) }
            done = true
        }
    }

    private static let bootstrapped = Mutex(false)
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
