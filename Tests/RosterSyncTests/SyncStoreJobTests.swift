import Foundation
@testable import RosterSync
import RosterPersistence
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Testing

/// The jobs' commands on a real sync store: a removal is confirmed by the directory's exact
/// name, one per directory, a directory being removed takes no configuration, and a queued job
/// cancelled gives the directory back.
struct SyncStoreJobTests {
    @Test func aRemovalNeedsTheExactNameAndFreezesTheDirectoryUntilCancelled() throws {
        try withSyncStore { store, _ throws in
            let saved = try store.run(SaveConfiguration(configuration: bearer("Okta", token: "okta-token-secret-value"), newDirectoryName: "Employees", ifMatch: nil))
            let directory = saved.directoryID
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(RemoveDirectory(directoryID: directory, confirmName: "employees")) }
            expectSCIMError(status: 404, scimType: nil) { try store.run(RemoveDirectory(directoryID: "nope", confirmName: "Employees")) }
            let job = try store.run(RemoveDirectory(directoryID: directory, confirmName: "Employees"))
            #expect(job.state == .queued && job.kind == Job.removeDirectory && job.directoryName == "Employees")
            expectSCIMError(status: 409, scimType: nil) { try store.run(RemoveDirectory(directoryID: directory, confirmName: "Employees")) }
            expectSCIMError(status: 409, scimType: nil) {
                try store.run(SaveConfiguration(configuration: bearer("Entra", token: "entra-token-secret-value", directory: directory), newDirectoryName: nil, ifMatch: nil))
            }
            #expect(try store.run(ListJobs(directoryID: directory)).jobs.map(\.id) == [job.id])
            let cancelled = try store.run(CancelJob(id: job.id))
            #expect(cancelled.state == .cancelled && !cancelled.finished.isEmpty)
            expectSCIMError(status: 409, scimType: nil) { try store.run(CancelJob(id: job.id)) }
            _ = try store.run(SaveConfiguration(configuration: bearer("Entra", token: "entra-token-secret-value", directory: directory), newDirectoryName: nil, ifMatch: nil))
            expectSCIMError(status: 404, scimType: nil) { try store.run(GetJob(id: "nope")) }
        }
    }
}
