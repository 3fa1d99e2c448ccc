public import Foundation
public import SCIMCore
public import SwiftProtobuf

/// A message between Roster's processes: a Swift type backed by its generated protobuf message.
///
/// The contract is `Proto/*.proto` (documented and versioned there); `Generated/` is made from it
/// by `scripts/generate-protocol`. The mapping to the Swift type is typed field by field, so a
/// renamed or mistyped field fails to compile rather than at run time.
public protocol WireCodable: Sendable {
    associatedtype Message: SwiftProtobuf.Message
    init(message: Message) throws(SCIMError)
    var message: Message { get }
}

extension SCIMError {
    /// A message between Roster's processes that does not decode: a version skew or a bug, not the
    /// client's fault and not a store failure, so it has a status of its own (502).
    public static func protocolError(_ detail: String) -> SCIMError {
        SCIMError(status: 502, detail: detail)
    }
}

/// Normalised resource attributes with their canonical JSON, serialised once: the wire carries the
/// bytes and the store writes them as they are.
public struct CanonicalAttributes: Sendable, Equatable {
    public let object: [String: JSONValue]
    public let json: Data

    public init(_ object: [String: JSONValue]) {
        self.object = object
        self.json = WireJSON.bytes(object)
    }

    /// From a message: the bytes are kept as they came.
    public init(json: Data) throws(SCIMError) {
        self.object = try WireJSON.object(json, field: "attributes")
        self.json = json
    }

    public static func == (a: CanonicalAttributes, b: CanonicalAttributes) -> Bool { a.object == b.object }
}

/// JSON that travels as bytes inside messages (resource attributes, PATCH operations).
public enum WireJSON {
    /// An object as its canonical JSON text (the member order a store keeps).
    public static func bytes(_ object: [String: JSONValue]) -> Data {
        Data(JSONValue.object(object).serialized())
    }

    public static func bytes(_ value: JSONValue) -> Data {
        Data(value.serialized())
    }

    public static func object(_ data: Data, field: String) throws(SCIMError) -> [String: JSONValue] {
        guard case .object(let members)? = try? JSONValue.parse(data) else {
            throw SCIMError.protocolError("The '\(field)' of a message between Roster processes is not a JSON object.")
        }
        return members
    }

    public static func value(_ data: Data, field: String) throws(SCIMError) -> JSONValue {
        guard let value = try? JSONValue.parse(data) else {
            throw SCIMError.protocolError("The '\(field)' of a message between Roster processes is not JSON.")
        }
        return value
    }
}

extension SCIMErrorType {
    init?(_ wire: Roster_V1_SCIMErrorType) {
        switch wire {
        case .invalidFilter: self = .invalidFilter
        case .tooMany: self = .tooMany
        case .uniqueness: self = .uniqueness
        case .mutability: self = .mutability
        case .invalidSyntax: self = .invalidSyntax
        case .invalidPath: self = .invalidPath
        case .noTarget: self = .noTarget
        case .invalidValue: self = .invalidValue
        case .invalidVers: self = .invalidVers
        case .sensitive: self = .sensitive
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var wire: Roster_V1_SCIMErrorType {
        switch self {
        case .invalidFilter: .invalidFilter
        case .tooMany: .tooMany
        case .uniqueness: .uniqueness
        case .mutability: .mutability
        case .invalidSyntax: .invalidSyntax
        case .invalidPath: .invalidPath
        case .noTarget: .noTarget
        case .invalidValue: .invalidValue
        case .invalidVers: .invalidVers
        case .sensitive: .sensitive
        }
    }
}

extension SCIMError: WireCodable {
    public init(message m: Roster_V1_Error) {
        self.init(status: Int(m.status), scimType: m.hasScimType ? SCIMErrorType(m.scimType) : nil, detail: m.detail,
                  retryAfter: m.hasRetryAfter ? Int(m.retryAfter) : nil)
    }

    public var message: Roster_V1_Error {
        var m = Roster_V1_Error()
        m.status = Int64(status)
        if let scimType { m.scimType = scimType.wire }
        m.detail = detail
        if let retryAfter { m.retryAfter = Int64(retryAfter) }
        return m
    }
}
