// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket): the test controls under `/_standin/` (no
// authentication; not part of Bitbucket), for tests and benchmarks.
import Foundation
import Hummingbird

enum StandInControlRoutes {
    static func table() -> StandInRouteTable {
        var t = StandInRouteTable()
        // The whole model, users and groups by lowercased name.
        t.add("/_standin/state", .get) { call in StandInResponses.json(.ok, call.state.stateDocument()) }
        // `/rest` request counts.
        t.add("/_standin/requests", .get) { call in StandInResponses.json(.ok, StandInJSON.requests(call.state.requestCounts())) }
        t.add("/_standin/requests/reset", .post) { call in
            call.state.resetRequestCounts()
            return StandInResponses.noContent()
        }
        // `{"status":503,"count":5}`: the next `count` `/rest` requests fail (-1: until `{"status":0}`).
        t.add("/_standin/fail", .post) { call in
            let body = try await call.body(FailBody.self)
            guard let status = body.status else { throw StandInError.invalid("The field 'status' is required.") }
            try call.state.failNext(status: status, count: body.count ?? 1)
            return StandInResponses.noContent()
        }
        // `{"ms":2000}`: every `/rest` request waits that long first (0 clears).
        t.add("/_standin/stall", .post) { call in
            let body = try await call.body(StallBody.self)
            guard let ms = body.ms else { throw StandInError.invalid("The field 'ms' is required.") }
            try call.state.setStall(milliseconds: ms)
            return StandInResponses.noContent()
        }
        // `{"name":"u","at":1700000000000}`: the user signed in then (default: now).
        t.add("/_standin/login", .post) { call in
            let body = try await call.body(LoginBody.self)
            let at = body.at ?? Int64((Date().timeIntervalSince1970 * 1000).rounded())
            try call.state.recordLogin(name: try requiredField(body.name, "name"), at: at)
            return StandInResponses.noContent()
        }
        // `{"name":"u","mutableDetails":false,"mutableGroups":false}`.
        t.add("/_standin/flags", .post) { call in
            let body = try await call.body(FlagsBody.self)
            try call.state.setFlags(name: try requiredField(body.name, "name"), mutableDetails: body.mutableDetails, mutableGroups: body.mutableGroups)
            return StandInResponses.noContent()
        }
        return t
    }
}
