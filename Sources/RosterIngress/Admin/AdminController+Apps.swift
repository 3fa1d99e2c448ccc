import Foundation
import Hummingbird
import RosterProtocol
import SCIMCore

/// Application links (docs/integrations/bitbucket.md): a connector per directory that applies
/// its change feed to an application. The password or token comes in the request body (the
/// audit log withholds it), goes to the sync worker in the command, and is never answered.
extension AdminController {
    func addAppRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.get("directories/:id/apps") { _, context in
            let directory = try await directory(try context.parameters.require("id"))
            var list = ListApps()
            list.directoryID = directory
            return SCIMResponse.json(.ok, .object(["apps": .array(try await sync.send(list, shardKey: "").apps.map(\.json))]))
        }
        group.post("directories/:id/apps") { request, context in
            let directory = try await directory(try context.parameters.require("id"))
            let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
            let known: Set<String> = ["kind", "url", "username", "password", "token", "groupMap", "addToDefaultGroup", "fromStart", "loginsEverySeconds"]
            if let unknown = body.keys.first(where: { !known.contains($0) }) {
                throw SCIMError.invalidValue("Unknown field '\(unknown)': an application link takes \(known.sorted().joined(separator: ", ")).")
            }
            var c = CreateApp()
            c.directoryID = directory
            c.kind = try Self.text(body, "kind", required: true)
            c.url = try Self.text(body, "url", required: true)
            let password = try Self.text(body, "password"), token = try Self.text(body, "token")
            switch (password.isEmpty, token.isEmpty) {
            case (false, true):
                c.auth = "basic"
                c.secret = password
                c.username = try Self.text(body, "username", required: true)
            case (true, false):
                c.auth = "oauth"
                c.secret = token
            default:
                throw SCIMError.invalidValue("Give either 'username' and 'password' (Basic, a service account) or 'token' (an OAuth 2.0 access token); Bitbucket's HTTP access tokens cannot use the admin API.")
            }
            if let map = body["groupMap"] {
                guard case .object(let pairs) = map, pairs.values.allSatisfy({ $0.stringValue != nil }) else {
                    throw SCIMError.invalidValue("'groupMap' is an object of Roster group name → Bitbucket group name.")
                }
                c.groupMap = pairs.compactMapValues(\.stringValue)
            }
            c.addToDefaultGroup = try Self.flag(body, "addToDefaultGroup", default: true)
            c.fromStart = try Self.flag(body, "fromStart", default: false)
            switch body["loginsEverySeconds"] {
            case nil: c.loginsEverySeconds = 3600
            case .int(let n)?: c.loginsEverySeconds = n
            default: throw SCIMError.invalidValue("'loginsEverySeconds' is a whole number of seconds (0: never).")
            }
            return SCIMResponse.json(.created, try await sync.send(c, shardKey: "").json)
        }
        group.get("apps") { _, _ in
            SCIMResponse.json(.ok, .object(["apps": .array(try await sync.send(ListApps(), shardKey: "").apps.map(\.json))]))
        }
        group.get("apps/:id") { _, context in
            let id = try context.parameters.require("id").lowercased()
            guard let app = try await sync.send(ListApps(), shardKey: "").apps.first(where: { $0.id == id }) else { throw SCIMError.notFound("No application link '\(id)'.") }
            return SCIMResponse.json(.ok, app.json)
        }
        group.delete("apps/:id") { _, context in
            _ = try await sync.send(Self.change(try context.parameters.require("id"), "delete"), shardKey: "")
            return Response(status: .noContent)
        }
        for action in ["pause", "resume", "skip"] {
            group.post("apps/:id/\(action)") { _, context in
                SCIMResponse.json(.ok, try await sync.send(Self.change(try context.parameters.require("id"), action), shardKey: "").json)
            }
        }
        group.put("apps/:id/credentials") { request, context in
            let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
            var c = Self.change(try context.parameters.require("id"), "credentials")
            guard let app = try await sync.send(ListApps(), shardKey: "").apps.first(where: { $0.id == c.id }) else { throw SCIMError.notFound("No application link '\(c.id)'.") }
            // The link keeps its kind of authentication: a token is never sent as a password.
            let wanted = app.auth == "oauth" ? "token" : "password"
            c.secret = try Self.text(body, wanted)
            c.username = app.auth == "oauth" ? "" : try Self.text(body, "username")
            guard !c.secret.isEmpty, body[app.auth == "oauth" ? "password" : "token"] == nil else {
                throw SCIMError.invalidValue(app.auth == "oauth" ? "This link signs in with an OAuth 2.0 token: send {\"token\": …}."
                                                                 : "This link signs in with a password: send {\"password\": …}, with \"username\" to change the account.")
            }
            return SCIMResponse.json(.ok, try await sync.send(c, shardKey: "").json)
        }
        for (path, kind) in [("map", Job.appMap), ("reconcile", Job.appReconcile), ("logins", Job.appLogins)] {
            group.post("apps/:id/\(path)") { request, context in
                var c = StartAppJob()
                c.appID = try context.parameters.require("id").lowercased()
                c.kind = kind
                if kind == Job.appReconcile, let value = request.uri.queryParameters["repair"] {
                    guard ["true", "false"].contains(value) else { throw SCIMError.invalidValue("?repair= is true or false.") }
                    c.repair = value == "true"
                }
                return Self.accepted(try await sync.send(c, shardKey: ""))
            }
        }
        group.get("jobs/:id/drift") { request, context in
            var c = ListDrift()
            c.jobID = try context.parameters.require("id")
            c.limit = Int32(try Self.integer(request.uri.queryParameters["limit"].map(String.init), "limit", default: 1000, in: 1...100_000))
            let list = try await sync.send(c, shardKey: "")
            return SCIMResponse.json(.ok, .object([
                "total": .int(list.total),
                "drift": .array(list.drift.map { .object(["kind": .string($0.kind), "subject": .string($0.subject), "detail": .string($0.detail), "repaired": .bool($0.repaired)]) }),
            ]))
        }
    }

    static func change(_ id: String, _ action: String) -> ChangeApp {
        var c = ChangeApp()
        c.id = id.lowercased()
        c.action = action
        return c
    }

    /// A string member of a body: "" when absent (a 400 when `required`), a 400 when not a string.
    static func text(_ body: [String: JSONValue], _ key: String, required: Bool = false) throws(SCIMError) -> String {
        switch body[key] {
        case nil, .null?:
            if required { throw SCIMError.invalidValue("'\(key)' is required.") }
            return ""
        case .string(let s)?: return s
        default: throw SCIMError.invalidValue("'\(key)' must be a string.")
        }
    }

    static func flag(_ body: [String: JSONValue], _ key: String, default value: Bool) throws(SCIMError) -> Bool {
        switch body[key] {
        case nil, .null?: return value
        case .bool(let b)?: return b
        default: throw SCIMError.invalidValue("'\(key)' must be true or false.")
        }
    }
}
