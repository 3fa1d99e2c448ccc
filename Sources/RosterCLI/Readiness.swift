import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

enum Readiness {
    /// Polls `url` until it answers 200 or `timeout` passes. With `pid`, only an answer from that
    /// process counts (`/readyz` names its pid), so another Roster on the port is never taken for ours.
    /// `giveUp` ends the wait early (a child that cannot start).
    static func wait(url: String, timeout: Duration, pid: @escaping @Sendable () -> Int32? = { nil }, giveUp: @Sendable () -> Bool = { false }) async -> Bool {
        guard let target = URL(string: url) else { return false }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline && !giveUp() {
            if let (data, response) = try? await URLSession.shared.data(from: target), (response as? HTTPURLResponse)?.statusCode == 200 {
                guard let expected = pid() else { return true }
                let answered = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["pid"] as? Int
                if answered == Int(expected) { return true }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
