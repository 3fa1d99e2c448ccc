public import ArgumentParser

/// `roster`: the operator's command line.
public struct RosterCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Roster, a SCIM provisioning service: run it and talk to it.",
        subcommands: [UpCommand.self, HealthCommand.self, ConfigCommand.self, DirectoryCommand.self, SchemaCommand.self, BackupCommand.self, RestoreCommand.self, LogLevelCommand.self, StatusCommand.self, LogsCommand.self, AuditCommand.self, TokenCommand.self, KeysCommand.self, PingCommand.self, ReshardCommand.self, SyncCommand.self, LastLoginCommand.self, SettingsCommand.self, ChangesCommand.self, WebhookCommand.self, AppCommand.self])

    public init() {}

    /// Parses the command line and runs the chosen subcommand.
    public static func run() async {
        await main()
    }
}
