// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket): one request as the route handlers read it.
import Foundation
import Hummingbird
import NIOCore

/// A request to one route: its query parameters (decoded as a servlet container does, `+` as a
/// space), its body, the state, and the base URL for self links.
struct StandInCall {
    static let maxBodyBytes = 1 << 20

    let request: Request
    let query: [String: String]
    let state: StandInState
    /// `http://host:port`, from the request's Host (authority).
    let base: String

    init(request: Request, state: StandInState, fallbackPort: Int) {
        self.request = request
        self.query = Self.parseQuery(request.uri.query)
        self.state = state
        self.base = "http://" + (request.head.authority ?? "127.0.0.1:\(fallbackPort)")
    }

    /// `a=1&b=x+y%21` → `["a": "1", "b": "x y!"]`; the first of repeated names wins.
    static func parseQuery(_ raw: String?) -> [String: String] {
        guard let raw, !raw.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            guard out[key] == nil else { continue }
            out[key] = parts.count == 2 ? decode(parts[1]) : ""
        }
        return out
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// A query parameter; nil when absent.
    func parameter(_ name: String) -> String? { query[name] }

    /// A query parameter that must be present and non-empty (400 otherwise).
    func required(_ name: String) throws -> String {
        guard let value = query[name], !value.trimmingWhitespace().isEmpty else { throw StandInError.missingParameter(name) }
        return value
    }

    /// `true`/`false` (any case); absent or empty: `defaultValue`.
    func bool(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let value = query[name], !value.isEmpty else { return defaultValue }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw StandInError.invalid("The parameter '\(name)' must be true or false, not '\(value)'.")
        }
    }

    /// `start`, `limit` and `filter`.
    func pageRequest() throws -> StandInPageRequest {
        func integer(_ name: String, _ defaultValue: Int) throws -> Int {
            guard let value = query[name], !value.isEmpty else { return defaultValue }
            guard let n = Int(value) else { throw StandInError.invalid("The parameter '\(name)' must be an integer, not '\(value)'.") }
            return n
        }
        return StandInPageRequest(
            start: try integer("start", 0), limit: try integer("limit", StandInPageRequest.defaultLimit), filter: query["filter"])
    }

    /// The body's bytes (at most 1 MiB).
    func bodyData() async throws -> Data {
        do {
            let buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
            return Data(buffer.readableBytesView)
        } catch {
            throw StandInError.invalid("The request body could not be read (at most \(Self.maxBodyBytes) bytes).")
        }
    }

    /// The body decoded as `T` (400 when it is empty or not that JSON).
    func body<T: Decodable>(_ type: T.Type) async throws -> T {
        try Self.decode(type, from: try await bodyData())
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard !data.isEmpty else { throw StandInError.invalid("A JSON request body is required.") }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw StandInError.invalid("The request body is not valid JSON for this resource.")
        }
    }
}

// MARK: Request bodies (all fields optional: presence is checked with a Bitbucket error)

struct UpdateUserBody: Decodable { var name: String?; var displayName: String?; var email: String? }
struct RenameUserBody: Decodable { var name: String?; var newName: String? }
struct AddGroupsBody: Decodable { var user: String?; var groups: [String]? }
struct AddUsersBody: Decodable { var group: String?; var users: [String]? }
struct RemoveGroupBody: Decodable { var context: String?; var itemName: String? }
struct FailBody: Decodable { var status: Int?; var count: Int? }
struct StallBody: Decodable { var ms: Int? }
struct LoginBody: Decodable { var name: String?; var at: Int64? }
struct FlagsBody: Decodable { var name: String?; var mutableDetails: Bool?; var mutableGroups: Bool? }

/// A value that must be present and non-empty in a JSON body (400 otherwise).
func requiredField(_ value: String?, _ name: String) throws -> String {
    guard let value, !value.trimmingWhitespace().isEmpty else { throw StandInError.invalid("The field '\(name)' is required.") }
    return value
}
