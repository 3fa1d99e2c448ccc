// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket): the admin REST endpoints, path by path. Each handler
// reads its parameters, calls one ``StandInState`` operation and writes the published shape.
import Foundation
import Hummingbird
import NIOCore

typealias StandInHandler = @Sendable (StandInCall) async throws -> Response

/// Handlers by path, then by method.
struct StandInRouteTable: Sendable {
    private var routes: [String: [HTTPRequest.Method: StandInHandler]] = [:]

    mutating func add(_ path: String, _ method: HTTPRequest.Method, _ handler: @escaping StandInHandler) {
        routes[path, default: [:]][method] = handler
    }

    subscript(path: String) -> [HTTPRequest.Method: StandInHandler]? { routes[path] }
}

/// Responses with a JSON body (`Content-Type: application/json`) or none.
enum StandInResponses {
    static func json(_ status: HTTPResponse.Status, _ text: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func error(_ error: StandInError, headers: HTTPFields = [:]) -> Response {
        json(HTTPResponse.Status(code: error.status), StandInJSON.error(error), headers: headers)
    }

    static func noContent() -> Response { Response(status: .noContent) }
}

/// The `/rest/api/{latest,1.0}` routes, by path without that prefix.
enum StandInRoutes {
    static func table() -> StandInRouteTable {
        var t = StandInRouteTable()
        t.add("/admin/users", .post) { try await createUser($0) }
        t.add("/admin/users", .get) { call in
            let page = call.state.usersPage(try call.pageRequest())
            return StandInResponses.json(.ok, StandInJSON.page(page) { StandInJSON.append(user: $0, base: call.base, to: &$1) })
        }
        t.add("/admin/users", .put) { try await updateUser($0) }
        t.add("/admin/users", .delete) { call in
            let user = try call.state.deleteUser(name: try call.required("name"))
            return StandInResponses.json(.ok, StandInJSON.user(user, base: call.base))
        }
        t.add("/admin/users/rename", .post) { call in
            let body = try await call.body(RenameUserBody.self)
            let user = try call.state.renameUser(name: try requiredField(body.name, "name"), newName: try requiredField(body.newName, "newName"))
            return StandInResponses.json(.ok, StandInJSON.user(user, base: call.base))
        }
        t.add("/admin/users/more-members", .get) { call in
            let page = try call.state.groupsPage(ofUser: try call.required("context"), try call.pageRequest())
            return StandInResponses.json(.ok, StandInJSON.page(page) { StandInJSON.append(group: $0, to: &$1) })
        }
        t.add("/admin/users/add-groups", .post) { call in
            let body = try await call.body(AddGroupsBody.self)
            guard let groups = body.groups else { throw StandInError.invalid("The field 'groups' is required.") }
            try call.state.addUser(try requiredField(body.user, "user"), toGroups: groups)
            return StandInResponses.noContent()
        }
        t.add("/admin/users/remove-group", .post) { try await removeGroup($0) }
        t.add("/admin/groups", .post) { call in
            let name = try call.state.createGroup(name: try call.required("name"))
            return StandInResponses.json(.ok, StandInJSON.group(name))
        }
        t.add("/admin/groups", .delete) { call in
            let name = try call.state.deleteGroup(name: try call.required("name"))
            return StandInResponses.json(.ok, StandInJSON.group(name))
        }
        t.add("/admin/groups", .get) { call in
            let page = call.state.groupsPage(try call.pageRequest())
            return StandInResponses.json(.ok, StandInJSON.page(page) { StandInJSON.append(group: $0, to: &$1) })
        }
        t.add("/admin/groups/more-members", .get) { call in
            let page = try call.state.membersPage(ofGroup: try call.required("context"), try call.pageRequest())
            return StandInResponses.json(.ok, StandInJSON.page(page) { StandInJSON.append(user: $0, base: call.base, to: &$1) })
        }
        t.add("/admin/groups/add-users", .post) { call in
            let body = try await call.body(AddUsersBody.self)
            guard let users = body.users else { throw StandInError.invalid("The field 'users' is required.") }
            try call.state.addUsers(users, toGroup: try requiredField(body.group, "group"))
            return StandInResponses.noContent()
        }
        addPermissionRoutes(to: &t)
        return t
    }

    static func addPermissionRoutes(to t: inout StandInRouteTable) {
        t.add("/admin/permissions/users", .get) { call in
            let page = call.state.userPermissionsPage(try call.pageRequest())
            return StandInResponses.json(.ok, StandInJSON.page(page) { StandInJSON.append(userPermission: $0, base: call.base, to: &$1) })
        }
        t.add("/admin/permissions/users", .put) { call in
            let name = try call.required("name")
            try call.state.setUserPermission(name, try permission(call))
            return StandInResponses.noContent()
        }
        t.add("/admin/permissions/users", .delete) { call in
            try call.state.removeUserPermission(try call.required("name"))
            return StandInResponses.noContent()
        }
        t.add("/admin/permissions/groups", .get) { call in
            let page = call.state.groupPermissionsPage(try call.pageRequest())
            return StandInResponses.json(.ok, StandInJSON.page(page) { StandInJSON.append(groupPermission: $0, to: &$1) })
        }
        t.add("/admin/permissions/groups", .put) { call in
            let name = try call.required("name")
            try call.state.setGroupPermission(name, try permission(call))
            return StandInResponses.noContent()
        }
        t.add("/admin/permissions/groups", .delete) { call in
            try call.state.removeGroupPermission(try call.required("name"))
            return StandInResponses.noContent()
        }
    }

    /// `POST /admin/users`: query parameters only; 204 without a body. The password is required
    /// unless `notify=true`, then discarded: never stored, never logged.
    static func createUser(_ call: StandInCall) async throws -> Response {
        let name = try call.required("name")
        if try !call.bool("notify", default: false) { _ = try call.required("password") }
        let displayName = try call.required("displayName")
        let emailAddress = try call.required("emailAddress")
        let addToDefaultGroup = try call.bool("addToDefaultGroup", default: true)
        try call.state.createUser(name: name, displayName: displayName, emailAddress: emailAddress, addToDefaultGroup: addToDefaultGroup)
        return StandInResponses.noContent()
    }

    /// `PUT /admin/users`: `{"name","displayName"?,"email"?}`.
    static func updateUser(_ call: StandInCall) async throws -> Response {
        let body = try await call.body(UpdateUserBody.self)
        let user = try call.state.updateUser(name: try requiredField(body.name, "name"), displayName: body.displayName, emailAddress: body.email)
        return StandInResponses.json(.ok, StandInJSON.user(user, base: call.base))
    }

    /// `POST /admin/users/remove-group`: `{"context","itemName"}`, or the same as query parameters.
    static func removeGroup(_ call: StandInCall) async throws -> Response {
        let data = try await call.bodyData()
        let isEmpty = data.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        var context = call.parameter("context")
        var itemName = call.parameter("itemName")
        if !isEmpty {
            let body = try StandInCall.decode(RemoveGroupBody.self, from: data)
            context = body.context ?? context
            itemName = body.itemName ?? itemName
        }
        let user = try requiredField(context, "context")
        let group = try requiredField(itemName, "itemName")
        try call.state.removeUser(user, fromGroup: group)
        return StandInResponses.noContent()
    }

    /// The `permission` query parameter (400 when missing or not a global permission).
    static func permission(_ call: StandInCall) throws -> StandInPermission {
        let value = try call.required("permission")
        guard let permission = StandInPermission(rawValue: value.uppercased()) else { throw StandInError.unknownPermission(value) }
        return permission
    }
}
