@testable import RosterIngress
import Testing

struct RecentOutcomesTests {
    @Test func countsByOutcomeOnlyTheLastFiveMinutes() {
        let recent = RecentOutcomes()
        recent.record(status: 200, at: 1_000)
        recent.record(status: 404, at: 1_000)
        recent.record(status: 503, at: 1_150)
        #expect(recent.last(at: 1_200) == .init(requests: 3, clientErrors: 1, serverErrors: 1))
        #expect(recent.last(at: 1_299) == .init(requests: 3, clientErrors: 1, serverErrors: 1))
        #expect(recent.last(at: 1_300) == .init(requests: 1, clientErrors: 0, serverErrors: 1), "the second 1,000 has left the window")
        // A new second on the same slot replaces the old one.
        recent.record(status: 201, at: 1_300)
        #expect(recent.last(at: 1_300) == .init(requests: 2, clientErrors: 0, serverErrors: 1))
        #expect(recent.last(at: 2_000) == .init())
    }
}
