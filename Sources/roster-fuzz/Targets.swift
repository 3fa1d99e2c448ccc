import Foundation
import RosterProtocol
import SCIMCore

/// The target this run fuzzes (`ROSTER_FUZZ_TARGET`).
let target = ProcessInfo.processInfo.environment["ROSTER_FUZZ_TARGET"] ?? "json"

/// A full RFC 7643 §8.2 user, the resource PATCH documents are applied to.
let baseUser: [String: JSONValue] = [
    "schemas": .array([.string(CoreSchemas.userURN), .string("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")]),
    "userName": .string("bjensen@example.com"), "externalId": .string("701984"), "displayName": .string("Babs Jensen"),
    "name": .object(["givenName": .string("Barbara"), "familyName": .string("Jensen"), "formatted": .string("Ms. Barbara J Jensen III")]),
    "emails": .array([
        .object(["value": .string("bjensen@example.com"), "type": .string("work"), "primary": .bool(true)]),
        .object(["value": .string("babs@jensen.org"), "type": .string("home")]),
    ]),
    "addresses": .array([.object(["type": .string("work"), "streetAddress": .string("100 Universal City Plaza"), "primary": .bool(true)])]),
    "phoneNumbers": .array([.object(["value": .string("555-555-5555"), "type": .string("work")])]),
    "active": .bool(true),
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": .object([
        "employeeNumber": .string("701984"), "manager": .object(["value": .string("26118915-6090-4610-87e4-49d8ca9f808d")]),
    ]),
]

func fuzzJSON(_ bytes: [UInt8]) {
    guard let value = try? JSONValue.parse(bytes) else { return }
    let text = value.serialized()
    guard let again = try? JSONValue.parse(text) else { fatalError("serialized JSON does not parse: \(String(decoding: text, as: UTF8.self))") }
    guard again.serialized() == text else { fatalError("JSON does not survive a second round trip") }
}

func fuzzFilter(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let expression = try? FilterParser().parse(text) else { return }
    _ = try? ResourceType.user.validate(expression)
    _ = try? ResourceType.group.validate(expression)
}

func fuzzPatch(_ bytes: [UInt8]) {
    guard let wire = try? JSONValue.parse(bytes), let request = try? PatchRequest(wire: wire) else { return }
    guard let patched = try? PatchEngine.user.apply(request, to: baseUser, resourceID: "2819c223-7f76-453a-919d-413861904646") else { return }
    _ = try? ResourceNormalizer.user.normalize(patched)
    _ = try? PatchEngine.group.apply(request, to: ["schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string("Tour Guides")], resourceID: "g")
}

/// Decodes the bytes as each kind of message a worker or the ingress reads off a socket, and
/// re-encodes what decodes.
func fuzzWire(_ bytes: [UInt8]) {
    func roundTrip<T: WireCodable & Equatable>(_ type: T.Type) {
        guard let value = try? CommandCodec.decode(type, from: bytes) else { return }
        guard let again = try? CommandCodec.decode(type, from: CommandCodec.encode(value)), again == value else {
            fatalError("\(type) does not survive a round trip")
        }
    }
    roundTrip(StoredResource.self)
    roundTrip(AuditRecord.self)
    _ = try? CommandCodec.decode(CreateUser.self, from: bytes)
    _ = try? CommandCodec.decode(PatchUser.self, from: bytes)
    _ = try? CommandCodec.decode(QueryUsers.self, from: bytes)
    _ = try? CommandCodec.decode(PatchGroup.self, from: bytes)
    _ = try? CommandCodec.decode(ApplyUserEvent.self, from: bytes)
    _ = try? CommandCodec.decode(JoinGroups.self, from: bytes)
    _ = try? CommandCodec.decode(SCIMError.self, from: bytes)
}


/// The wire seeds: one encoded message of each kind the wire target decodes.
func emitWireSeeds(into directory: String) {
    let user = CreateUser(directoryID: "d", attributes: baseUser, passwordHash: nil)
    let stored = StoredResource(id: "2819c223-7f76-453a-919d-413861904646", version: 3, created: "2026-01-01T00:00:00.000Z",
                                lastModified: "2026-01-02T00:00:00.000Z", attributes: baseUser)
    let seeds: [(String, [UInt8])] = [
        ("create-user", CommandCodec.encode(user)),
        ("stored-resource", CommandCodec.encode(stored)),
        ("query-users", CommandCodec.encode(QueryUsers(directoryID: "d", filter: #"userName eq "bjensen""#, startIndex: 1, count: 10))),
        ("scim-error", CommandCodec.encode(SCIMError.uniqueness("userName is taken"))),
    ]
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for (name, bytes) in seeds {
        _ = FileManager.default.createFile(atPath: "\(directory)/\(name).bin", contents: Data(bytes))
    }
}
