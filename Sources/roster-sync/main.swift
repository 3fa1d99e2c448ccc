import RosterSync

try await SyncWorker.main()
