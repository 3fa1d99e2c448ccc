import Foundation
import Logging
import RosterPersistence
import RosterProtocol
import SCIMCore
import Synchronization

/// Runtime log levels (`roster log-level`), in this process's memory only: they are not part of
/// the store, so a restart of the system returns every process to its startup level.
extension SyncStore {
    static let runtimeLevels = Mutex<[String: RuntimeLogLevel]>([:])

    static func registerLogLevelCommands(_ table: inout CommandTable) {
        table.registerRead(GetRuntimeLogLevels.self) { _, _ in current() }
        table.registerRead(SetRuntimeLogLevel.self) { _, c in
            let wanted = c.level
            guard RuntimeLogLevel.services.contains(wanted.service) else {
                throw SCIMError.invalidValue("'service' is one of \(RuntimeLogLevel.services.joined(separator: ", ")), not '\(wanted.service)'.")
            }
            guard wanted.level.isEmpty || Logger.Level(rawValue: wanted.level) != nil else {
                throw SCIMError.invalidValue("'level' is trace, debug, info, notice, warning, error or critical, not '\(wanted.level)'.")
            }
            runtimeLevels.withLock { levels in
                if wanted.service == "all" { levels.removeAll() }  // one level for every process
                if wanted.level.isEmpty { levels.removeValue(forKey: wanted.service) } else { levels[wanted.service] = wanted }
            }
            return current()
        }
    }

    /// The levels in force; lapsed ones are dropped.
    static func current() -> RuntimeLogLevels {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return runtimeLevels.withLock { levels in
            levels = levels.filter { $0.value.untilMilliseconds == 0 || $0.value.untilMilliseconds > now }
            return RuntimeLogLevels(levels: levels.values.sorted { $0.service < $1.service })
        }
    }
}
