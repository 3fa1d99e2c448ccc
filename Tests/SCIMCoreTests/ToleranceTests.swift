import RosterTestSupport
import SCIMCore
import Testing

/// The named liberties of ``Tolerance``, each with the IdP request that needs it.
struct ToleranceTests {
    static let entraGroupMarker = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"

    @Test func entraGroupWithTheADSCIMMarkerSchemaIsAcceptedAndStoredWithoutIt() throws {
        let body = json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","\#(Self.entraGroupMarker)"],"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"Group1","members":[]}"#)
        let normalized = try ResourceNormalizer.group.normalize(body.objectValue!)
        #expect(normalized.resource["schemas"] == .array([.string(CoreSchemas.groupURN)]))
        #expect(normalized.resource["displayName"] == .string("Group1"))
    }

    @Test func anUnknownSchemaThatCarriesAttributesIsStillRefused() {
        let body = json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:example:custom:1.0"],"userName":"u","urn:example:custom:1.0":{"x":"y"}}"#)
        expectSCIMError(status: 400, scimType: .invalidSyntax) { try ResourceNormalizer.user.normalize(body.objectValue!) }
    }

    @Test func entraManagerSentAsABareIdIsItsValue() throws {
        let body = json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","\#(CoreSchemas.enterpriseUserURN)"],"userName":"u","\#(CoreSchemas.enterpriseUserURN)":{"manager":"26118915-6090-4610-87e4-49d8ca9f808d"}}"#)
        let normalized = try ResourceNormalizer.user.normalize(body.objectValue!)
        let manager = normalized.resource[CoreSchemas.enterpriseUserURN]?.objectValue?["manager"]
        #expect(manager == .object(["value": .string("26118915-6090-4610-87e4-49d8ca9f808d")]))
    }

    @Test func entraPatchOfTheManagerAsABareIdSetsItsValue() throws {
        let patch = try PatchRequest(wire: json(#"[{"op":"Add","path":"\#(CoreSchemas.enterpriseUserURN):manager","value":"mgr-1"}]"#))
        let patched = try PatchEngine.user.apply(patch, to: ["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("u")], resourceID: "x")
        #expect(patched[CoreSchemas.enterpriseUserURN]?.objectValue?["manager"] == .object(["value": .string("mgr-1")]))
    }

    @Test func aComplexAttributeWithoutAValueSubAttributeStillNeedsAnObject() {
        let body = json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","name":"Barbara Jensen"}"#)
        expectSCIMError(status: 400, scimType: .invalidSyntax) { try ResourceNormalizer.user.normalize(body.objectValue!) }
        let list = json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","\#(CoreSchemas.enterpriseUserURN)"],"userName":"u","\#(CoreSchemas.enterpriseUserURN)":{"manager":["a"]}}"#)
        expectSCIMError(status: 400, scimType: .invalidSyntax) { try ResourceNormalizer.user.normalize(list.objectValue!) }
    }

    @Test func entraMS1ManagerPatchWithABarePathAndAOneElementArrayIsTheEnterpriseManager() throws {
        let patch = try PatchRequest(wire: json(#"[{"op":"Add","path":"manager","value":[{"$ref":"../Users/mgr-2","value":"mgr-2"}]}]"#))
        let patched = try PatchEngine.user.apply(patch, to: ["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("u")], resourceID: "x")
        let manager = patched[CoreSchemas.enterpriseUserURN]?.objectValue?["manager"]?.objectValue
        #expect(manager?["value"] == .string("mgr-2"))
        let normalized = try ResourceNormalizer.user.normalize(patched)
        #expect(normalized.resource[CoreSchemas.enterpriseUserURN]?.objectValue?["manager"]?.objectValue?["value"] == .string("mgr-2"))
    }

    @Test func aBareExtensionAttributeInAFilterResolvesToItsExtension() throws {
        let resolved = try ResourceType.user.validateFilter(#"manager.value eq "mgr-2""#)
        #expect("\(resolved)".contains(CoreSchemas.enterpriseUserURN), "\(resolved)")
        expectSCIMError(status: 400, scimType: .invalidFilter) { try ResourceType.user.validateFilter(#"nosuchattribute eq "x""#) }
    }
}
