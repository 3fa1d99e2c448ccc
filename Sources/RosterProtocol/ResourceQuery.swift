public import SCIMCore

/// A filtered, sorted page of one resource type in a directory: what every query command
/// carries. `startIndex` is 1-based; `count` is already capped by the ingress.
///
/// The filter travels as the text the ingress already parsed and validated; the worker parses
/// and validates it again (microseconds) rather than shipping an encoded syntax tree.
public struct ResourceQuery: WireCodable, Equatable {
    public var directoryID: String
    public var filter: String?
    public var startIndex: Int
    public var count: Int
    /// An attribute path to sort by (RFC 7644 §3.4.2.3); nil keeps creation order.
    public var sortBy: String?
    public var descending: Bool
    /// `https://…/scim/v2/Users/`: what `meta.location` starts with, for filters on it.
    public var locationPrefix: String

    public init(directoryID: String, filter: String?, startIndex: Int, count: Int, sortBy: String?, descending: Bool, locationPrefix: String) {
        self.directoryID = directoryID
        self.filter = filter
        self.startIndex = startIndex
        self.count = count
        self.sortBy = sortBy
        self.descending = descending
        self.locationPrefix = locationPrefix
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), filter: wire.optionalString("filter"), startIndex: try wire.int("startIndex"),
                  count: try wire.int("count"), sortBy: wire.optionalString("sortBy"), descending: wire.members["descending"] == .bool(true),
                  locationPrefix: wire.optionalString("locationPrefix") ?? "")
    }

    public var wire: [String: JSONValue] {
        ["directoryID": .string(directoryID), "filter": filter.json, "startIndex": .int(Int64(startIndex)), "count": .int(Int64(count)),
         "sortBy": sortBy.json, "descending": .bool(descending), "locationPrefix": .string(locationPrefix)]
    }
}
