public import GRDB

extension Database {
    /// A prepared statement. Cached ones skip SQLite's compile and GRDB's authorizer (15 % of a
    /// worker's CPU when every statement was compiled anew); pass `cached: false` for SQL whose
    /// shape comes from a client (an unusual filter) so the cache cannot grow without bound.
    public func statement(_ sql: String, cached: Bool = true) throws -> Statement {
        cached ? try cachedStatement(sql: sql) : try makeStatement(sql: sql)
    }
}
