/// The schemas of RFC 7643 §4 and §8.7.1 that Roster serves.
public enum CoreSchemas {
    public static let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
    public static let groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"
    public static let enterpriseUserURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    public static let listResponseURN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

    private typealias A = SchemaAttribute

    /// `type`, `primary`, `display`, `value` and friends of a multi-valued attribute (RFC 7643 §2.4).
    private static func multi(_ name: String, types: [String], valueType: A.DataType = .string, extra: [A] = []) -> A {
        A(name, .complex, multiValued: true, subAttributes: [
            A("value", valueType), A("display"), A("type", canonicalValues: types), A("primary", .boolean),
        ] + extra)
    }

    /// Names of the common attributes (RFC 7643 §3.1), which schema representations leave out.
    public static let commonAttributeNames: Set<String> = ["id", "externalId", "meta"]

    /// `id`, `externalId` and `meta` (RFC 7643 §3.1), which every resource type's core schema starts with.
    public static let commonAttributes: [SchemaAttribute] = [
        A("id", caseExact: true, mutability: .readOnly, returned: .always, uniqueness: .server),
        A("externalId", caseExact: true),
        A("meta", .complex, mutability: .readOnly, subAttributes: [
            A("resourceType", caseExact: true, mutability: .readOnly), A("created", .dateTime, mutability: .readOnly),
            A("lastModified", .dateTime, mutability: .readOnly), A("location", .reference, caseExact: true, mutability: .readOnly),
            A("version", caseExact: true, mutability: .readOnly),
            // Roster's: the last sign-in an application reported (users; shown when the directory's setting is on).
            A("lastLogin", .dateTime, mutability: .readOnly),
        ]),
    ]

    /// Roster's user extension for the last sign-in, listed in `/Schemas` and `/ResourceTypes` of
    /// a directory whose `lastLogin` setting is on. Read-only: only applications report it.
    public static let lastLoginURN = "urn:roster:params:scim:schemas:extension:lastlogin:2.0:User"
    public static let lastLogin = Schema(id: lastLoginURN, name: "LastLogin", description: "The last sign-in an application reported", attributes: [
        A("lastLogin", .dateTime, mutability: .readOnly),
    ])

    /// RFC 7643 §4.1, §8.7.1.
    public static let user = Schema(id: userURN, name: "User", description: "User Account", attributes: commonAttributes + [
        A("userName", required: true, uniqueness: .server),
        A("name", .complex, subAttributes: [
            A("formatted"), A("familyName"), A("givenName"), A("middleName"), A("honorificPrefix"), A("honorificSuffix"),
        ]),
        A("displayName"), A("nickName"), A("profileUrl", .reference), A("title"), A("userType"),
        A("preferredLanguage"), A("locale"), A("timezone"), A("active", .boolean),
        A("password", mutability: .writeOnly, returned: .never),
        multi("emails", types: ["work", "home", "other"]),
        multi("phoneNumbers", types: ["work", "home", "mobile", "fax", "pager", "other"]),
        multi("ims", types: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
        multi("photos", types: ["photo", "thumbnail"], valueType: .reference),
        A("addresses", .complex, multiValued: true, subAttributes: [
            A("formatted"), A("streetAddress"), A("locality"), A("region"), A("postalCode"), A("country"),
            A("type", canonicalValues: ["work", "home", "other"]), A("primary", .boolean),
        ]),
        A("groups", .complex, multiValued: true, mutability: .readOnly, subAttributes: [
            A("value", mutability: .readOnly), A("$ref", .reference, mutability: .readOnly, referenceTypes: ["User", "Group"]),
            A("display", mutability: .readOnly), A("type", mutability: .readOnly, canonicalValues: ["direct", "indirect"]),
        ]),
        multi("entitlements", types: []), multi("roles", types: []),
        multi("x509Certificates", types: [], valueType: .binary),
    ])

    /// RFC 7643 §4.2, §8.7.1. `members.display` is accepted too: Okta sends it.
    public static let group = Schema(id: groupURN, name: "Group", description: "Group", attributes: commonAttributes + [
        A("displayName", required: true, uniqueness: .server),
        A("members", .complex, multiValued: true, subAttributes: [
            A("value", caseExact: true, mutability: .immutable),
            A("$ref", .reference, mutability: .immutable, referenceTypes: ["User", "Group"]),
            A("display", mutability: .immutable),
            A("type", mutability: .immutable, canonicalValues: ["User", "Group"]),
        ]),
    ])

    /// RFC 7643 §4.3.
    public static let enterpriseUser = Schema(id: enterpriseUserURN, name: "EnterpriseUser", description: "Enterprise User", attributes: [
        A("employeeNumber"), A("costCenter"), A("organization"), A("division"), A("department"),
        A("manager", .complex, subAttributes: [
            A("value"), A("$ref", .reference, referenceTypes: ["User"]), A("displayName", mutability: .readOnly),
        ]),
    ])
}
