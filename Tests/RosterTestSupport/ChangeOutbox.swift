import Foundation
public import GRDB
import RosterPersistence
public import RosterProtocol

/// The events a store's change outbox holds, in the order its relay would deliver them.
public func changeOutbox(_ pool: DatabasePool) throws -> [ChangeEvent] {
    try pool.read { db in
        try Data.fetchAll(db, sql: "SELECT payload FROM changeOutbox ORDER BY seq").map { try CommandCodec.decode(ChangeEvent.self, from: Array($0)) }
    }
}

extension ChangeEvent {
    /// `type` and the attributes it names, for compact expectations.
    public var summary: String { changed.isEmpty ? type : "\(type)[\(changed.joined(separator: ","))]" }
}
