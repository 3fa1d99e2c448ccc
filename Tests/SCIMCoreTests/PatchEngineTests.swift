import Foundation
import RosterTestSupport
import SCIMCore
import Testing


func patch(_ resource: String, _ body: String, id: String = "2819c223") throws -> [String: JSONValue] {
    let request = try PatchRequest(body: json(body).objectValue!)
    return try PatchEngine.user.apply(request, to: json(resource).objectValue!, resourceID: id)
}

let bjensen = #"""
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","active":true,
 "name":{"familyName":"Jensen","givenName":"Barbara"},
 "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}]}
"""#

func ops(_ operations: String) -> String {
    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":"# + operations + "}"
}

struct PatchEngineTests {
    /// RFC 7644 §3.5.2.1: add a value to a multi-valued attribute.
    @Test func rfc7644_3_5_2_1_addAppendsToMultiValued() throws {
        let out = try patch(bjensen, ops(#"[{"op":"add","path":"emails","value":[{"value":"b@other.org","type":"other"}]}]"#))
        #expect(out["emails"]?.arrayValue?.count == 3)
    }

    /// RFC 7644 §3.5.2.1: add with no path merges the value's attributes.
    @Test func rfc7644_3_5_2_1_addWithoutPathMerges() throws {
        let out = try patch(bjensen, ops(#"[{"op":"add","value":{"nickName":"Babs","name":{"middleName":"J"}}}]"#))
        #expect(out["nickName"] == .string("Babs"))
        #expect(out["name"] == json(#"{"familyName":"Jensen","givenName":"Barbara","middleName":"J"}"#))
    }

    /// RFC 7644 §3.5.2.2: remove the elements a value filter selects.
    @Test func rfc7644_3_5_2_2_removeWithValueFilter() throws {
        let out = try patch(bjensen, ops(#"[{"op":"remove","path":"emails[type eq \"home\"]"}]"#))
        #expect(out["emails"] == json(#"[{"value":"bjensen@example.com","type":"work","primary":true}]"#))
    }

    /// RFC 7644 §3.5.2.2: remove without a path is noTarget.
    @Test func rfc7644_3_5_2_2_removeWithoutPathIsNoTarget() {
        #expect(throws: SCIMError.noTarget("Operation 1: 'remove' needs a 'path'.")) {
            try patch(bjensen, ops(#"[{"op":"remove"}]"#))
        }
    }

    /// RFC 7644 §3.5.2.3: replace a sub-attribute of the selected element.
    @Test func rfc7644_3_5_2_3_replaceSubAttributeThroughFilter() throws {
        let out = try patch(bjensen, ops(#"[{"op":"replace","path":"emails[type eq \"work\"].value","value":"barbara@example.com"}]"#))
        #expect(out["emails"]?.arrayValue?.first?.objectValue?["value"] == .string("barbara@example.com"))
    }

    /// RFC 7644 §3.5.2.3: replace of a multi-valued attribute without a filter replaces all of it.
    @Test func rfc7644_3_5_2_3_replaceWholeMultiValued() throws {
        let out = try patch(bjensen, ops(#"[{"op":"replace","path":"emails","value":[{"value":"only@x.org"}]}]"#))
        #expect(out["emails"] == json(#"[{"value":"only@x.org"}]"#))
    }

    /// Entra ID: `Replace` capitalised, `active` as the string "False".
    @Test func entraCapitalisedOpAndStringBoolean() throws {
        let out = try patch(bjensen, ops(#"[{"op":"Replace","path":"active","value":"False"}]"#))
        #expect(try ResourceNormalizer.user.normalize(out).resource["active"] == .bool(false))
    }

    /// Entra ID with `aadOptscim062020`: path-less replace with dotted and URN keys.
    @Test func entraPathlessDottedAndURNKeys() throws {
        let out = try patch(bjensen, ops(#"""
            [{"op":"replace","value":{"displayName":"Bjfe","name.givenName":"Kkom","name.familyName":"Unua",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Aklq"}}]
            """#))
        #expect(out["displayName"] == .string("Bjfe"))
        #expect(out["name"] == json(#"{"familyName":"Unua","givenName":"Kkom"}"#))
        #expect(out[CoreSchemas.enterpriseUserURN] == json(#"{"employeeNumber":"Aklq"}"#))
    }

    /// Entra ID: add through a value filter that matches nothing creates the element.
    @Test func entraCreateOnAbsentThroughValueFilter() throws {
        let out = try patch(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}"#,
                            ops(#"[{"op":"Add","path":"emails[type eq \"work\"].value","value":"x@contoso.com"}]"#))
        #expect(out["emails"] == json(#"[{"type":"work","value":"x@contoso.com"}]"#))
    }

    /// Okta: deactivate is a path-less replace; its group rename carries `id` in the value.
    @Test func oktaPathlessReplaceWithOwnID() throws {
        let out = try patch(bjensen, ops(#"[{"op":"replace","value":{"id":"2819c223","active":false}}]"#))
        #expect(out["active"] == .bool(false))
        expectSCIMError(status: 400, scimType: .mutability) { try patch(bjensen, ops(#"[{"op":"replace","value":{"id":"someone-else"}}]"#)) }
    }

    @Test func settingAPrimaryClearsTheOthers() throws {
        let out = try patch(bjensen, ops(#"[{"op":"add","path":"emails","value":[{"value":"new@x.org","primary":true}]}]"#))
        let primaries = out["emails"]?.arrayValue?.filter { $0.objectValue?["primary"] == .bool(true) }
        #expect(primaries == [json(#"{"value":"new@x.org","primary":true}"#)])
    }

    @Test func extensionAttributesByURNPath() throws {
        let out = try patch(bjensen, ops(#"""
            [{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"26118915"}},
             {"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"department":"Tours"}}]
            """#))
        #expect(out[CoreSchemas.enterpriseUserURN] == json(#"{"manager":{"value":"26118915"},"department":"Tours"}"#))
        let removed = try PatchEngine.user.apply(
            PatchRequest(body: json(ops(#"[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}]"#)).objectValue!),
            to: out, resourceID: "2819c223")
        #expect(removed[CoreSchemas.enterpriseUserURN] == nil)
    }

    @Test(arguments: [
        (ops(#"[]"#), SCIMErrorType.invalidSyntax),
        (ops(#"[{"op":"frobnicate","path":"title","value":"x"}]"#), .invalidSyntax),
        (ops(#"[{"op":"add","path":"title"}]"#), .invalidSyntax),
        (#"{"Operations":[{"op":"add","path":"title","value":"x"}]}"#, .invalidSyntax),
        (ops(#"[{"op":"add","path":"nosuch","value":"x"}]"#), .invalidPath),
        (ops(#"[{"op":"add","path":"emails[type eq","value":"x"}]"#), .invalidPath),
        (ops(#"[{"op":"replace","path":"id","value":"x"}]"#), .mutability),
        (ops(#"[{"op":"replace","path":"meta.created","value":"x"}]"#), .mutability),
        (ops(#"[{"op":"remove","path":"userName"}]"#), .invalidValue),
        (ops(#"[{"op":"replace","path":"addresses[type eq \"work\" or primary eq true].locality","value":"x"}]"#), .noTarget),
    ])
    func badPatchesGetThePreciseError(_ body: String, _ expected: SCIMErrorType) {
        expectSCIMError(status: 400, scimType: expected) {
            try patch(bjensen, body)
        }
    }

    /// RFC 7644 §3.5.2.3: replace through a filter replaces each matched element.
    @Test func replaceThroughFilterReplacesEveryMatch() throws {
        let out = try patch(bjensen, ops(#"[{"op":"replace","path":"emails[type eq \"work\" or type eq \"home\"]","value":{"value":"x"}}]"#))
        #expect(out["emails"] == json(#"[{"value":"x"},{"value":"x"}]"#))
    }

    @Test func passwordIsTakenOutOfEveryForm() throws {
        let request = try PatchRequest(body: json(ops(#"""
            [{"op":"replace","path":"password","value":"first"},{"op":"replace","value":{"Password":"second","title":"x"}}]
            """#)).objectValue!)
        let (rest, change) = try request.extractingPassword()
        #expect(change == .set("second"))
        #expect(rest.operations == [PatchRequest.Operation(op: .replace, path: nil, value: json(#"{"title":"x"}"#))])
    }
}
