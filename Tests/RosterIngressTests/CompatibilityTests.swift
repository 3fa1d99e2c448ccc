@testable import RosterIngress
import RosterProtocol
import SCIMCore
import Testing

/// IdP detection and the per-configuration counts behind the compatibility report.
struct CompatibilityTests {
    @Test(arguments: [
        ("Microsoft.Identity.ProvisioningService", "Microsoft Entra ID"),
        ("Okta SCIM Client 1.0.0", "Okta"),
        ("OKTA SCIM Integration", "Okta SCIM spec test (Runscope)"),
        ("OneLogin SCIM", "OneLogin"),
        ("PingFederate/11.3", "PingFederate"),
        ("Google-Workspace-Provisioning", "Google Workspace"),
        ("curl/8.5.0", "curl"),
        ("Mozilla/5.0 (X11)", "unknown (Mozilla/5.0)"),
    ])
    func theUserAgentNamesTheIdP(_ agent: String, _ name: String) {
        #expect(IdPDetector.client(userAgent: agent, schemaURNs: []) == name)
    }

    @Test func aShapeOnlyOneIdPSendsNamesItWhenTheUserAgentDoesNot() {
        #expect(IdPDetector.client(userAgent: nil, schemaURNs: ["http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"]) == "Microsoft Entra ID")
        #expect(IdPDetector.client(userAgent: "Java/17", schemaURNs: ["urn:okta:custom:group:1.0"]) == "Okta")
        #expect(IdPDetector.client(userAgent: "", schemaURNs: []) == "unknown (no User-Agent)")
    }

    @Test func theLogCountsRequestsPerConfigurationAndDrainsDeltas() throws {
        let log = CompatibilityLog()
        var observed = Tolerance.Observer.Observed()
        observed.rules = [.stringBoolean, .capitalisedOp]
        observed.undeclared = ["urn:acme:1.0": ["b", "a"]]
        log.record(configurationID: "c1", userAgent: "Okta SCIM Client 1.0.0", observed: observed, at: "2026-12-01T10:00:00.000Z")
        observed.undeclared = ["urn:acme:1.0": ["c"]]
        log.record(configurationID: "c1", userAgent: "Okta SCIM Client 1.0.0", observed: observed, at: "2026-12-01T10:00:01.000Z")
        log.record(configurationID: "c2", userAgent: nil, observed: .init(), at: "2026-12-01T10:00:02.000Z")
        let drained = log.drain()
        #expect(drained.count == 5)
        let client = try #require(drained.first { $0.configurationID == "c1" && $0.kind == .client })
        #expect(client.name == "Okta" && client.count == 2 && client.firstSeen == "2026-12-01T10:00:00.000Z" && client.lastSeen == "2026-12-01T10:00:01.000Z")
        #expect(drained.first { $0.kind == .undeclaredExtension }?.detail == "a,b,c")
        #expect(log.drain().isEmpty, "a drain starts again from zero")
        log.restore(drained)
        log.record(configurationID: "c2", userAgent: nil, observed: .init(), at: "2026-12-01T10:00:03.000Z")
        #expect(log.drain().first { $0.configurationID == "c2" }?.count == 2, "an undelivered report goes with the next one")
    }

    @Test func aClientInventingNamesCannotGrowTheLog() {
        let log = CompatibilityLog()
        for n in 0..<500 {
            log.record(configurationID: "c1", userAgent: "Agent\(n)/1.0", observed: .init(undeclared: ["urn:x:\(n)": Set((0..<100).map { "a\($0)" })]))
        }
        let drained = log.drain()
        #expect(drained.filter { $0.kind == .client }.count == CompatibilityLog.namesPerKind + 1)
        #expect(drained.first { $0.kind == .client && $0.name == CompatibilityLog.otherName }?.count == 500 - CompatibilityLog.namesPerKind)
        #expect(drained.filter { $0.kind == .undeclaredExtension }.allSatisfy { $0.detail.split(separator: ",").count <= CompatibilityLog.attributesPerExtension })
    }

    @Test(arguments: [
        ("/scim/v2/Users", false), ("/scim/v2/users", true), ("/scim/v2/Users/", true), ("/scim/v2/Users/abc", false),
        ("/scim/v2/serviceproviderconfig", true), ("/scim/v1/Groups", false), ("/scim/v2/Nothing", false),
    ])
    func anEndpointPathInAnotherSpellingIsCounted(_ path: String, _ respelled: Bool) {
        #expect(CompatibilityMiddleware.isRespelled(path, endpoints: ["Users", "Groups", "ServiceProviderConfig"]) == respelled)
    }
}

struct AdminOpenAPITests {
    @Test func theDocumentIsJSONAndDescribesTheSchemaAndCompatibilityRoutes() throws {
        let document = try JSONValue.parse(Array(AdminOpenAPI.document.utf8))
        let paths = try #require(document.objectValue?["paths"]?.objectValue)
        for path in ["/directories/{directory}/schemas", "/directories/{directory}/schemas/{urn}", "/configurations/{id}/compatibility",
                     "/directories/{directory}/remove", "/jobs", "/jobs/{id}", "/jobs/{id}/cancel", "/reshard", "/shard-map", "/status", "/log-level", "/backups", "/directories/{directory}/logins", "/directories/{directory}/import", "/directories/{directory}/dormant", "/directories/{directory}/clear-scim", "/directories/{directory}/map", "/directories/{directory}", "/directories/{directory}/changes", "/directories/{directory}/webhooks", "/webhooks", "/webhooks/{id}", "/webhooks/{id}/pause", "/webhooks/{id}/resume", "/webhooks/{id}/redeliver", "/webhooks/{id}/deliveries",
                     "/directories/{directory}/apps", "/apps", "/apps/{id}", "/apps/{id}/pause", "/apps/{id}/resume", "/apps/{id}/skip", "/apps/{id}/credentials",
                     "/apps/{id}/map", "/apps/{id}/reconcile", "/apps/{id}/logins", "/jobs/{id}/drift"] {
            #expect(paths[path] != nil, "\(path) is not described")
        }
    }
}
