import RosterTestSupport
import SCIMCore
import Testing

struct FilterParserTests {
    let parser = FilterParser()

    @Test func equalityOnUserNameFromOktaLookup() throws {
        #expect(try parser.parse(#"userName eq "test.user@okta.local""#) == .compare(AttributePath(attribute: "userName"), .eq, .string("test.user@okta.local")))
    }

    @Test(arguments: ["username Eq \"x\"", "USERNAME EQ \"x\"", "userName eq \"x\""])
    func operatorsAndAttributeNamesIgnoreCase(_ text: String) throws {
        guard case .compare(let path, .eq, .string("x")) = try parser.parse(text) else {
            Issue.record("not an eq comparison: \(text)")
            return
        }
        #expect(path.normalizedName == "username")
    }

    @Test func andBindsTighterThanOr() throws {
        let a = FilterExpression.present(AttributePath(attribute: "a"))
        let b = FilterExpression.present(AttributePath(attribute: "b"))
        let c = FilterExpression.present(AttributePath(attribute: "c"))
        #expect(try parser.parse("a pr or b pr and c pr") == .or(a, .and(b, c)))
        #expect(try parser.parse("(a pr or b pr) and c pr") == .and(.or(a, b), c))
        #expect(try parser.parse("not (a pr) and b pr") == .and(.not(a), b))
    }

    /// RFC 7644 §3.4.2.2: `emails[type eq "work" and value co "@example.com"]`.
    @Test func complexAttributeFilter() throws {
        let parsed = try parser.parse(#"emails[type eq "work" and value co "@example.com"]"#)
        #expect(parsed == .valuePath(AttributePath(attribute: "emails"), .and(
            .compare(AttributePath(attribute: "type"), .eq, .string("work")),
            .compare(AttributePath(attribute: "value"), .co, .string("@example.com")))))
    }

    /// Entra ID's uniqueness check: `emails[type eq "work"].value eq "user@contoso.com"`.
    @Test func entraValuePathWithSubAttributeComparison() throws {
        let parsed = try parser.parse(#"emails[type eq "work"].value eq "user@contoso.com""#)
        #expect(parsed == .valuePath(AttributePath(attribute: "emails"), .and(
            .compare(AttributePath(attribute: "type"), .eq, .string("work")),
            .compare(AttributePath(attribute: "value"), .eq, .string("user@contoso.com")))))
    }

    @Test func urnQualifiedAttribute() throws {
        let parsed = try parser.parse(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "42""#)
        #expect(parsed == .compare(
            AttributePath(schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", attribute: "employeeNumber"), .eq, .string("42")))
    }

    @Test func literalsAndEscapes() throws {
        #expect(try parser.parse("active eq true") == .compare(AttributePath(attribute: "active"), .eq, .bool(true)))
        #expect(try parser.parse("x eq null") == .compare(AttributePath(attribute: "x"), .eq, .null))
        #expect(try parser.parse("x gt 10.5") == .compare(AttributePath(attribute: "x"), .gt, .number(10.5)))
        #expect(try parser.parse(#"name.familyName eq "O\"Brien \\ x""#)
            == .compare(AttributePath(attribute: "name", subAttribute: "familyName"), .eq, .string(#"O"Brien \ x"#)))
        #expect(try parser.parse(#"title eq "Senior Engineer""#) == .compare(AttributePath(attribute: "title"), .eq, .string("Senior Engineer")))
    }

    @Test(arguments: [
        "", "userName", "userName eq", "userName xx \"a\"", "userName eq bare", "(userName pr", "userName pr)",
        "emails[type eq \"work\"", "not userName pr", "userName eq \"unterminated", "a pr and", "1abc pr", "a.b.c pr",
        "\"x\" eq \"y\"", "a eq \"\\q\"",
    ])
    func malformedFiltersAreInvalidFilterErrors(_ text: String) {
        expectSCIMError(status: 400, scimType: .invalidFilter) {
            try parser.parse(text)
        }
    }

    @Test func depthAndLengthAreBounded() {
        let deep = String(repeating: "(", count: 100) + "a pr" + String(repeating: ")", count: 100)
        expectSCIMError(status: 400, scimType: .invalidFilter) { try parser.parse(deep) }
        let long = "a eq \"" + String(repeating: "x", count: 5000) + "\""
        expectSCIMError(status: 400, scimType: .invalidFilter) { try parser.parse(long) }
    }
}
