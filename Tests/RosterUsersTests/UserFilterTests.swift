import GRDB
import RosterPersistence
@testable import RosterUsers
import RosterProtocol
import SCIMCore
import RosterTestSupport
import Testing

/// RFC 7644 §3.4.2.2 filters over a small directory, through the real store.
struct UserFilterTests {
    static let people: [[String: JSONValue]] = [
        ["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("bjensen"), "title": .string("Tour Guide"), "active": .bool(true),
         "name": .object(["familyName": .string("Jensen"), "givenName": .string("Barbara")]),
         "emails": .array([.object(["value": .string("bjensen@example.com"), "type": .string("work"), "primary": .bool(true)]),
                           .object(["value": .string("babs@jensen.org"), "type": .string("home")])]),
         CoreSchemas.enterpriseUserURN: .object(["employeeNumber": .string("701984"), "department": .string("Tour Operations")])],
        ["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("Ärger"), "title": .string("Engineer"), "active": .bool(false),
         "name": .object(["familyName": .string("O'Malley")]), "externalId": .string("X-2"),
         "emails": .array([.object(["value": .string("arger@example.org"), "type": .string("work")])])],
        ["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("zed"), "nickName": .string("Z")],
    ]

    static let cases: [(String, [String])] = [
        (#"userName eq "BJENSEN""#, ["bjensen"]),
        (#"userName eq "ärger""#, ["Ärger"]),
        (#"userName sw "b""#, ["bjensen"]),
        (#"userName ew "EN""#, ["bjensen"]),
        (#"userName co "rge""#, ["Ärger"]),
        (#"userName gt "bjensen""#, ["zed", "Ärger"]),
        (#"title pr"#, ["bjensen", "Ärger"]),
        (#"not (title pr)"#, ["zed"]),
        (#"title eq "tour guide""#, ["bjensen"]),
        (#"title ne "Engineer""#, ["bjensen", "zed"]),
        (#"active eq true"#, ["bjensen"]),
        (#"active eq false"#, ["Ärger"]),
        (#"name.familyName co "'""#, ["Ärger"]),
        (#"emails.type eq "home""#, ["bjensen"]),
        (#"emails co "example.""#, ["bjensen", "Ärger"]),
        (#"emails[type eq "work" and value ew ".org"]"#, ["Ärger"]),
        (#"emails[type eq "work"].value eq "BJENSEN@example.com""#, ["bjensen"]),
        (#"emails.value eq "babs@jensen.org""#, ["bjensen"]),
        (#"emails pr"#, ["bjensen", "Ärger"]),
        (#"externalId eq "X-2""#, ["Ärger"]),
        (#"externalId eq "x-2""#, []),
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#, ["bjensen"]),
        (#"urn:ietf:params:scim:schemas:core:2.0:User:nickName eq "z""#, ["zed"]),
        (#"(title pr or nickName pr) and not (active eq true)"#, ["Ärger", "zed"]),
        (#"title eq null"#, ["zed"]),
        (#"meta.created gt "2000-01-01T00:00:00Z""#, ["bjensen", "Ärger", "zed"]),
    ]

    @Test(arguments: cases)
    func filterSelectsExactlyTheMatchingUsers(_ filter: String, _ expected: [String]) throws {
        try withUserStore { store, _ throws in
            for person in Self.people { _ = try store.run(CreateUser(directoryID: "d", attributes: person, passwordHash: nil)) }
            let result = try store.run(QueryUsers(directoryID: "d", filter: filter, startIndex: 1, count: 10))
            let names = result.resources.compactMap { $0.attributes["userName"]?.stringValue }
            #expect(Set(names) == Set(expected), "\(filter)")
            #expect(result.totalResults == expected.count)
        }
    }

    @Test(arguments: [
        #"nosuch eq "x""#, #"name eq "x""#, #"active gt true"#, #"active eq "yes""#, #"title gt 3"#, #"password eq "x""#,
        #"emails[nosuch eq "x"]"#, #"title[value eq "x"]"#, #"urn:example:other:attr eq "x""#, #"meta.created co "2020""#,
    ])
    func filtersThatDoNotFitTheSchemaAreInvalidFilter(_ filter: String) throws {
        try withUserStore { store, _ throws in
            expectSCIMError(status: 400, scimType: .invalidFilter) {
                try store.run(QueryUsers(directoryID: "d", filter: filter, startIndex: 1, count: 10))
            }
        }
    }

    @Test func sortByOrdersWithMissingValuesLastAndValidatesThePath() throws {
        try withUserStore { store, _ throws in
            for person in Self.people { _ = try store.run(CreateUser(directoryID: "d", attributes: person, passwordHash: nil)) }
            func names(_ sortBy: String, descending: Bool = false) throws -> [String] {
                try store.run(QueryUsers(directoryID: "d", filter: nil, startIndex: 1, count: 10, sortBy: sortBy, descending: descending))
                    .resources.compactMap { $0.attributes["userName"]?.stringValue }
            }
            #expect(try names("userName") == ["bjensen", "zed", "Ärger"])
            #expect(try names("userName", descending: true) == ["Ärger", "zed", "bjensen"])
            #expect(try names("title") == ["Ärger", "bjensen", "zed"])
            #expect(try names("title", descending: true) == ["bjensen", "Ärger", "zed"])
            #expect(try names("emails") == ["Ärger", "bjensen", "zed"])
            expectSCIMError(status: 400, scimType: .invalidValue) { try names("nosuch") }
        }
    }
}

/// Filters on indexed attributes must stay index lookups at any directory size.
struct UserFilterPlanTests {
    @Test(arguments: [
        (#"userName eq "x""#, "user_directory_userNameKey"),
        (#"externalId eq "x""#, "user_directory_externalId"),
        (#"emails.value eq "x@y""#, "userEmail_directory_value"),
        // Dormant accounts: the last sign-in before a date.
        (#"meta.lastLogin lt "2026-01-01T00:00:00.000Z""#, "user_directory_lastLogin"),
    ])
    func indexedFiltersUseTheirIndex(_ filter: String, _ index: String) throws {
        try withUserStore { _, pool throws in
            // The statement the store runs for this query, not one written here.
            let query = try UserStore.table.query(directoryID: "d", filter: filter, sortBy: nil, descending: false, locationPrefix: "")
            let plan = try pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + UserStore.table.pageSQL(query, filtered: true),
                                 arguments: query.condition.arguments + [10, 0]).map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains(index) }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN user") }, "\(plan)")
        }
    }
}

/// The dormant-account report over a directory of 100,000 users: `meta.lastLogin lt` returns
/// exactly the users whose last sign-in is older (never-signed-in ones are `not (meta.lastLogin pr)`),
/// through its index.
struct DormantAccountHeavyTests {
    @Test func theDormantFilterFindsExactlyTheOlderSignInsAmong100000Users() throws {
        try withUserStore { store, pool throws in
            let count = 100_000
            try pool.write { db in
                for i in 0..<count {
                    let attributes: [String: JSONValue] = ["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string("user\(i)@example.com")]
                    _ = try UserStore.table.insert(db, directoryID: "d", attributes: attributes, json: WireJSON.bytes(attributes))
                }
            }
            // Every third user signed in: in 2025 when i % 2 == 0, else in 2026.
            var logins: [RecordLogins.Login] = []
            for i in stride(from: 0, to: count, by: 3) {
                logins.append(.init(userName: "user\(i)@example.com", at: i % 2 == 0 ? "2025-03-01T08:00:00.000Z" : "2026-03-01T08:00:00.000Z"))
            }
            for chunk in stride(from: 0, to: logins.count, by: 10_000) {
                _ = try store.run(RecordLogins(directoryID: "d", logins: Array(logins[chunk..<min(chunk + 10_000, logins.count)])))
            }
            let before2026 = logins.filter { $0.at.hasPrefix("2025") }.count
            let dormant = try store.run(QueryUsers(directoryID: "d", filter: #"meta.lastLogin lt "2026-01-01T00:00:00Z""#, startIndex: 1, count: 5, sortBy: "meta.lastLogin"))
            #expect(dormant.totalResults == before2026, "\(dormant.totalResults) of \(before2026)")
            #expect(dormant.resources.allSatisfy { $0.lastLogin?.hasPrefix("2025") == true })
            let never = try store.run(QueryUsers(directoryID: "d", filter: "not (meta.lastLogin pr)", startIndex: 1, count: 1))
            #expect(never.totalResults == count - logins.count)
        }
    }
}
