import RosterGroups

try await GroupsWorker.main()
