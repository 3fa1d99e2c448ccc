import RosterTestSupport
import SCIMCore
import Testing

struct ResourceNormalizerTests {
    let normalizer = ResourceNormalizer.user

    /// Entra ID capitalises attribute names (`"UserName"`, `"Active"`) and sends `"True"` as a string.
    @Test func entraCapitalisedNamesAndStringBooleansBecomeCanonical() throws {
        let result = try normalizer.normalize([
            "schemas": .array([.string(CoreSchemas.userURN)]),
            "UserName": .string("bjensen"),
            "Active": .string("True"),
            "Emails": .array([.object(["Value": .string("b@x.org"), "Primary": .bool(true)])]),
        ])
        #expect(result.resource["userName"] == .string("bjensen"))
        #expect(result.resource["active"] == .bool(true))
        #expect(result.resource["emails"] == .array([.object(["value": .string("b@x.org"), "primary": .bool(true)])]))
    }

    /// RFC 7643 §2.2: read-only attributes sent by a client are ignored; `password` is never kept in the resource.
    @Test func readOnlyAttributesDroppedAndPasswordSetApart() throws {
        let result = try normalizer.normalize([
            "schemas": .array([.string(CoreSchemas.userURN)]),
            "id": .string("client-chosen"), "meta": .object(["version": .string("W/\"9\"")]), "groups": .array([]),
            "userName": .string("okta.user"), "password": .string("1mz050nq"),
        ])
        #expect(result.resource["id"] == nil)
        #expect(result.resource["meta"] == nil)
        #expect(result.resource["groups"] == nil)
        #expect(result.resource["password"] == nil)
        #expect(result.writeOnly["password"] == .string("1mz050nq"))
    }

    @Test func enterpriseExtensionIsKeptUnderItsURN() throws {
        let result = try normalizer.normalize([
            "schemas": .array([.string(CoreSchemas.userURN), .string(CoreSchemas.enterpriseUserURN)]),
            "userName": .string("u"),
            CoreSchemas.enterpriseUserURN: .object(["EmployeeNumber": .string("701984")]),
        ])
        #expect(result.resource[CoreSchemas.enterpriseUserURN] == .object(["employeeNumber": .string("701984")]))
        #expect(result.resource["schemas"] == .array([.string(CoreSchemas.userURN), .string(CoreSchemas.enterpriseUserURN)]))
    }

    @Test(arguments: [
        (["schemas": JSONValue.array([.string(CoreSchemas.userURN)]), "userName": .string("u"), "favouriteColour": .string("red")], SCIMErrorType.invalidSyntax),
        (["schemas": .array([.string("urn:example:unknown")]), "userName": .string("u")], .invalidSyntax),
        (["userName": .string("u")], .invalidSyntax),
        (["schemas": .array([.string(CoreSchemas.userURN)])], .invalidValue),
        (["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .int(3)], .invalidValue),
        (["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("u"), "active": .string("maybe")], .invalidValue),
        (["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("u"), "name": .object(["nick": .string("x")])], .invalidSyntax),
    ])
    func invalidUsersAreRejectedWithThePreciseScimType(_ body: [String: JSONValue], _ expected: SCIMErrorType) {
        expectSCIMError(status: 400, scimType: expected) {
            try normalizer.normalize(body)
        }
    }
}
