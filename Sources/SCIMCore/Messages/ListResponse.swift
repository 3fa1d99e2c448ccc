/// A page of a query (RFC 7644 §3.4.2). Counts are integers, never strings (Okta insists).
public struct ListResponse: Sendable, Equatable {
    public var totalResults: Int
    public var startIndex: Int
    public var resources: [JSONValue]

    public init(totalResults: Int, startIndex: Int, resources: [JSONValue]) {
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.resources = resources
    }

    public var body: JSONValue {
        .object([
            "schemas": .array([.string(CoreSchemas.listResponseURN)]),
            "totalResults": .int(Int64(totalResults)),
            "startIndex": .int(Int64(startIndex)),
            "itemsPerPage": .int(Int64(resources.count)),
            "Resources": .array(resources),
        ])
    }
}
