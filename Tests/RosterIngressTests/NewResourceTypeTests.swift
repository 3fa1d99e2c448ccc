import Foundation
import GRDB
import Logging
import RosterIngress
import RosterPersistence
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Testing

/// A hypothetical resource type, added the way the resource model says: its schema, its
/// descriptor, its table and migration, and its wiring (a `ResourceStore` in a worker, an entry
/// in `IngressDependencies.resources`). Nothing else in Roster changes for it.
enum Device {
    // 1. The schema.
    static let schema = Schema(id: "urn:example:params:scim:schemas:core:2.0:Device", name: "Device", description: "A managed device",
                               attributes: CoreSchemas.commonAttributes + [
                                   SchemaAttribute("displayName", required: true, uniqueness: .server), SchemaAttribute("serialNumber", caseExact: true),
                                   SchemaAttribute("active", .boolean),
                               ])
    // 2. The descriptor.
    static let type = ResourceType(name: "Device", endpoint: "Devices", description: "Device", schema: schema, extensions: [], uniqueAttribute: "displayName")
    // 3. The table and its migration.
    static let table = ResourceTable(type: type, name: "device", uniqueColumns: ("displayName", "displayNameKey"), countTable: "deviceCount", countColumn: "devices")
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-createDevice") { db in
            try db.execute(sql: """
                CREATE TABLE device (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, directoryId TEXT NOT NULL, displayName TEXT NOT NULL,
                    displayNameKey TEXT NOT NULL, externalId TEXT, version INTEGER NOT NULL, created TEXT NOT NULL, lastModified TEXT NOT NULL,
                    json TEXT NOT NULL);
                CREATE UNIQUE INDEX device_directory_name ON device (directoryId, displayNameKey);
                CREATE TABLE deviceCount (directoryId TEXT PRIMARY KEY NOT NULL, devices INTEGER NOT NULL);
                """)
        }
        ChangeFeed.registerMigration(&migrator, name: "v2-changeOutbox")  // its effects go to the change feed
        return migrator
    }
}

struct NewResourceTypeTests {
    @Test func aResourceTypeAddedAsDataIsServedLikeUsersAndGroups() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roster-device-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try StoreDatabase.open(path: directory.appendingPathComponent("devices.sqlite").path, migrator: Device.migrator, logger: Logger(label: "test"))
        // 4. The wiring: a worker's store, and the ingress's dependency.
        let worker = StoreTransport(handler: try GroupCommitHandler(pool: pool, table: ResourceStore([Device.table]).commands, logger: Logger(label: "test")))
        let nobody = ScriptedTransport { name, _ throws(SCIMError) in throw SCIMError.internalError("\(name) was not for the users or groups worker") }
        try await withIngress(nobody, resources: [(Device.type, worker)]) { http in
            let body: JSONValue = .object(["schemas": .array([.string(Device.schema.id)]), "displayName": .string("Laptop 7"), "serialNumber": .string("SN-1")])
            let created = try await http.send("POST", "/scim/v2/Devices", json: body)
            #expect(created.status == 201, "\(created.object)")
            let id = try #require(created.object["id"]?.stringValue)
            #expect(created.header("Location")?.hasSuffix("/scim/v2/Devices/\(id)") == true)
            #expect(created.object["meta"]?.objectValue?["resourceType"] == .string("Device"))

            let duplicate = try await http.send("POST", "/scim/v2/Devices", json: .object([
                "schemas": .array([.string(Device.schema.id)]), "displayName": .string("LAPTOP 7"),
            ]))
            #expect(duplicate.status == 409 && duplicate.object["scimType"] == .string("uniqueness"))
            let unknown = try await http.send("POST", "/scim/v2/Devices", json: .object(["schemas": .array([.string(Device.schema.id)]), "displayName": .string("x"), "color": .string("red")]))
            #expect(unknown.status == 400 && unknown.object["scimType"] == .string("invalidSyntax"))

            for filter in [#"serialNumber eq "SN-1""#, #"displayName eq "laptop 7""#, #"meta.resourceType eq "Device""#] {
                let page = try await http.send("GET", "/scim/v2/Devices?filter=\(filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                #expect(page.status == 200 && page.object["totalResults"] == .int(1), "\(filter): \(page.object)")
            }
            let badFilter = try await http.send("GET", "/scim/v2/Devices?filter=userName%20eq%20%22x%22")
            #expect(badFilter.status == 400 && badFilter.object["scimType"] == .string("invalidFilter"))

            let patched = try await http.send("PATCH", "/scim/v2/Devices/\(id)", json: json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}"#))
            #expect(patched.status == 200 && patched.object["active"] == .bool(false) && patched.header("ETag") == "W/\"2\"", "\(patched.object)")
            let stale = try await http.send("PUT", "/scim/v2/Devices/\(id)", json: body, headers: ["If-Match": "W/\"1\""])
            #expect(stale.status == 412)

            // Discovery and root search know it without being told anything else.
            let types = try await http.send("GET", "/scim/v2/ResourceTypes")
            #expect(types.object["Resources"]?.arrayValue?.contains { $0.objectValue?["endpoint"] == .string("/Devices") } == true)
            #expect(try await http.send("GET", "/scim/v2/Schemas/\(Device.schema.id)").status == 200)
            let search = try await http.send("POST", "/scim/v2/.search", json: json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"serialNumber pr"}"#))
            #expect(search.status == 200 && search.object["totalResults"] == .int(1), "\(search.object)")

            #expect(try await http.send("DELETE", "/scim/v2/Devices/\(id)").status == 204)
            let gone = try await http.send("GET", "/scim/v2/Devices/\(id)")
            #expect(gone.status == 404)
        }
    }
}
