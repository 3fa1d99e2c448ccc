// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket): the errors it answers, as Bitbucket names them.

/// An error the stand-in answers: HTTP status and one entry of the Bitbucket error body
/// `{"errors":[{"context":null,"message":…,"exceptionName":…}]}`.
public struct StandInError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var exceptionName: String
    public var message: String

    public init(status: Int, exceptionName: String, message: String) {
        self.status = status
        self.exceptionName = exceptionName
        self.message = message
    }

    public var description: String { "\(status) \(exceptionName): \(message)" }

    public static let argumentValidation = "com.atlassian.bitbucket.validation.ArgumentValidationException"
    public static let integrity = "com.atlassian.bitbucket.IntegrityException"
    public static let noSuchUserName = "com.atlassian.bitbucket.user.NoSuchUserException"
    public static let noSuchGroupName = "com.atlassian.bitbucket.user.NoSuchGroupException"
    public static let userMutation = "com.atlassian.bitbucket.user.UserMutationException"
    public static let licenceLimit = "com.atlassian.bitbucket.license.LicenseLimitExceededException"
    public static let service = "com.atlassian.bitbucket.ServiceException"

    /// 400: a missing or malformed parameter or body.
    public static func invalid(_ message: String) -> StandInError {
        StandInError(status: 400, exceptionName: argumentValidation, message: message)
    }

    public static func missingParameter(_ name: String) -> StandInError {
        invalid("The parameter '\(name)' is required.")
    }

    public static func noSuchUser(_ name: String) -> StandInError {
        StandInError(status: 404, exceptionName: noSuchUserName, message: "User \(name) does not exist.")
    }

    public static func noSuchGroup(_ name: String) -> StandInError {
        StandInError(status: 404, exceptionName: noSuchGroupName, message: "Group \(name) does not exist.")
    }

    public static let userExists = StandInError(status: 409, exceptionName: integrity, message: "A user with this username already exists.")
    public static let groupExists = StandInError(status: 409, exceptionName: integrity, message: "A group with this name already exists.")

    public static let licenceLimitExceeded = StandInError(
        status: 403, exceptionName: licenceLimit, message: "Adding this user would exceed the licence limit.")

    public static func immutableDetails(_ name: String) -> StandInError {
        StandInError(status: 400, exceptionName: userMutation, message: "The details of user \(name) cannot be changed: the directory holding it is read-only.")
    }

    public static func immutableGroups(_ name: String) -> StandInError {
        StandInError(status: 400, exceptionName: userMutation, message: "The group memberships of user \(name) cannot be changed: the directory holding it is read-only.")
    }

    public static func unknownPermission(_ value: String) -> StandInError {
        invalid("'\(value)' is not a global permission: use LICENSED_USER, PROJECT_CREATE, ADMIN or SYS_ADMIN.")
    }

    /// 401 without credentials.
    public static let notAuthenticated = StandInError(
        status: 401, exceptionName: "com.atlassian.bitbucket.AuthorisationException",
        message: "You are not permitted to access this resource")

    /// 401 with wrong credentials.
    public static let badCredentials = StandInError(
        status: 401, exceptionName: "com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException",
        message: "Authentication failed. Please check your credentials and try again.")

    /// 404 for a path the stand-in does not serve.
    public static func noResource(_ path: String) -> StandInError {
        StandInError(status: 404, exceptionName: "com.atlassian.bitbucket.rest.NotFoundException", message: "No resource exists at \(path).")
    }

    /// 405 for a known path and another method.
    public static func methodNotAllowed(_ method: String, _ path: String) -> StandInError {
        StandInError(status: 405, exceptionName: "com.atlassian.bitbucket.rest.MethodNotAllowedException",
                     message: "\(method) is not supported on \(path).")
    }

    /// An injected failure (`POST /_standin/fail`).
    public static func injected(_ status: Int) -> StandInError {
        StandInError(status: status, exceptionName: service, message: "The stand-in was told to fail this request with \(status).")
    }
}
