import Foundation
import RosterProtocol
import RosterSync
import RosterTestSupport
import SCIMCore
import Testing

/// Declared extension schemas and compatibility observations, kept by the sync worker.
struct SyncStoreSchemaTests {
    static let urn = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"

    func declaration(_ attributes: String) -> Data {
        Data(#"{"id":"\#(Self.urn)","name":"Acme","attributes":[\#(attributes)]}"#.utf8)
    }

    @Test func aSchemaIsDeclaredPerDirectoryAndTypeReplacedByItsURNAndRemoved() throws {
        try withSyncStore { store, _ throws in
            let directory = try store.run(CreateDirectory(name: "Employees")).id
            let first = try store.run(PutSchema(schema: ExtensionSchema(directoryID: directory, resourceType: "user", urn: "", declarationJSON: declaration(#"{"name":"a"}"#))))
            #expect(first.resourceType == "User" && first.urn == Self.urn && first.created == first.updated)
            let replaced = try store.run(PutSchema(schema: ExtensionSchema(directoryID: directory, resourceType: "User", urn: "", declarationJSON: declaration(#"{"name":"a"},{"name":"b"}"#))))
            #expect(replaced.created == first.created)
            let list = try store.run(ListSchemas())
            #expect(list.schemas.count == 1)
            #expect(list.byDirectory[directory]?.byType["User"]?.first?.attributes.map(\.name) == ["a", "b"])
            #expect(list.byDirectory[directory]?.type(.user).extension(Self.urn) != nil)
            _ = try store.run(DeleteSchema(directoryID: directory, resourceType: "User", urn: Self.urn.uppercased()))
            #expect(try store.run(ListSchemas()).schemas.isEmpty, "URNs match ignoring case")
            expectSCIMError(status: 404, scimType: nil) { try store.run(DeleteSchema(directoryID: directory, resourceType: "User", urn: Self.urn)) }
        }
    }

    @Test func whatTheStoreAcceptsItChecksItself() throws {
        try withSyncStore { store, _ throws in
            let directory = try store.run(CreateDirectory(name: "Employees")).id
            expectSCIMError(status: 400, scimType: .invalidValue) {
                try store.run(PutSchema(schema: ExtensionSchema(directoryID: directory, resourceType: "Device", urn: "", declarationJSON: declaration(#"{"name":"a"}"#))))
            }
            expectSCIMError(status: 400, scimType: .invalidValue) {
                try store.run(PutSchema(schema: ExtensionSchema(directoryID: directory, resourceType: "User", urn: "", declarationJSON: declaration(#"{"name":"a","uniqueness":"global"}"#))))
            }
            expectSCIMError(status: 404, scimType: nil) {
                try store.run(PutSchema(schema: ExtensionSchema(directoryID: "nope", resourceType: "User", urn: "", declarationJSON: declaration(#"{"name":"a"}"#))))
            }
            for n in 0..<20 {
                _ = try store.run(PutSchema(schema: ExtensionSchema(directoryID: directory, resourceType: "Group", urn: "",
                                                                    declarationJSON: Data(#"{"id":"urn:acme:g\#(n)","attributes":[{"name":"a"}]}"#.utf8))))
            }
            expectSCIMError(status: 400, scimType: .invalidValue) {
                try store.run(PutSchema(schema: ExtensionSchema(directoryID: directory, resourceType: "Group", urn: "", declarationJSON: Data(#"{"id":"urn:acme:g20","attributes":[{"name":"a"}]}"#.utf8))))
            }
        }
    }

    @Test func observationsAddUpKeepTheLatestClientAndUniteAttributeNames() throws {
        try withSyncStore { store, _ throws in
            func observation(_ kind: Observation.Kind, _ name: String, _ detail: String, _ count: Int, _ first: String, _ last: String) -> Observation {
                Observation(configurationID: "c1", kind: kind, name: name, detail: detail, count: count, firstSeen: first, lastSeen: last)
            }
            _ = try store.run(RecordObservations(observations: [
                observation(.client, "Okta", "Okta SCIM Client 1.0.0", 3, "2026-12-01T10:00:00.000Z", "2026-12-01T10:05:00.000Z"),
                observation(.undeclaredExtension, Self.urn, "a,b", 2, "2026-12-01T10:00:00.000Z", "2026-12-01T10:01:00.000Z"),
            ]))
            _ = try store.run(RecordObservations(observations: [
                observation(.client, "Okta", "Okta SCIM Client 1.1.0", 2, "2026-12-01T09:00:00.000Z", "2026-12-01T11:00:00.000Z"),
                observation(.undeclaredExtension, Self.urn, "c,a", 1, "2026-12-01T10:30:00.000Z", "2026-12-01T10:30:00.000Z"),
                Observation(configurationID: "c2", kind: .tolerance, name: "stringBoolean", count: 1, firstSeen: "2026-12-01T10:00:00.000Z", lastSeen: "2026-12-01T10:00:00.000Z"),
            ]))
            let c1 = try store.run(ListObservations(configurationID: "c1")).observations
            let client = try #require(c1.first { $0.kind == .client })
            #expect(client.count == 5 && client.detail == "Okta SCIM Client 1.1.0")
            #expect(client.firstSeen == "2026-12-01T09:00:00.000Z" && client.lastSeen == "2026-12-01T11:00:00.000Z")
            #expect(c1.first { $0.kind == .undeclaredExtension }?.detail == "a,b,c")
            #expect(try store.run(ListObservations()).observations.count == 3)
        }
    }

    @Test func theUndeclaredExtensionPolicyIsSavedWithTheConfiguration() throws {
        try withSyncStore { store, _ throws in
            var c = bearer("Strict", token: "strict-token-secret-value")
            c.undeclaredExtensions = .reject
            let saved = try store.run(SaveConfiguration(configuration: c, newDirectoryName: "Employees", ifMatch: nil))
            #expect(try store.run(ListConfigurations()).configurations.first?.undeclaredExtensions == .reject)
            var lenient = saved
            lenient.undeclaredExtensions = .store
            _ = try store.run(SaveConfiguration(configuration: lenient, newDirectoryName: nil, ifMatch: saved.version))
            #expect(try store.run(ListConfigurations()).configurations.first?.undeclaredExtensions == .store)
        }
    }
}
