import Foundation
import Hummingbird
import Logging
import RosterProtocol
import SCIMCore

/// `GET` and `PATCH /admin/api/v1/log-level`: the runtime log level of every process, or of one
/// service, for a while or until changed; not persisted (a restart returns to `log.level`).
extension AdminController {
    func addLogLevelRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.get("log-level") { _, _ in
            SCIMResponse.json(.ok, Self.view(try await sync.send(GetRuntimeLogLevels(), shardKey: "")))
        }
        group.patch("log-level") { request, _ in
            let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
            let service = body["service"]?.stringValue ?? "all"
            var level = body["level"]?.stringValue?.lowercased() ?? ""
            if level == "reset" || body["level"]?.isNull == true { level = "" }
            var until: Int64 = 0
            var given = body["for"]?.stringValue
            if case .int(let n)? = body["for"] { given = "\(n)s" }
            if let text = given {
                guard let seconds = Self.seconds(text), seconds > 0, seconds <= 7 * 86_400 else {
                    throw SCIMError.invalidValue("'for' is a duration such as 90s, 30m or 2h (at most 7 days), not '\(text)'.")
                }
                until = Int64(Date().timeIntervalSince1970 * 1000) + Int64(seconds) * 1000
            }
            let levels = try await sync.send(SetRuntimeLogLevel(level: RuntimeLogLevel(service: service, level: level, untilMilliseconds: until)), shardKey: "")
            return SCIMResponse.json(.ok, Self.view(levels))
        }
    }

    /// `90s`, `30m`, `2h`, `1d` or a number of seconds.
    static func seconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let unit = text.last, let factor = units[unit], let n = Int(text.dropLast()) {
            let (seconds, overflow) = n.multipliedReportingOverflow(by: factor)
            return overflow ? nil : seconds
        }
        return Int(text)
    }

    static func view(_ levels: RuntimeLogLevels) -> JSONValue {
        .object([
            "levels": .array(levels.levels.map { l in
                .object(["service": .string(l.service), "level": .string(l.level),
                         "until": l.untilMilliseconds == 0 ? .null : .string(Timestamp.string(from: Date(timeIntervalSince1970: Double(l.untilMilliseconds) / 1000)))])
            }),
            "note": .string("Every process not listed (or all, when 'all' is not listed) runs at its startup log.level. Runtime levels are not persisted: a restart returns to the startup level."),
        ])
    }
}
