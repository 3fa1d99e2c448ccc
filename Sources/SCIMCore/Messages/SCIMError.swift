/// The one error type of Roster: what a SCIM client sees (RFC 7644 §3.12).
///
/// The same value travels from a worker over ZeroMQ and is rendered by the ingress unchanged.
/// `detail` is always written for the client: never a stack trace, SQL or an internal path.
public struct SCIMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code.
    public var status: Int
    /// The SCIM error keyword, when the RFC defines one for the case.
    public var scimType: SCIMErrorType?
    /// A human-readable explanation.
    public var detail: String
    /// Seconds a client should wait before retrying (503, 429).
    public var retryAfter: Int?

    public init(status: Int, scimType: SCIMErrorType? = nil, detail: String, retryAfter: Int? = nil) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
        self.retryAfter = retryAfter
    }

    public var description: String {
        "SCIMError(\(status)\(scimType.map { ", \($0.rawValue)" } ?? ""): \(detail))"
    }
}

// MARK: - Catalogue (wording after RFC 7644 Table 9)

extension SCIMError {
    public static func invalidSyntax(_ detail: String = "The request body message structure was invalid or did not conform to the request schema.") -> SCIMError {
        SCIMError(status: 400, scimType: .invalidSyntax, detail: detail)
    }

    public static func invalidFilter(_ detail: String = "The specified filter syntax was invalid or the specified attribute and filter comparison combination is not supported.") -> SCIMError {
        SCIMError(status: 400, scimType: .invalidFilter, detail: detail)
    }

    public static func invalidValue(_ detail: String = "A required value was missing, or the value specified was not compatible with the operation or attribute type.") -> SCIMError {
        SCIMError(status: 400, scimType: .invalidValue, detail: detail)
    }

    public static func invalidPath(_ detail: String = "The path attribute was invalid or malformed.") -> SCIMError {
        SCIMError(status: 400, scimType: .invalidPath, detail: detail)
    }

    public static func noTarget(_ detail: String = "The specified path did not yield an attribute or attribute value that could be operated on.") -> SCIMError {
        SCIMError(status: 400, scimType: .noTarget, detail: detail)
    }

    public static func mutability(_ detail: String = "The attempted modification is not compatible with the target attribute's mutability or current state.") -> SCIMError {
        SCIMError(status: 400, scimType: .mutability, detail: detail)
    }

    public static func tooMany(_ detail: String = "The specified filter yields many more results than the server is willing to calculate or process.") -> SCIMError {
        SCIMError(status: 400, scimType: .tooMany, detail: detail)
    }

    public static func uniqueness(_ detail: String = "One or more of the attribute values are already in use or are reserved.") -> SCIMError {
        SCIMError(status: 409, scimType: .uniqueness, detail: detail)
    }

    public static func notFound(_ detail: String = "The specified resource was not found.") -> SCIMError {
        SCIMError(status: 404, detail: detail)
    }

    public static func resourceNotFound(_ resourceType: String, id: String) -> SCIMError {
        SCIMError(status: 404, detail: "\(resourceType) \(id) not found.")
    }

    public static func unauthorized(_ detail: String = "Authentication is required: send 'Authorization: Bearer <token>'.") -> SCIMError {
        SCIMError(status: 401, detail: detail)
    }

    public static func forbidden(_ detail: String) -> SCIMError {
        SCIMError(status: 403, detail: detail)
    }

    public static func methodNotAllowed(_ detail: String) -> SCIMError {
        SCIMError(status: 405, detail: detail)
    }

    public static func notAcceptable(_ detail: String) -> SCIMError {
        SCIMError(status: 406, detail: detail)
    }

    public static func preconditionFailed(_ detail: String = "The resource version does not match If-Match.") -> SCIMError {
        SCIMError(status: 412, detail: detail)
    }

    public static func payloadTooLarge(_ detail: String) -> SCIMError {
        SCIMError(status: 413, detail: detail)
    }

    public static func unsupportedMediaType(_ detail: String) -> SCIMError {
        SCIMError(status: 415, detail: detail)
    }

    public static func internalError(_ detail: String = "The server could not complete the request because of an internal error.") -> SCIMError {
        SCIMError(status: 500, detail: detail)
    }

    public static func notImplemented(_ detail: String) -> SCIMError {
        SCIMError(status: 501, detail: detail)
    }

    /// A worker is not reachable: the client may retry after `retryAfter` seconds.
    public static func unavailable(_ detail: String, retryAfter: Int = 1) -> SCIMError {
        SCIMError(status: 503, detail: detail, retryAfter: retryAfter)
    }

    /// A worker did not answer within the deadline.
    public static func gatewayTimeout(_ detail: String) -> SCIMError {
        SCIMError(status: 504, detail: detail)
    }
}

// MARK: - Wire bodies

extension SCIMError {
    public static let errorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

    /// The SCIM 2.0 error body; `status` is a string as RFC 7644 §3.12 shows it.
    public var body: JSONValue {
        var o: [String: JSONValue] = [
            "schemas": .array([.string(Self.errorSchema)]),
            "status": .string(String(status)),
            "detail": .string(detail),
        ]
        if let scimType { o["scimType"] = .string(scimType.rawValue) }
        return .object(o)
    }
}
