import RosterTestSupport
import SCIMCore
import Testing

/// Filters are validated against the resource type's schemas in SCIMCore, the same for every
/// type and every store (RFC 7644 §3.4.2.2).
struct FilterValidationTests {
    /// RFC 7644 §3.4.2.2's examples and the IdPs' lookups: accepted for users.
    @Test(arguments: [
        #"userName eq "bjensen""#, #"name.familyName co "O'Malley""#, #"userName sw "J""#,
        #"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#, #"title pr"#, #"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        #"title pr and userType eq "Employee""#, #"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        #"emails[type eq "work" and value co "@example.com"]"#, #"meta.resourceType eq "User""#, #"meta.location pr"#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915""#, #"active eq true"#, #"externalId eq null"#,
    ])
    func userFiltersOfTheRFCAreAccepted(_ filter: String) throws {
        _ = try ResourceType.user.validateFilter(filter)
    }

    @Test(arguments: [
        (#"nosuch eq "x""#, "Unknown attribute"),
        (#"name.nosuch eq "x""#, "Unknown sub-attribute"),
        (#"urn:example:other:1.0:User:x eq "y""#, "Unknown schema"),
        (#"password eq "x""#, "never returned"),
        (#"active gt true"#, "boolean"),
        (#"active eq "true""#, "boolean"),
        (#"name eq "x""#, "complex"),
        (#"meta.created co "2011""#, "date"),
        (#"userName eq 3"#, "string"),
        (#"x509Certificates.value gt "a""#, "binary"),
        (#"title[value eq "x"]"#, "not a multi-valued attribute"),
        (#"emails[nosuch eq "x"]"#, "not a sub-attribute"),
        (#"emails[value eq "x" and emails[type eq "w"]]"#, "cannot nest"),
        (#"title gt null"#, "null"),
    ])
    func filtersThatDoNotFitTheUserSchemaAreInvalidFilters(_ filter: String, _ reason: String) {
        expectSCIMError(status: 400, scimType: .invalidFilter) { try ResourceType.user.validateFilter(filter) }
        do {
            _ = try ResourceType.user.validateFilter(filter)
        } catch {
            #expect(error.detail.contains(reason), "\(error.detail)")
        }
    }

    @Test func eachTypeAcceptsOnlyWhatItsSchemasName() {
        #expect(ResourceType.user.accepts(filter: #"userName eq "x""#) && !ResourceType.group.accepts(filter: #"userName eq "x""#))
        #expect(ResourceType.group.accepts(filter: #"members[value eq "x"]"#) && !ResourceType.user.accepts(filter: #"members[value eq "x"]"#))
        for shared in [#"externalId eq "x""#, #"meta.resourceType eq "Group""#, #"id pr"#, #"displayName co "a""#] {
            #expect(ResourceType.user.accepts(filter: shared) && ResourceType.group.accepts(filter: shared), "\(shared)")
        }
    }

    /// `emails eq "x"` compares the elements' `value` (RFC 7644 §3.4.2.2); a valuePath's inner
    /// paths are the elements' sub-attributes.
    @Test func impliedValueAndElementPathsAreResolved() throws {
        guard case .compare(let a, .eq, _) = try ResourceType.user.validateFilter(#"emails eq "x""#) else { Issue.record("not a comparison"); return }
        #expect(a.key == "emails.value" && a.compared.name == "value")
        guard case .valuePath(let parent, .compare(let inner, .eq, _)) = try ResourceType.group.validateFilter(#"members[type eq "User"]"#) else {
            Issue.record("not a value path")
            return
        }
        #expect(parent.key == "members" && inner.key == "members.type")
        let manager = try ResourceType.user.resolve(AttributePath(parsing: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value")!)
        #expect(manager.key == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager.value")
    }

    @Test func sortByIsResolvedOrRefusedAsInvalidValue() throws {
        #expect(try ResourceType.user.sortAttribute("emails").key == "emails.value")
        #expect(try ResourceType.group.sortAttribute("displayName").key == "displayname")
        expectSCIMError(status: 400, scimType: .invalidValue) { try ResourceType.group.sortAttribute("userName") }
        expectSCIMError(status: 400, scimType: .invalidValue) { try ResourceType.user.sortAttribute("name") }
        expectSCIMError(status: 400, scimType: .invalidValue) { try ResourceType.user.sortAttribute("a b") }
    }
}
