import RosterCLI

await RosterCommand.run()
