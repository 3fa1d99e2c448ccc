import RosterAudit
import RosterConfig

await RosterConfiguration.main("roster-audit") { try await AuditWorker.main() }
