import RosterUsers
import RosterConfig

await RosterConfiguration.main("roster-users") { try await UsersWorker.main() }
