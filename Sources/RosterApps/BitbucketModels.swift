import Foundation

/// A Bitbucket account as the admin endpoints describe it (`RestDetailedUser`, Bitbucket Data
/// Center 8.x). Only what the connector uses is decoded.
public struct BitbucketUser: Sendable, Equatable, Decodable {
    public var id: Int?
    public var name: String
    public var slug: String?
    public var displayName: String?
    public var emailAddress: String?
    public var active: Bool?
    /// False when the account's directory is read-only (LDAP, Crowd): details cannot be changed.
    public var mutableDetails: Bool?
    /// False when its memberships cannot be changed.
    public var mutableGroups: Bool?
    /// The last sign-in, epoch milliseconds; only on the admin endpoints.
    public var lastAuthenticationTimestamp: Int64?

    public init(name: String, slug: String? = nil, displayName: String? = nil, emailAddress: String? = nil) {
        self.name = name
        self.slug = slug
        self.displayName = displayName
        self.emailAddress = emailAddress
    }

    public var canChangeDetails: Bool { mutableDetails ?? true }
    public var canChangeGroups: Bool { mutableGroups ?? true }
}

/// A group (`RestDetailedGroup`).
public struct BitbucketGroup: Sendable, Equatable, Decodable {
    public var name: String
}

/// One page of a list endpoint: `start`/`limit` in, `isLastPage`/`nextPageStart` out.
public struct BitbucketPage<Value: Decodable & Sendable>: Sendable, Decodable {
    public var values: [Value]
    public var isLastPage: Bool
    public var nextPageStart: Int?
}

/// A global permission held by a group or a user (`/admin/permissions/...`).
public struct BitbucketGroupPermission: Sendable, Decodable {
    public var group: BitbucketGroup
    public var permission: String
}

public struct BitbucketUserPermission: Sendable, Decodable {
    public var user: BitbucketUser
    public var permission: String
}

/// What Bitbucket answered when it did not do what was asked, or why there was no answer.
/// The body of an error is `{"errors":[{"message":…,"exceptionName":…}]}` (`RestErrors`).
public struct BitbucketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status; 0 when there was no answer (connection refused, timeout).
    public var status: Int
    public var message: String
    public var exceptionName: String
    /// What the request was, without its query (which may carry a name, never a secret).
    public var operation: String
    /// From a 429's or 503's Retry-After, when it gave seconds.
    public var retryAfter: Duration?

    public init(status: Int, message: String, exceptionName: String = "", operation: String = "", retryAfter: Duration? = nil) {
        self.status = status
        self.message = message
        self.exceptionName = exceptionName
        self.operation = operation
        self.retryAfter = retryAfter
    }

    /// Worth trying again later: no answer, a server error, or throttling.
    public var isTransient: Bool { status == 0 || status >= 500 || status == 429 || status == 408 }
    /// Bitbucket refuses the service account (401: its credentials; 403: its permissions, or a
    /// licence limit): no retry can help until an operator acts.
    public var needsOperator: Bool { status == 401 || status == 403 }

    public var description: String {
        let what = operation.isEmpty ? "" : "\(operation): "
        return status == 0 ? "\(what)no answer (\(message))" : "\(what)HTTP \(status) \(message)\(exceptionName.isEmpty ? "" : " [\(exceptionName)]")"
    }

    struct Body: Decodable {
        struct Entry: Decodable {
            var message: String?
            var exceptionName: String?
        }
        var errors: [Entry]?
    }

    /// From a response that is not a 2xx.
    init(status: Int, body: Data, operation: String, retryAfter: String?, fallback: String) {
        let entry = (try? JSONDecoder().decode(Body.self, from: body))?.errors?.first
        self.init(status: status, message: entry?.message ?? fallback, exceptionName: entry?.exceptionName ?? "", operation: operation,
                  retryAfter: retryAfter.flatMap(Int.init).map { .seconds(min(max($0, 0), 3600)) })
    }
}
