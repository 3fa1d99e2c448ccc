import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

enum Readiness {
    /// Polls `url` until it answers 200 or `timeout` passes.
    static func wait(url: String, timeout: Duration) async -> Bool {
        guard let target = URL(string: url) else { return false }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: target), (response as? HTTPURLResponse)?.statusCode == 200 {
                return true
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
