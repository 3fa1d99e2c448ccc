import Foundation
import RosterTestSupport
import SCIMCore
import Testing

struct JSONValueTests {
    @Test func roundTripsThroughSerialisation() throws {
        let value = JSONValue.object([
            "meta": .object(["version": .string("W/\"1\"")]), "id": .string("1"), "schemas": .array([.string("s")]),
            "n": .int(-3), "d": .double(1.5), "b": .bool(false), "z": .null, "s": .string("quote \" back \\ nl \n tab \t ctl \u{01} é"),
        ])
        let parsed = try JSONValue.parse(value.serializedData())
        #expect(parsed == value)
    }

    @Test func keysComeInScimReadingOrder() {
        let text = JSONValue.object(["meta": .int(1), "userName": .int(2), "id": .int(3), "schemas": .int(4), "externalId": .int(5)]).serializedString()
        #expect(text == #"{"schemas":4,"id":3,"externalId":5,"userName":2,"meta":1}"#)
    }

    @Test func malformedJSONIsInvalidSyntax() {
        #expect(throws: SCIMError.invalidSyntax("The request body must be a JSON object.")) {
            try JSONValue.parseObject(Data("[1]".utf8))
        }
        expectSCIMError(status: 400, scimType: .invalidSyntax) {
            try JSONValue.parse(Data("{bad".utf8))
        }
    }

    /// RFC 7644 §3.12: `status` is a string in the error body.
    @Test func errorBodyCarriesStatusAsString() {
        #expect(SCIMError.uniqueness("taken").body == .object([
            "schemas": .array([.string("urn:ietf:params:scim:api:messages:2.0:Error")]),
            "status": .string("409"), "scimType": .string("uniqueness"), "detail": .string("taken"),
        ]))
    }

    /// Okta requires integers, not strings, for the counts of a ListResponse.
    @Test func listResponseCountsAreIntegers() {
        let body = ListResponse(totalResults: 7, startIndex: 3, resources: [.object([:])]).body.objectValue!
        #expect(body["totalResults"] == .int(7))
        #expect(body["startIndex"] == .int(3))
        #expect(body["itemsPerPage"] == .int(1))
    }
}

struct JSONParserTests {
    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", "-", "tru", "\"\\x\"", "\"a\u{01}\"", "{\"a\":1}{", "[\"\\ud800\"]", "NaN", "{a:1}",
    ])
    func malformedDocumentsAreInvalidSyntaxNotCrashes(_ text: String) {
        expectSCIMError(status: 400, scimType: .invalidSyntax) {
            try JSONValue.parse(Data(text.utf8))
        }
    }

    @Test func deepNestingIsRefusedInsteadOfOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        expectSCIMError(status: 400, scimType: .invalidSyntax) { try JSONValue.parse(Data(deep.utf8)) }
    }

    @Test func duplicateMembersAreRefused() {
        expectSCIMError(status: 400, scimType: .invalidSyntax) { try JSONValue.parse(Data(#"{"userName":"a","userName":"b"}"#.utf8)) }
    }

    @Test func escapesSurrogatesAndNumbersDecode() throws {
        let parsed = try JSONValue.parse(Data(#"["\u00e9\ud83d\ude00\n\/", -0, 12, 1.5e3, 9223372036854775807, true, null]"#.utf8))
        #expect(parsed == .array([.string("é😀\n/"), .int(0), .int(12), .double(1500), .int(Int64.max), .bool(true), .null]))
        expectSCIMError(status: 400, scimType: .invalidSyntax) { try JSONValue.parse(Data("1e400".utf8)) }
    }
}
