import RosterUsers

try await UsersWorker.main()
