/// One attribute definition of RFC 7643 §2.2 / §7, kept as data.
public struct SchemaAttribute: Sendable, Equatable {
    public enum DataType: String, Sendable { case string, boolean, decimal, integer, dateTime, reference, binary, complex }
    public enum Mutability: String, Sendable { case readOnly, readWrite, immutable, writeOnly }
    public enum Returned: String, Sendable { case always, never, `default`, request }
    public enum Uniqueness: String, Sendable { case none, server, global }

    public var name: String
    public var type: DataType
    public var multiValued: Bool
    public var required: Bool
    public var caseExact: Bool
    public var mutability: Mutability
    public var returned: Returned
    public var uniqueness: Uniqueness
    public var canonicalValues: [String]
    public var referenceTypes: [String]
    public var subAttributes: [SchemaAttribute]
    public var description: String

    public init(
        _ name: String, _ type: DataType = .string, multiValued: Bool = false, required: Bool = false,
        caseExact: Bool = false, mutability: Mutability = .readWrite, returned: Returned = .default,
        uniqueness: Uniqueness = .none, canonicalValues: [String] = [], referenceTypes: [String] = [],
        subAttributes: [SchemaAttribute] = [], description: String? = nil
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.canonicalValues = canonicalValues
        self.referenceTypes = referenceTypes.isEmpty && type == .reference ? ["external"] : referenceTypes
        self.subAttributes = subAttributes
        self.description = description ?? "The \(name) attribute (RFC 7643)."
    }

    /// The sub-attribute named `name`, ignoring case.
    public func subAttribute(_ name: String) -> SchemaAttribute? {
        let lower = name.lowercased()
        return subAttributes.first { $0.name.lowercased() == lower }
    }
}

/// A schema: an id (URN) and its attributes (RFC 7643 §7).
public struct Schema: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String
    public var attributes: [SchemaAttribute]

    public init(id: String, name: String, description: String, attributes: [SchemaAttribute]) {
        self.id = id
        self.name = name
        self.description = description
        self.attributes = attributes
    }

    /// The attribute named `name`, ignoring case.
    public func attribute(_ name: String) -> SchemaAttribute? {
        let lower = name.lowercased()
        return attributes.first { $0.name.lowercased() == lower }
    }
}
