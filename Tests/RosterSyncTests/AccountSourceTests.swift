import Foundation
@testable import RosterSync
import SCIMCore
import Testing

/// The import files' readers: RFC 4180 CSV (quotes, doubled quotes, line breaks in fields, CRLF,
/// a BOM) and NDJSON, each record named by its first line, a bad record failing alone, and a
/// reader reopened at a position it gave reading exactly the records that follow.
struct AccountSourceTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roster-source-\(UUID().uuidString)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func rfc4180RowsBecomeUsersWithTheirGroupsAndBadRowsFailByLine() throws {
        let path = try file("\u{FEFF}UserName,givenName,familyName,email,active,groups\r\n"
            + "bjensen@example.com,Barbara,Jensen,bjensen@example.com,true,Staff; Admins\r\n"
            + "\"jsmith@example.com\",John,\"Smith, \"\"Jr.\"\"\",,false,\n"
            + "\n"
            + "\"two\nlines@example.com\",A,B,,,\n"
            + "short,row\n"
            + "maybe@example.com,A,B,,sometimes,\n"
            + "\"open@example.com,A,B,,,\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var source = try CSVAccountSource(path: path, offset: 0, line: 1)
        let records = try source.next(limit: 100)
        #expect(records.map(\.line) == [2, 3, 5, 7, 8, 9], "\(records)")
        guard case .user(_, let first, let groups) = records[0] else { Issue.record("\(records[0])"); return }
        #expect(first["userName"] == .string("bjensen@example.com") && groups == ["Staff", "Admins"])
        #expect(first["name"] == .object(["givenName": .string("Barbara"), "familyName": .string("Jensen")]) && first["active"] == .bool(true))
        #expect(first["emails"] == .array([.object(["value": .string("bjensen@example.com"), "primary": .bool(true)])]))
        guard case .user(_, let second, _) = records[1] else { Issue.record("\(records[1])"); return }
        #expect(second["name"]?.objectValue?["familyName"] == .string("Smith, \"Jr.\"") && second["active"] == .bool(false) && second["emails"] == nil)
        guard case .user(_, let third, _) = records[2] else { Issue.record("\(records[2])"); return }
        #expect(third["userName"] == .string("two\nlines@example.com"))
        guard case .invalid(_, let fields) = records[3], case .invalid(_, let active) = records[4], case .invalid(_, let open) = records[5] else {
            Issue.record("\(records)"); return
        }
        #expect(fields.contains("2 fields") && active.contains("'active'") && open.contains("quoted"), "\(fields) / \(active) / \(open)")
        #expect(try source.next(limit: 100).isEmpty)
    }

    @Test func aHeaderWithAnUnknownOrMissingColumnIsRefusedBeforeAnyRow() throws {
        for header in ["userName,colour\n", "email,givenName\n", "userName,email,EMAIL\n", ""] {
            let path = try file(header + "x,y\n")
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                _ = try CSVAccountSource(path: path, offset: 0, line: 1)
                Issue.record("\(header) was accepted")
            } catch let error as SCIMError {
                #expect(error.status == 400 && error.scimType == .invalidValue, "\(error)")
            }
        }
    }

    @Test func aSourceReopenedAtItsPositionReadsTheSameRecordsOnwards() throws {
        let rows = (0..<50).map { "user\($0)@example.com,\"Given\n\($0)\"" }
        let path = try file("userName,givenName\n" + rows.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var whole = try CSVAccountSource(path: path, offset: 0, line: 1)
        let all = try whole.next(limit: 1000)
        var first = try CSVAccountSource(path: path, offset: 0, line: 1)
        let head = try first.next(limit: 17)
        var rest = try CSVAccountSource(path: path, offset: first.position.offset, line: first.position.line)
        #expect(head + (try rest.next(limit: 1000)) == all && all.count == 50)
        #expect(all.last?.line == 2 + 49 * 2, "lines count the breaks inside quoted fields")
    }

    @Test func ndjsonLinesAreUsersOrGroupsAndALineThatIsNotAnObjectFailsAlone() throws {
        let path = try file(#"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com"}
            [1,2]

            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Staff","members":[{"value":"a@example.com"}]}
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Bad","members":[{"display":"x"}]}
            {"userName":
            """#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var source = try NDJSONAccountSource(path: path, offset: 0, line: 1)
        let records = try source.next(limit: 100)
        #expect(records.map(\.line) == [1, 2, 4, 5, 6], "\(records)")
        guard case .user = records[0], case .invalid = records[1], case .group(_, let attributes, let members) = records[2],
              case .invalid = records[3], case .invalid = records[4] else { Issue.record("\(records)"); return }
        #expect(attributes["members"] == nil && members == ["a@example.com"])
    }
}
