import RosterIngress
try await Ingress.main()
