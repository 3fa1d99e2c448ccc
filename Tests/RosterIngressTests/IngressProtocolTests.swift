import Foundation
import RosterIngress
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

/// PATCH, search and discovery over real HTTP, with a scripted worker behind the ingress.
struct IngressProtocolTests {
    let patchBody = JSONValue.object([
        "schemas": .array([.string(PatchRequest.schemaURN)]),
        "Operations": .array([
            .object(["op": .string("Replace"), "path": .string("active"), "value": .string("False")]),
            .object(["op": .string("replace"), "value": .object(["password": .string("n3wPassw0rd"), "title": .string("Guide")])]),
        ]),
    ])

    @Test func patchTakesThePasswordOutHashesItAndHonoursPreferMinimal() async throws {
        let transport = ScriptedTransport { _, _ throws(SCIMError) in stored(["userName": .string("u"), "title": .string("Guide")], version: 4) }
        try await withIngress(transport) { http in
            let full = try await http.send("PATCH", "/scim/v2/Users/x?attributes=title", json: patchBody, headers: ["If-Match": "W/\"3\""])
            #expect(full.status == 200)
            #expect(full.object["title"] == .string("Guide") && full.object["userName"] == nil)
            let minimal = try await http.send("PATCH", "/scim/v2/Users/x", json: patchBody, headers: ["Prefer": "return=minimal"])
            #expect(minimal.status == 204 && minimal.header("ETag") == "W/\"4\"")
            let sent = transport.sent.withLock { $0 }
            let command = try CommandCodec.decode(PatchUser.self, from: sent[0].payload)
            #expect(command.ifMatch == 3)
            #expect(command.passwordHash?.hasPrefix("pbkdf2-sha256$") == true)
            #expect(!String(decoding: sent[0].payload, as: UTF8.self).contains("n3wPassw0rd"))
            #expect(command.operations.arrayValue?.count == 2)
        }
    }

    @Test func malformedPatchIsRejectedBeforeTheWorker() async throws {
        let transport = ScriptedTransport { _, _ throws(SCIMError) in [] }
        try await withIngress(transport) { http in
            let empty = try await http.send("PATCH", "/scim/v2/Users/x", json: .object(["schemas": .array([.string(PatchRequest.schemaURN)]), "Operations": .array([])]))
            #expect(empty.status == 400 && empty.object["scimType"] == .string("invalidSyntax"))
            let badPath = try await http.send("PATCH", "/scim/v2/Users/x", json: json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"emails[","value":1}]}"#))
            #expect(badPath.status == 400 && badPath.object["scimType"] == .string("invalidPath"))
            #expect(transport.sent.withLock { $0.isEmpty })
        }
    }

    @Test func searchBodyBecomesTheSameQueryAsTheURL() async throws {
        let transport = ScriptedTransport { name, _ throws(SCIMError) in
            name == QueryGroups.name
                ? CommandCodec.encode(GroupQueryResult(totalResults: 2, groups: []))
                : CommandCodec.encode(QueryResult(totalResults: 0, resources: []))
        }
        try await withIngress(transport) { http in
            let body = json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName sw \"b\"","sortBy":"userName","sortOrder":"descending","startIndex":2,"count":5,"attributes":["userName"]}"#)
            #expect(try await http.send("POST", "/scim/v2/Users/.search", json: body).status == 200)
            let root = try await http.send("POST", "/scim/v2/.search", json: body)
            // Groups have no userName: root search skips them without asking the groups worker.
            #expect(root.status == 200 && root.object["totalResults"] == .int(0), "\(root.object)")
            #expect(!transport.sent.withLock { $0 }.contains { $0.name == QueryGroups.name })
            let both = json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"externalId pr"}"#)
            let rootBoth = try await http.send("POST", "/scim/v2/.search", json: both)
            #expect(rootBoth.status == 200 && rootBoth.object["totalResults"] == .int(2), "users and groups are both searched")
            let neither = json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"nosuch pr"}"#)
            let rootNeither = try await http.send("POST", "/scim/v2/.search", json: neither)
            #expect(rootNeither.status == 400 && rootNeither.object["scimType"] == .string("invalidFilter"))
            let viaURL = try await http.send("GET", "/scim/v2/Users?filter=userName%20sw%20%22b%22&sortBy=userName&sortOrder=descending&startIndex=2&count=5")
            #expect(viaURL.status == 200)
            let queries = try transport.sent.withLock { $0 }.filter { $0.name == QueryUsers.name }.map { try CommandCodec.decode(QueryUsers.self, from: $0.payload) }
            #expect(queries.count == 4)
            for query in queries where query.query.filter != "externalId pr" {
                #expect(query.query.filter == #"userName sw "b""# && query.query.sortBy == "userName" && query.query.descending && query.query.startIndex == 2 && query.query.count == 5)
            }
            let badOrder = try await http.send("GET", "/scim/v2/Users?sortOrder=sideways")
            #expect(badOrder.status == 400 && badOrder.object["scimType"] == .string("invalidValue"))
        }
    }

    @Test func discoveryDescribesWhatIsSupportedAndIsReadOnly() async throws {
        try await withIngress(ScriptedTransport { _, _ throws(SCIMError) in [] }) { http in
            let config = try await http.send("GET", "/scim/v2/ServiceProviderConfig")
            #expect(config.object["patch"]?.objectValue?["supported"] == .bool(true))
            #expect(config.object["bulk"]?.objectValue?["supported"] == .bool(false))
            #expect(config.object["filter"]?.objectValue?["maxResults"] == .int(1000))
            let types = try await http.send("GET", "/scim/v2/ResourceTypes")
            #expect(types.object["totalResults"] == .int(2))
            let schema = try await http.send("GET", "/scim/v2/Schemas/\(CoreSchemas.userURN)")
            let attributes = schema.object["attributes"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue } ?? []
            #expect(attributes.contains("userName") && !attributes.contains("id"))
            let write = try await http.send("POST", "/scim/v2/Schemas", json: .object([:]))
            #expect(write.status == 405 && write.object["status"] == .string("405"))
            #expect(try await http.send("GET", "/scim/v2/Schemas/urn:nope").status == 404)
        }
    }
}
