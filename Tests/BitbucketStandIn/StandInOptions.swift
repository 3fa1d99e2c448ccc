// The Bitbucket Data Center stand-in: a contract test double built from the request and response
// shapes of the Bitbucket Data Center 8.19 OpenAPI document. It is not Bitbucket and shares no code
// with it; it answers the admin REST endpoints a provisioning connector calls, with the published
// bodies and error shapes, so that end-to-end tests and benchmarks have something real to talk to.

/// The stand-in's settings, from the command line (``parse(_:)``) or built directly by a test.
public struct StandInOptions: Sendable, Equatable {
    /// The port to listen on (on 127.0.0.1); 0: any free port (reported through `onListening`).
    public var port: Int
    /// The Basic credential every `/rest` request must carry.
    public var username: String
    public var password: String
    /// When set, `Authorization: Bearer <token>` is accepted as well (an HTTP access token).
    public var oauthToken: String?
    /// When set, the most users that may be licensed at once (see ``StandInState``).
    public var licenceLimit: Int?
    /// When set, the state is loaded from this JSON file at start (if it exists) and saved to it
    /// after every successful change.
    public var stateFile: String?
    /// The seed, used when there is no state file to load: users, groups and memberships.
    public var seedUsers: Int
    public var seedGroups: Int
    public var seedMemberships: Int

    public init(
        port: Int = 0, username: String = "svc-roster", password: String = "secret", oauthToken: String? = nil,
        licenceLimit: Int? = nil, stateFile: String? = nil, seedUsers: Int = 0, seedGroups: Int = 0, seedMemberships: Int = 0
    ) {
        self.port = port
        self.username = username
        self.password = password
        self.oauthToken = oauthToken
        self.licenceLimit = licenceLimit
        self.stateFile = stateFile
        self.seedUsers = seedUsers
        self.seedGroups = seedGroups
        self.seedMemberships = seedMemberships
    }

    /// Why the command line was refused.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
        public init(_ message: String) { self.message = message }
    }

    /// Options from flags: `--port N --username U --password P --oauth-token T --licence-limit N
    /// --state-file PATH --seed-users N --seed-groups N --seed-memberships N` (also `--flag=value`).
    /// `arguments` excludes the program name.
    public static func parse(_ arguments: [String]) throws -> StandInOptions {
        var options = StandInOptions()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { throw ParseError("Unexpected argument '\(argument)'.") }
            var flag = String(argument.dropFirst(2))
            var value: String
            if let equals = flag.firstIndex(of: "=") {
                value = String(flag[flag.index(after: equals)...])
                flag = String(flag[..<equals])
            } else {
                guard index < arguments.count else { throw ParseError("--\(flag) needs a value.") }
                value = arguments[index]
                index += 1
            }
            func number() throws -> Int {
                guard let n = Int(value), n >= 0 else { throw ParseError("--\(flag) needs a non-negative integer, not '\(value)'.") }
                return n
            }
            switch flag {
            case "port":
                options.port = try number()
                guard options.port <= 65535 else { throw ParseError("--port must be at most 65535.") }
            case "username":
                guard !value.isEmpty, !value.contains(":") else { throw ParseError("--username must be non-empty and without ':'.") }
                options.username = value
            case "password": options.password = value
            case "oauth-token":
                value = value.trimmingWhitespace()
                options.oauthToken = value.isEmpty ? nil : value
            case "licence-limit", "license-limit": options.licenceLimit = try number()
            case "state-file": options.stateFile = value.isEmpty ? nil : value
            case "seed-users": options.seedUsers = try number()
            case "seed-groups": options.seedGroups = try number()
            case "seed-memberships": options.seedMemberships = try number()
            default: throw ParseError("Unknown flag --\(flag).")
            }
        }
        guard options.seedUsers <= 99_999 else { throw ParseError("--seed-users must be at most 99999 (five-digit names).") }
        guard options.seedGroups <= 999 else { throw ParseError("--seed-groups must be at most 999 (three-digit names).") }
        return options
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks (no Foundation needed).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
