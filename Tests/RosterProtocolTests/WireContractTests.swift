import Foundation
import RosterCrypto
import RosterProtocol
import RosterTestSupport
import SCIMCore
import SwiftProtobuf
import Testing

/// The contract between processes is `Sources/RosterProtocol/Proto/*.proto`; the Swift under
/// `Generated/` is made from it by `scripts/generate-protocol` and committed.
struct WireContractTests {
    static let protocolDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/RosterProtocol")

    /// The rule of scripts/generate-protocol: the .proto files by name (byte order), concatenated, SHA-256.
    @Test func generatedCodeIsMadeFromTheProtoFilesAsTheyAreNow() throws {
        let proto = Self.protocolDirectory.appendingPathComponent("Proto")
        let names = try FileManager.default.contentsOfDirectory(atPath: proto.path).filter { $0.hasSuffix(".proto") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(names.count >= 5)
        var bytes: [UInt8] = []
        for name in names { bytes += try Data(contentsOf: proto.appendingPathComponent(name)) }
        let hex = Secrets.sha256(bytes).map { String(format: "%02x", $0) }.joined()
        let recorded = try String(contentsOf: Self.protocolDirectory.appendingPathComponent("Generated/ProtoSources.sha256"), encoding: .utf8)
        #expect(recorded == hex + "\n", "Generated/ is stale: run scripts/generate-protocol after editing Proto/*.proto")
        for name in names {
            let generated = Self.protocolDirectory.appendingPathComponent("Generated/\(name.dropLast(".proto".count)).pb.swift")
            #expect(FileManager.default.fileExists(atPath: generated.path), "\(generated.lastPathComponent) is missing")
        }
    }

    static func roundTrip<T: WireCodable & Equatable>(_ value: T) throws -> Bool {
        try CommandCodec.decode(T.self, from: CommandCodec.encode(value)) == value
    }

    /// Optional members keep nil apart from "" and 0; JSON members come back as they went.
    @Test func everyKindOfFieldSurvivesTheWire() throws {
        let attributes: [String: JSONValue] = ["userName": .string("bjensen"), "name": .object(["givenName": .string("Barbara")]), "active": .bool(true)]
        #expect(try Self.roundTrip(StoredResource(id: "u1", version: 3, created: "2026-01-01T00:00:00Z", lastModified: "2026-01-02T00:00:00Z", attributes: attributes)))
        #expect(try Self.roundTrip(QueryResult(totalResults: 7, resources: [])))
        #expect(try Self.roundTrip(StoredGroup(resource: StoredResource(id: "g", version: 1, created: "c", lastModified: "m", attributes: [:]), members: nil)))
        #expect(try Self.roundTrip(StoredGroup(resource: StoredResource(id: "g", version: 1, created: "c", lastModified: "m", attributes: [:]), members: [])))
        #expect(try Self.roundTrip(GroupMembersPageReply(members: [GroupMember(value: "u", display: "", type: nil), GroupMember(value: "v", display: nil, type: "User")])))
        #expect(try Self.roundTrip(GroupsOfMembersReply(groups: ["u": [.init(groupID: "g", displayName: "G")], "v": []])))
        #expect(try Self.roundTrip(Deleted(name: nil)) && Self.roundTrip(Deleted(name: "")))
        #expect(try Self.roundTrip(SCIMError.uniqueness("taken")) && Self.roundTrip(SCIMError.unavailable("down", retryAfter: 1)))
        let create = try CommandCodec.decode(CreateUser.self, from: CommandCodec.encode(CreateUser(directoryID: "d", attributes: attributes, passwordHash: "", joinGroups: ["A"])))
        #expect(create.attributes == attributes && create.passwordHash == "" && create.joinGroups == ["A"])
        let patch = try CommandCodec.decode(PatchUser.self, from: CommandCodec.encode(
            PatchUser(directoryID: "d", id: "u", operations: .array([]), passwordHash: nil, clearPassword: true, ifMatch: 0)))
        #expect(patch.passwordHash == nil && patch.clearPassword && patch.ifMatch == 0)
        let query = QueryUsers(directoryID: "d", filter: "", startIndex: 2, count: 0, sortBy: nil, descending: true, locationPrefix: "https://x/Users/")
        #expect(try CommandCodec.decode(QueryUsers.self, from: CommandCodec.encode(query)).query == query.query)
    }

    /// A worker hands back the stored JSON as it read it, without serialising it again.
    @Test func storedJSONTravelsAsTheBytesTheStoreKept() throws {
        let stored = Data(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}"#.utf8)
        let resource = StoredResource(id: "u", version: 1, created: "c", lastModified: "m", attributes: [:], canonicalJSON: stored)
        #expect(resource.message.attributesJson == stored)
    }

    @Test func bytesThatAreNotTheMessageAreAProtocolErrorOfTheirOwn() {
        expectSCIMError(status: 502, scimType: nil) { try CommandCodec.decode(GetUser.self, from: [0xFF, 0xFF, 0xFF]) }
        // A field this process does not know (a newer peer): refused, not silently ignored.
        var unknown = Roster_V1_GetUser()
        unknown.directoryID = "d"
        var bytes: [UInt8] = (try? unknown.serializedBytes()) ?? []
        bytes += [0xA0, 0x06, 0x01]  // field 100, varint 1
        expectSCIMError(status: 502, scimType: nil) { try CommandCodec.decode(GetUser.self, from: bytes) }
        // A field of the wrong wire type.
        expectSCIMError(status: 502, scimType: nil) { try CommandCodec.decode(GetUser.self, from: [0x0D, 0x01, 0x02, 0x03, 0x04]) }
        // JSON that is not an object where attributes are expected.
        var create = Roster_V1_CreateUser()
        create.attributesJson = Data("[1]".utf8)
        expectSCIMError(status: 502, scimType: nil) { try CommandCodec.decode(CreateUser.self, from: (try? create.serializedBytes()) ?? []) }
    }
}
