import Foundation
import SCIMCore
import SwiftProtobuf

/// A filtered, sorted page of one resource type in a directory: what every query command
/// carries. `startIndex` is 1-based; `count` is already capped by the ingress.
///
/// The filter travels as the text the ingress already parsed and validated; the worker parses
/// and validates it again (microseconds) rather than shipping an encoded syntax tree.
public struct ResourceQuery: WireCodable, Equatable {
    public var directoryID: String
    /// The directory's declared extension schemas for this type (`DeclaredSchemas.wire`); empty: none.
    public var extensions: [UInt8] = []
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

    public init(message m: Roster_V1_ResourceQuery) {
        self.init(directoryID: m.directoryID, filter: m.hasFilter ? m.filter : nil, startIndex: Int(m.startIndex), count: Int(m.count),
                  sortBy: m.hasSortBy ? m.sortBy : nil, descending: m.descending, locationPrefix: m.locationPrefix)
        extensions = Array(m.extensionsJson)
    }

    public var message: Roster_V1_ResourceQuery {
        var m = Roster_V1_ResourceQuery()
        m.directoryID = directoryID
        if let filter { m.filter = filter }
        m.startIndex = Int64(startIndex)
        m.count = Int64(count)
        if let sortBy { m.sortBy = sortBy }
        m.descending = descending
        m.locationPrefix = locationPrefix
        m.extensionsJson = Data(extensions)
        return m
    }
}
