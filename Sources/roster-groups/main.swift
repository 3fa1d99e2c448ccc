import RosterGroups
import RosterConfig

await RosterConfiguration.main("roster-groups") { try await GroupsWorker.main() }
