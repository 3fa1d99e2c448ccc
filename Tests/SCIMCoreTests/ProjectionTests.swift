import RosterTestSupport
import SCIMCore
import Testing

/// RFC 7644 §3.4.2.5 `attributes` / `excludedAttributes`, with RFC 7643 §2.4 `returned`.
struct ProjectionTests {
    let user = json(#"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "id":"1","userName":"bjensen","title":"Guide","name":{"givenName":"B","familyName":"J"},
         "emails":[{"value":"a@x","type":"work"},{"value":"b@x","type":"home"}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"7","department":"Tours"},
         "meta":{"resourceType":"User"}}
        """#).objectValue!

    @Test func attributesKeepOnlyWhatWasAskedPlusIdAndSchemas() {
        let out = Projection(attributes: "userName,name.givenName,emails.value", excludedAttributes: nil, type: .user).apply(user)
        #expect(Set(out.keys) == ["schemas", "id", "userName", "name", "emails"])
        #expect(out["name"] == json(#"{"givenName":"B"}"#))
        #expect(out["emails"] == json(#"[{"value":"a@x"},{"value":"b@x"}]"#))
    }

    @Test func attributesAcceptURNQualifiedAndWholeExtensionNames() {
        let one = Projection(attributes: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", excludedAttributes: nil, type: .user).apply(user)
        #expect(one[CoreSchemas.enterpriseUserURN] == json(#"{"department":"Tours"}"#))
        let whole = Projection(attributes: "urn:ietf:params:scim:schemas:core:2.0:User:title," + CoreSchemas.enterpriseUserURN, excludedAttributes: nil, type: .user).apply(user)
        #expect(whole["title"] == .string("Guide"))
        #expect(whole[CoreSchemas.enterpriseUserURN]?.objectValue?.count == 2)
    }

    @Test func excludedAttributesDropThemButNeverIdOrSchemas() {
        let out = Projection(attributes: nil, excludedAttributes: "name,emails.type,id,schemas,UNKNOWN," + CoreSchemas.enterpriseUserURN, type: .user).apply(user)
        #expect(out["name"] == nil)
        #expect(out["emails"] == json(#"[{"value":"a@x"},{"value":"b@x"}]"#))
        #expect(out["id"] != nil && out["schemas"] != nil && out["title"] != nil)
        #expect(out[CoreSchemas.enterpriseUserURN] == nil)
    }

    @Test func passwordIsNeverReturnedEvenWhenAskedFor() {
        var withPassword = user
        withPassword["password"] = .string("secret")
        #expect(Projection(attributes: "password", excludedAttributes: nil, type: .user).apply(withPassword)["password"] == nil)
        #expect(Projection(attributes: nil, excludedAttributes: nil, type: .user).apply(withPassword)["password"] == nil)
    }
}
