import RosterTestSupport
import SCIMCore
import Testing

/// Extension schemas an operator declares (RFC 7643 §7 representations), and the types,
/// normaliser and PATCH engine that take them.
struct DeclaredSchemaTests {
    static let urn = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User"
    static let declaration = json(#"""
        {"id":"\#(urn)","name":"ContosoUser","attributes":[
          {"name":"costCenter","type":"string"},
          {"name":"badgeNumber","type":"string","uniqueness":"server"},
          {"name":"clearance","type":"integer","required":true},
          {"name":"sites","type":"complex","multiValued":true,"subAttributes":[{"name":"value","type":"string"},{"name":"since","type":"dateTime"}]},
          {"name":"internal","type":"string","returned":"never"},
          {"name":"audit","type":"string","returned":"request"}]}
        """#)
    static var type: ResourceType { get throws { ResourceType.user.declaring([try Schema(declaration: declaration)]) } }

    @Test func aDeclarationReadsEveryCharacteristicAndRoundTrips() throws {
        let schema = try Schema(declaration: Self.declaration)
        #expect(schema.id == Self.urn && schema.name == "ContosoUser")
        #expect(schema.attribute("BADGENUMBER")?.uniqueness == .server)
        #expect(schema.attribute("sites")?.multiValued == true && schema.attribute("sites")?.subAttribute("since")?.type == .dateTime)
        #expect(schema.attribute("internal")?.returned == .never && schema.attribute("audit")?.returned == .request)
        #expect(try Schema(declaration: schema.declaration) == schema)
    }

    @Test(arguments: [
        (#"{"id":"not-a-urn","attributes":[{"name":"a"}]}"#, SCIMErrorType.invalidValue),
        (#"{"id":"urn:ietf:params:scim:schemas:core:2.0:User","attributes":[{"name":"a"}]}"#, .invalidValue),
        (#"{"id":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","attributes":[{"name":"a"}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"1bad"}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"a"},{"name":"A"}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"a","type":"text"}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"a","uniqueness":"global"}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"a","multiValued":true,"uniqueness":"server"}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"a","type":"complex"}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"a","type":"complex","subAttributes":[{"name":"b","type":"complex","subAttributes":[{"name":"c"}]}]}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"a","subAttributes":[{"name":"b"}]}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"a","multivalued":true}]}"#, .invalidSyntax),
        (#"{"id":"urn:x:y","attributes":[{"name":"a","required":"yes"}]}"#, .invalidValue),
        (#"["urn:x:y"]"#, .invalidSyntax),
        (#"{"id":"urn:x:o'neil","attributes":[{"name":"a"}]}"#, .invalidValue),
        (#"{"id":"urn:x:'||(SELECT/**/1)||'","attributes":[{"name":"a"}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"pin","mutability":"writeOnly"}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"a","mutability":"readOnly","required":true}]}"#, .invalidValue),
        (#"{"id":"urn:x:y","attributes":[{"name":"externalId"}]}"#, .invalidValue),
    ])
    func aBadDeclarationIsA400NamingWhatIsWrong(_ text: String, _ scimType: SCIMErrorType) {
        expectSCIMError(status: 400, scimType: scimType) { try Schema(declaration: json(text)) }
    }

    @Test func aDeclaredExtensionIsValidatedAndItsRequiredAttributesApplyWhenItIsPresent() throws {
        let normalizer = ResourceNormalizer(try Self.type)
        let ok = try normalizer.normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","\#(Self.urn)"],"userName":"u","\#(Self.urn)":{"clearance":2.0,"COSTCENTER":"c"}}"#).objectValue!)
        #expect(ok.resource[Self.urn] == .object(["clearance": .int(2), "costCenter": .string("c")]), "canonical names and an integral number")
        #expect(ok.resource["schemas"] == .array([.string(CoreSchemas.userURN), .string(Self.urn)]))
        let without = try normalizer.normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u"}"#).objectValue!)
        #expect(without.resource[Self.urn] == nil, "the extension is not required")
        expectSCIMError(status: 400, scimType: .invalidValue) {
            try normalizer.normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","\#(Self.urn)":{"costCenter":"c"}}"#).objectValue!)
        }
        expectSCIMError(status: 400, scimType: .invalidSyntax) {
            try normalizer.normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","\#(Self.urn)":{"clearance":1,"unknown":1}}"#).objectValue!)
        }
        expectSCIMError(status: 400, scimType: .invalidValue) {
            try normalizer.normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","\#(Self.urn)":{"clearance":"high"}}"#).objectValue!)
        }
    }

    @Test func aDeclaredAttributeFiltersAndSortsLikeTheEnterpriseOnes() throws {
        let type = try Self.type
        #expect(type.accepts(filter: #"\#(Self.urn):costCenter eq "c" and \#(Self.urn):sites[value sw "HQ"]"#))
        #expect(try type.sortAttribute("\(Self.urn):clearance").attribute.name == "clearance")
        #expect(!ResourceType.user.accepts(filter: #"\#(Self.urn):costCenter eq "c""#), "undeclared: not filterable")
        expectSCIMError(status: 400, scimType: .invalidFilter) { try type.validateFilter(#"\#(Self.urn):internal eq "x""#) }
    }

    @Test func anUndeclaredExtensionIsRefusedOrKeptAsGivenByPolicy() throws {
        let body = json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:acme:hr:1.0"],"userName":"u","urn:acme:hr:1.0":{"Level":{"n":1},"schemas":["x"]}}"#).objectValue!
        expectSCIMError(status: 400, scimType: .invalidSyntax) { try ResourceNormalizer.user.normalize(body) }
        let kept = try ResourceNormalizer(.user, undeclared: .store).normalize(body).resource
        #expect(kept["urn:acme:hr:1.0"] == .object(["Level": .object(["n": .int(1)])]), "as given, without a repeated schemas list")
        #expect(kept["schemas"] == .array([.string(CoreSchemas.userURN), .string("urn:acme:hr:1.0")]))
        expectSCIMError(status: 400, scimType: .invalidSyntax) {
            try ResourceNormalizer(.user, undeclared: .store).normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","urn:acme:hr:1.0":"flat"}"#).objectValue!)
        }
    }

    @Test func patchPathsIntoAnUndeclaredExtensionSetAndRemoveItsMembersUnderStore() throws {
        let engine = PatchEngine(.user, undeclared: .store)
        let user: [String: JSONValue] = ["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("u")]
        let set = try PatchRequest(wire: json(#"""
            [{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:Custom:2.0:User:tag","value":"701985"},
             {"op":"add","value":{"urn:ietf:params:scim:schemas:extension:Custom:2.0:User:site":"HQ","urn:acme:hr:1.0:User":{"level":3}}}]
            """#))
        let patched = try engine.apply(set, to: user, resourceID: "x")
        #expect(patched["urn:ietf:params:scim:schemas:extension:Custom:2.0:User"] == .object(["tag": .string("701985"), "site": .string("HQ")]))
        #expect(patched["urn:acme:hr:1.0:User"] == .object(["level": .int(3)]), "a key ending in the type's name is a whole extension")
        let removed = try engine.apply(try PatchRequest(wire: json(#"[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:custom:2.0:user:tag"}]"#)), to: patched, resourceID: "x")
        #expect(removed["urn:ietf:params:scim:schemas:extension:Custom:2.0:User"] == .object(["site": .string("HQ")]), "the stored spelling, matched in any case")
        expectSCIMError(status: 400, scimType: .invalidPath) { try PatchEngine.user.apply(set, to: user, resourceID: "x") }
        expectSCIMError(status: 400, scimType: .invalidPath) {
            try engine.apply(try PatchRequest(wire: json(#"[{"op":"remove","path":"urn:acme:hr:1.0:User:tags[value eq \"a\"]"}]"#)), to: patched, resourceID: "x")
        }
    }

    @Test func theIngressCheckPutsPatchValuesInCanonicalFormAndFailsBadPathsEarly() throws {
        let engine = PatchEngine(try Self.type)
        let checked = try engine.checked(try PatchRequest(wire: json(#"""
            [{"op":"Replace","path":"active","value":"False"},
             {"op":"replace","path":"\#(Self.urn):clearance","value":3.0},
             {"op":"add","value":{"\#(CoreSchemas.enterpriseUserURN):manager":"mgr-1","name.givenName":"B"}},
             {"op":"add","path":"emails","value":{"value":"a@x","primary":"true"}}]
            """#)))
        #expect(checked.operations[0].value == .bool(false))
        #expect(checked.operations[1].value == .int(3))
        #expect(checked.operations[2].value?.objectValue?["\(CoreSchemas.enterpriseUserURN):manager"] == .object(["value": .string("mgr-1")]))
        #expect(checked.operations[3].value == .array([.object(["value": .string("a@x"), "primary": .bool(true)])]))
        expectSCIMError(status: 400, scimType: .invalidPath) { try engine.checked(try PatchRequest(wire: json(#"[{"op":"add","path":"nickname2","value":"x"}]"#))) }
        expectSCIMError(status: 400, scimType: .invalidValue) { try engine.checked(try PatchRequest(wire: json(#"[{"op":"add","path":"active","value":"maybe"}]"#))) }
        expectSCIMError(status: 400, scimType: .mutability) { try engine.checked(try PatchRequest(wire: json(#"[{"op":"replace","path":"id","value":"x"}]"#))) }
    }

    @Test func theLibertiesARequestNeededAreNotedForItsConfiguration() throws {
        let observer = Tolerance.Observer()
        try Tolerance.$observer.withValue(observer) {
            let request = try PatchRequest(body: json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","value":{"active":"False","id":"x"}}]}"#).objectValue!)
            _ = try PatchEngine(.user, undeclared: .store).checked(request)
            _ = try ResourceNormalizer(.user, undeclared: .store).normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","urn:acme:hr:1.0":{"level":1}}"#).objectValue!)
        }
        let observed = observer.observed
        #expect(observed.rules == [.capitalisedOp, .pathlessPatch, .stringBoolean, .idInPatchValue, .undeclaredExtension])
        #expect(observed.undeclared == ["urn:acme:hr:1.0": ["level"]])
        Tolerance.note(.stringBoolean)  // no observer: nothing to note, nothing breaks
        #expect(observer.observed.rules.count == 5)
    }

    @Test func anIntegerOutsideSixtyFourBitsIsA400NotACrash() throws {
        let normalizer = ResourceNormalizer(try Self.type)
        for number in ["9223372036854775808", "1e19", "-1e300"] {
            expectSCIMError(status: 400, scimType: .invalidValue) {
                try normalizer.normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","\#(Self.urn)":{"clearance":\#(number)}}"#).objectValue!)
            }
            expectSCIMError(status: 400, scimType: .invalidValue) {
                try PatchEngine(try Self.type).checked(try PatchRequest(wire: json(#"[{"op":"replace","path":"\#(Self.urn):clearance","value":\#(number)}]"#)))
            }
        }
    }

    @Test func aNullSubAttributeInAPatchedComplexValueClearsIt() throws {
        let engine = PatchEngine(.user)
        let user = try ResourceNormalizer.user.normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","name":{"givenName":"B","middleName":"M"}}"#).objectValue!).resource
        for operation in [#"{"op":"replace","path":"name","value":{"givenName":"A","middleName":null}}"#, #"{"op":"replace","value":{"name":{"givenName":"A","middleName":null}}}"#] {
            let checked = try engine.checked(try PatchRequest(wire: json("[\(operation)]")))
            let patched = try ResourceNormalizer.user.normalize(try engine.apply(checked, to: user, resourceID: "x")).resource
            #expect(patched["name"] == .object(["givenName": .string("A")]), "\(operation)")
        }
    }

    @Test func valuesStoredBeforeADeclarationDoNotBlockALaterPatch() throws {
        let stored = try ResourceNormalizer(.user, undeclared: .store).normalize(json(#"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","\#(Self.urn)":{"clearance":"high","legacy":"x"}}
            """#).objectValue!).resource
        let engine = PatchEngine(try Self.type, undeclared: .store)
        let deactivated = try engine.apply(try PatchRequest(wire: json(#"[{"op":"replace","path":"active","value":false}]"#)), to: stored, resourceID: "x")
        let normalized = try ResourceNormalizer(try Self.type, undeclared: .store).normalize(deactivated, keepingUnchangedFrom: stored).resource
        #expect(normalized["active"] == .bool(false) && normalized[Self.urn] == stored[Self.urn], "kept as stored until changed")
        let changed = try engine.apply(try PatchRequest(wire: json(#"[{"op":"replace","path":"\#(Self.urn):clearance","value":"higher"}]"#)), to: stored, resourceID: "x")
        expectSCIMError(status: 400, scimType: .invalidValue) { try ResourceNormalizer(try Self.type, undeclared: .store).normalize(changed, keepingUnchangedFrom: stored) }
    }

    @Test func returnedNeverAndRequestApplyToDeclaredAttributes() throws {
        let type = try Self.type
        let resource: [String: JSONValue] = ["schemas": .array([.string(CoreSchemas.userURN)]), "id": .string("x"), "userName": .string("u"),
                                             Self.urn: .object(["costCenter": .string("c"), "internal": .string("i"), "audit": .string("a")])]
        #expect(Projection(attributes: nil, excludedAttributes: nil, type: type).apply(resource)[Self.urn] == .object(["costCenter": .string("c")]))
        let asked = Projection(attributes: "\(Self.urn):audit,\(Self.urn):internal", excludedAttributes: nil, type: type).apply(resource)
        #expect(asked[Self.urn] == .object(["audit": .string("a")]), "request when asked; never, never")
    }

    @Test func aWholeUndeclaredExtensionWhoseURNEndsInAVersionIsPatchable() throws {
        let engine = PatchEngine(.group, undeclared: .store)
        let group: [String: JSONValue] = ["schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string("G")]
        let patched = try engine.apply(try engine.checked(try PatchRequest(wire: json(#"""
            [{"op":"replace","value":{"urn:okta:custom:group:1.0":{"description":"d"}}},{"op":"add","path":"urn:acme:group:2.0","value":{"owner":"o"}}]
            """#))), to: group, resourceID: "g")
        #expect(patched["urn:okta:custom:group:1.0"] == .object(["description": .string("d")]))
        #expect(patched["urn:acme:group:2.0"] == .object(["owner": .string("o")]))
        expectSCIMError(status: 400, scimType: .invalidPath) {
            try PatchEngine.group.apply(try PatchRequest(wire: json(#"[{"op":"add","path":"urn:acme:group:2.0","value":{"owner":"o"}}]"#)), to: group, resourceID: "g")
        }
    }

    @Test func whatAnUndeclaredExtensionMayBeIsBoundedUnderStore() {
        let store = ResourceNormalizer(.user, undeclared: .store)
        for key in ["urn:ietf:params:scim:schemas:core:2.0:User", "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:GROUP", "urn:ietf:params:scim:api:messages:2.0:PatchOp",
                    "urn:x y", "urn:x:\"q\"", "urn:" + String(repeating: "a", count: 300)] {
            expectSCIMError(status: 400, scimType: .invalidSyntax) {
                try store.normalize(["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("u"), key: .object(["displayName": .string("D")])])
            }
        }
        let many = JSONValue.object(Dictionary(uniqueKeysWithValues: (0...ResourceNormalizer.maxUndeclaredMembers).map { ("a\($0)", JSONValue.int(1)) }))
        expectSCIMError(status: 400, scimType: .invalidValue) {
            try store.normalize(["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("u"), "urn:acme:1.0": many])
        }
    }

    @Test func anIntegerGivenWithAFractionIsExactOrRefused() throws {
        let normalizer = ResourceNormalizer(try Self.type)
        let ok = try normalizer.normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","\#(Self.urn)":{"clearance":1e3}}"#).objectValue!)
        #expect(ok.resource[Self.urn]?.objectValue?["clearance"] == .int(1000))
        for number in ["12345678901234567890e-1", "-9223372036854775810", "9007199254740993.0"] {
            expectSCIMError(status: 400, scimType: .invalidValue) {
                try normalizer.normalize(json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","\#(Self.urn)":{"clearance":\#(number)}}"#).objectValue!)
            }
        }
    }

    @Test func aPatchOfMoreThanAThousandOperationsIsRefused() {
        let operations = String(repeating: #"{"op":"add","path":"title","value":"t"},"#, count: PatchRequest.maxOperations) + #"{"op":"add","path":"title","value":"t"}"#
        expectSCIMError(status: 400, scimType: .invalidValue) {
            try PatchRequest(body: json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operations)]}"#).objectValue!)
        }
    }
}
