import RosterSync
import RosterConfig

await RosterConfiguration.main("roster-sync") { try await SyncWorker.main() }
