import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// SCIM 1.1 ⇄ 2.0 (draft-scim-core-schema-01, draft-scim-api-01) in the one mapping layer.
struct SCIM11Tests {
    /// Every attribute of the User (core and enterprise) and Group schemas survives 1.1 and back.
    @Test(arguments: ["rfc7643-8.2-user-full.json", "rfc7643-4.3-enterprise-user.json"])
    func aUserRoundTripsThrough11WithoutLoss(_ fixture: String) throws {
        let v2 = try ResourceNormalizer.user.normalize(try FixtureTests.load(fixture).objectValue!).resource
        let v1 = SCIM11.resourceFromV2(v2, type: .user)
        #expect(v1["schemas"]?.arrayValue?.first == .string(SCIM11.coreURN))
        #expect(v1[CoreSchemas.enterpriseUserURN] == nil)
        let back = try ResourceNormalizer.user.normalize(try SCIM11.resourceToV2(v1, type: .user)).resource
        #expect(back == v2)
    }

    @Test func aGroupRoundTripsThrough11WithoutLoss() throws {
        let v2 = try ResourceNormalizer.group.normalize(json(#"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides","externalId":"g-1",
             "members":[{"value":"2819c223","display":"Babs","type":"User"}]}
            """#).objectValue!).resource
        let back = try ResourceNormalizer.group.normalize(try SCIM11.resourceToV2(SCIM11.resourceFromV2(v2, type: .group), type: .group)).resource
        #expect(back == v2)
    }

    @Test func answersLoseWhat11DoesNotHaveAndLinkTo11() {
        let rendered: [String: JSONValue] = [
            "schemas": .array([.string(CoreSchemas.groupURN)]), "id": .string("g"), "displayName": .string("G"),
            "members": .array([.object(["value": .string("u"), "$ref": .string("https://x/scim/v2/Users/u")])]),
            "meta": .object(["resourceType": .string("Group"), "location": .string("https://x/scim/v2/Groups/g"), "version": .string("W/\"1\"")]),
        ]
        let v1 = SCIM11.resourceFromV2(rendered, type: .group)
        #expect(v1["schemas"] == .array([.string(SCIM11.coreURN)]))
        #expect(v1["members"]?.arrayValue?.first?.objectValue?["$ref"] == nil)
        #expect(v1["meta"]?.objectValue?["resourceType"] == nil && v1["meta"]?.objectValue?["location"] == .string("https://x/scim/v1/Groups/g"))
    }

    @Test func errorsHaveThe11Shape() {
        #expect(SCIM11.errorBody(.uniqueness("taken")) == .object(["Errors": .array([.object(["description": .string("taken"), "code": .string("409")])])]))
    }

    @Test(arguments: [#"userName ne "x""#, #"userName ew "x""#, #"not (userName eq "x")"#, #"emails[type eq "work"]"#])
    func filtersOutside11AreInvalidFilters(_ filter: String) {
        expectSCIMError(status: 400, scimType: .invalidFilter) { try SCIM11.checkFilter(filter) }
    }

    @Test(arguments: [#"userName eq "x""#, #"userName co "x" or (title sw "y" and active pr)"#, #"meta.lastModified gt "2011-05-13T04:42:34Z""#])
    func filtersOf11AreAccepted(_ filter: String) throws {
        try SCIM11.checkFilter(filter)
    }

    /// draft-scim-api-01 §3.3.2: meta.attributes first, then replace, merge, add; `operation: delete` removes.
    @Test func aPartialResourcePatchBecomesTheSame20Operations() throws {
        let body = json(#"""
            {"schemas":["urn:scim:schemas:core:1.0"],"meta":{"attributes":["title","name.givenName"]},"active":false,
             "name":{"familyName":"Jensen"},"emails":[{"value":"b@x","type":"work"},{"value":"old@x","operation":"delete"}],
             "urn:scim:schemas:extension:enterprise:1.0":{"department":"Tour"}}
            """#).objectValue!
        let ops = try SCIM11.patchToV2(body, type: .user).operations
        #expect(ops.prefix(2).map(\.path) == ["title", "name.givenName"] && ops.prefix(2).allSatisfy { $0.op == .remove })
        #expect(ops.contains(.init(op: .replace, path: "active", value: .bool(false))))
        #expect(ops.contains(.init(op: .replace, path: "name.familyName", value: .string("Jensen"))))
        #expect(ops.contains(.init(op: .add, path: "emails", value: .array([.object(["value": .string("b@x"), "type": .string("work")])]))))
        #expect(ops.contains(.init(op: .remove, path: #"emails[value eq "old@x"]"#, value: nil)))
        #expect(ops.contains(.init(op: .replace, path: "\(CoreSchemas.enterpriseUserURN):department", value: .string("Tour"))))
        // And the engine applies them.
        let user = try ResourceNormalizer.user.normalize(json(#"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","title":"T","name":{"givenName":"B","familyName":"J"},
             "emails":[{"value":"old@x"}]}
            """#).objectValue!).resource
        let patched = try ResourceNormalizer.user.normalize(try PatchEngine.user.apply(PatchRequest(operations: ops), to: user, resourceID: "u")).resource
        #expect(patched["title"] == nil && patched["active"] == .bool(false))
        #expect(patched["name"] == .object(["familyName": .string("Jensen")]))
        #expect(patched["emails"] == .array([.object(["value": .string("b@x"), "type": .string("work")])]))
    }

    @Test func vendorExtensionsGetA400NamingThemWhenTheConfigurationRejectsUndeclaredOnes() {
        let body = json(#"{"schemas":["urn:scim:schemas:core:1.0","urn:okta:custom:group:1.0"],"displayName":"G","urn:okta:custom:group:1.0":{"description":"d"}}"#).objectValue!
        let error = expectSCIMError(status: 400, scimType: .invalidSyntax) { try SCIM11.resourceToV2(body, type: .group, undeclared: .reject) }
        #expect(error?.detail.contains("urn:okta:custom:group:1.0") == true)
    }

    @Test func oktasGroupDescriptionIsKeptUnderItsOwnURNWhenUndeclaredExtensionsAreStored() throws {
        let body = json(#"{"schemas":["urn:scim:schemas:core:1.0","urn:okta:custom:group:1.0"],"displayName":"G","urn:okta:custom:group:1.0":{"description":"d"}}"#).objectValue!
        let v2 = try SCIM11.resourceToV2(body, type: .group, undeclared: .store)
        #expect(v2["schemas"] == .array([.string(CoreSchemas.groupURN), .string("urn:okta:custom:group:1.0")]))
        #expect(v2["urn:okta:custom:group:1.0"] == .object(["description": .string("d")]))
        let stored = try ResourceNormalizer(.group, undeclared: .store).normalize(v2).resource
        #expect(SCIM11.resourceFromV2(stored, type: .group)["schemas"] == .array([.string(SCIM11.coreURN), .string("urn:okta:custom:group:1.0")]))
    }

    @Test func aSchemaMarkerWithoutAttributesIsIgnoredInSCIM11AsIn20() throws {
        let v2 = try SCIM11.resourceToV2(json(#"{"schemas":["urn:scim:schemas:core:1.0","urn:okta:custom:group:1.0"],"displayName":"G"}"#).objectValue!, type: .group)
        #expect(v2["schemas"] == .array([.string(CoreSchemas.groupURN)]))
    }
}

/// SCIM 1.1 with an extension the operator declared: one URN in both versions.
struct SCIM11DeclaredExtensionTests {
    @Test func pingFederatesCustomExtensionTranslatesBothWays() throws {
        let urn = "urn:scim:schemas:extension:custom:1.0"
        let type = ResourceType.user.declaring([try Schema(declaration: json(#"{"id":"\#(urn)","attributes":[{"name":"supervisor"},{"name":"territories","multiValued":true}]}"#))])
        let v2 = try SCIM11.resourceToV2(json(#"{"schemas":["urn:scim:schemas:core:1.0","\#(urn)"],"userName":"c","\#(urn)":{"supervisor":"J"}}"#).objectValue!, type: type)
        #expect(v2["schemas"] == .array([.string(CoreSchemas.userURN), .string(urn)]))
        let patch = try SCIM11.patchToV2(json(#"{"schemas":["urn:scim:schemas:core:1.0"],"\#(urn)":{"territories":["Idaho"]},"meta":{"attributes":["\#(urn):supervisor"]}}"#).objectValue!, type: type)
        #expect(patch.operations.contains(.init(op: .remove, path: "\(urn):supervisor", value: nil)))
        #expect(patch.operations.contains(.init(op: .add, path: "\(urn):territories", value: .array([.string("Idaho")]))))
        expectSCIMError(status: 400, scimType: .invalidSyntax) {
            try SCIM11.patchToV2(json(#"{"schemas":["urn:scim:schemas:core:1.0"],"urn:other:1.0":{"a":1}}"#).objectValue!, type: type)
        }
    }
}
