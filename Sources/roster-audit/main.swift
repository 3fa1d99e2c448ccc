import RosterAudit

try await AuditWorker.main()
