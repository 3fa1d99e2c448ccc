import RosterIngress
import RosterConfig

await RosterConfiguration.main("roster-ingress") { try await Ingress.main() }
