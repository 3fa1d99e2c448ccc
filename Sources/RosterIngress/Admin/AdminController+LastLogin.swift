import Foundation
import Hummingbird
import NIOCore
import RosterProtocol
import SCIMCore

/// Last sign-ins: applications report them; a directory's setting shows them on user reads.
extension AdminController {
    /// At most this many sign-ins per request (`roster lastlogin import` sends batches of 1,000).
    static let maxLogins = 10_000
    /// At most this many users in one dormant-account report.
    static let maxReportRows = 100_000

    func addLastLoginRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.post("directories/:id/logins") { request, context in
            let directory = try await directory(try context.parameters.require("id"))
            guard let users else { throw SCIMError.unavailable("This ingress has no users workers.") }
            let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
            let entries: [JSONValue]
            if let many = body["logins"]?.arrayValue { entries = many } else if body["userName"] != nil { entries = [.object(body)] } else {
                throw SCIMError.invalidValue("Send {\"logins\": [{\"userName\": …, \"at\": \"2026-12-01T09:30:00Z\"}, …]} or one {\"userName\", \"at\"}.")
            }
            guard entries.count <= Self.maxLogins else { throw SCIMError.invalidValue("At most \(Self.maxLogins) sign-ins per request, not \(entries.count).") }
            let logins = try entries.enumerated().map { index, entry throws(SCIMError) in try Self.login(entry, index: index) }
            let recorded = try await users.send(RecordLogins(directoryID: directory, logins: logins), shardKey: directory)
            return SCIMResponse.json(.ok, .object([
                "updated": .int(Int64(recorded.updated)), "unchanged": .int(Int64(recorded.unchanged)),
                "unknown": .array(recorded.unknown.map(JSONValue.string)),
            ]))
        }
        // The dormant-account report (`roster lastlogin report`): users whose last sign-in is before
        // a time, and (unless ?never=false) those never seen, oldest first, as JSON or CSV.
        group.get("directories/:id/dormant") { request, context in
            let directory = try await directory(try context.parameters.require("id"))
            guard let users else { throw SCIMError.unavailable("This ingress has no users workers.") }
            guard let given = request.uri.queryParameters["before"].map(String.init), let before = Timestamp.parse(given) else {
                throw SCIMError.invalidValue("?before= takes an RFC 3339 time such as 2026-01-01T00:00:00Z.")
            }
            let never = request.uri.queryParameters["never"].map { $0 != "false" } ?? true
            let since = Timestamp.string(from: before)
            let filter = never ? #"meta.lastLogin lt "\#(since)" or not (meta.lastLogin pr)"# : #"meta.lastLogin lt "\#(since)""#
            var rows: [[String]] = []
            var start = 1
            while rows.count < Self.maxReportRows {
                let page = try await users.send(QueryUsers(directoryID: directory, filter: filter, startIndex: start, count: 1000, sortBy: "meta.lastLogin"), shardKey: directory)
                rows += page.resources.map { r in
                    [r.attributes["userName"]?.stringValue ?? "", r.id, r.lastLogin ?? "", r.attributes["active"].map { $0 == .bool(false) ? "false" : "true" } ?? "true"]
                }
                start += page.resources.count
                if page.resources.isEmpty || start > page.totalResults { break }
            }
            if request.uri.queryParameters["format"] == "csv" {
                var out: [UInt8] = []
                AuditCSV.line(["userName", "id", "lastLogin", "active"], into: &out)
                for row in rows { AuditCSV.line(row, into: &out) }
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: out)))
            }
            return SCIMResponse.json(.ok, .object(["before": .string(since), "users": .array(rows.map { r in
                .object(["userName": .string(r[0]), "id": .string(r[1]), "lastLogin": r[2].isEmpty ? .null : .string(r[2]), "active": .bool(r[3] == "true")])
            })]))
        }
        group.patch("directories/:id") { request, context in
            let directory = try await directory(try context.parameters.require("id"))
            let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
            guard body.keys.allSatisfy({ $0 == "settings" }), let settings = body["settings"]?.objectValue, settings.keys.allSatisfy({ $0 == "lastLogin" }),
                  case .bool(let visible)? = settings["lastLogin"] else {
                throw SCIMError.invalidValue("Send {\"settings\": {\"lastLogin\": true}} (or false): the one directory setting there is.")
            }
            return SCIMResponse.json(.ok, view(try await sync.send(SetDirectorySettings(directoryID: directory, lastLoginVisible: visible), shardKey: "")))
        }
    }

    /// One `{userName, at}`, its time normalised; a bad one names its place in the list.
    static func login(_ entry: JSONValue, index: Int) throws(SCIMError) -> RecordLogins.Login {
        guard let object = entry.objectValue, let userName = object["userName"]?.stringValue, !userName.isEmpty, userName.utf8.count <= 1024 else {
            throw SCIMError.invalidValue("Sign-in \(index + 1): 'userName' (a non-empty string) is required.")
        }
        guard let text = object["at"]?.stringValue, let at = Timestamp.parse(text) else {
            throw SCIMError.invalidValue("Sign-in \(index + 1): 'at' must be an RFC 3339 time such as 2026-12-01T09:30:00Z.")
        }
        guard at.timeIntervalSinceNow < 300 else { throw SCIMError.invalidValue("Sign-in \(index + 1): 'at' (\(text)) is in the future.") }
        return RecordLogins.Login(userName: userName, at: Timestamp.string(from: at))
    }
}
