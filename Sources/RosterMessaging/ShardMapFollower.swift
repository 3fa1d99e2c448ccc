public import Logging
public import RosterProtocol
public import ServiceLifecycle
import Synchronization

/// Keeps routers on the sync worker's shard map: read every `interval` (half a second), so that
/// a directory an online reshard moved is looked for on its new shard within about half a second. A
/// sync worker that cannot be reached leaves the last map in force.
public struct ShardMapFollower: Service {
    let fetch: @Sendable () async throws -> ShardMap
    let users: WorkerClient?
    let groups: WorkerClient?
    let interval: Duration
    let logger: Logger

    public init(users: WorkerClient?, groups: WorkerClient?, interval: Duration = .milliseconds(500), logger: Logger, fetch: @escaping @Sendable () async throws -> ShardMap) {
        self.fetch = fetch
        self.users = users
        self.groups = groups
        self.interval = interval
        self.logger = logger
    }

    /// Follows the map of the sync worker reached by `sync`.
    public init(sync: any CommandTransport, users: WorkerClient?, groups: WorkerClient?, logger: Logger) {
        self.init(users: users, groups: groups, logger: logger) { try await sync.send(GetShardMap(), shardKey: "") }
    }

    public func run() async throws {
        var warned = false
        var last: ShardMap?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let map = try await fetch()
                users?.follow(map.users)
                groups?.follow(map.groups)
                if map != last, last != nil {
                    logger.info("shard map changed", metadata: [
                        "usersBase": "\(map.users.base)", "usersMoved": "\(map.users.overrides.count)",
                        "groupsBase": "\(map.groups.base)", "groupsMoved": "\(map.groups.overrides.count)",
                    ])
                }
                last = map
                warned = false
            } catch {
                if !warned { logger.warning("cannot read the shard map from the sync worker; keeping the last one", metadata: ["error": "\(error)"]) }
                warned = true
            }
            // Ticks of 25 ms: a router that was refused for a moving directory asks for the map at once.
            let next = ContinuousClock.now + interval
            do {
                try await cancelWhenGracefulShutdown {
                    while ContinuousClock.now < next {
                        if users?.wantsMap.exchange(false, ordering: .relaxed) == true || groups?.wantsMap.exchange(false, ordering: .relaxed) == true { return }
                        try await Task.sleep(for: .milliseconds(25))
                    }
                }
            } catch { break }
        }
    }
}
