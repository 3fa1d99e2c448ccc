import Foundation
import GRDB
import RosterCrypto
import RosterMessaging
import RosterPersistence
import RosterProtocol
@testable import RosterSync
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

/// Application links in the sync store: what a link takes and refuses, and its secret sealed.
struct SyncStoreAppTests {
    func link(_ directory: String, url: String = "https://bitbucket.example.com", username: String = "svc-roster", secret: String = "Pa55-word-of-the-link",
              kind: String = "bitbucket", auth: String = "basic", logins: Int64 = 3600) -> CreateApp {
        var c = CreateApp()
        c.directoryID = directory
        c.kind = kind
        c.url = url
        c.username = username
        c.secret = secret
        c.auth = auth
        c.loginsEverySeconds = logins
        return c
    }

    @Test func aLinkKeepsItsPasswordSealedAndNeverAnswersIt() throws {
        try withStore(migrator: SyncStore.migrator, commands: SyncStore.commands) { store, pool, path in
            let directory = try store.run(CreateDirectory(name: "Employees")).id
            let app = try store.run(link(directory))
            #expect(app.state == "active" && app.auth == "basic" && app.url == "https://bitbucket.example.com" && app.cursor == 0)
            let sealed = try pool.read { try String.fetchOne($0, sql: "SELECT secret FROM app") } ?? ""
            let opened = String(decoding: try Secrets.open(sealed, key: AppSettings.current.withLock(\.key)), as: UTF8.self)
            #expect(!sealed.contains("Pa55-word") && opened == "Pa55-word-of-the-link")
            #expect(!String(decoding: CommandCodec.encode(app), as: UTF8.self).contains("Pa55-word"), "no reply carries it")
            let file = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
            #expect(file.range(of: Data("Pa55-word".utf8)) == nil)
        }
    }

    @Test func aLinkThatCannotWorkIsRefusedWithWhy() throws {
        try withStore(migrator: SyncStore.migrator, commands: SyncStore.commands) { store, _, _ in
            let directory = try store.run(CreateDirectory(name: "Employees")).id
            for bad in [link(directory, kind: "jira"), link(directory, url: "http://bitbucket.example.com"), link(directory, url: "https://svc:pw@bitbucket.example.com"),
                        link(directory, url: "not a url"), link(directory, username: ""), link(directory, secret: ""), link(directory, auth: "token"),
                        link(directory, logins: 5)] {
                expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(bad) }
            }
            expectSCIMError(status: 404, scimType: nil) { try store.run(link("no-such-directory")) }
            for _ in 0..<SyncStore.appsPerDirectory { _ = try store.run(link(directory)) }
            expectSCIMError(status: 409, scimType: nil) { try store.run(link(directory)) }
        }
    }

    @Test func changesToALinkAreCheckedAgainstItsState() throws {
        try withStore(migrator: SyncStore.migrator, commands: SyncStore.commands) { store, _, _ in
            let directory = try store.run(CreateDirectory(name: "Employees")).id
            let app = try store.run(link(directory))
            var change = ChangeApp()
            change.id = app.id
            change.action = "skip"
            expectSCIMError(status: 409, scimType: nil) { try store.run(change) }
            change.action = "explode"
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(change) }
            change.action = "pause"
            #expect(try store.run(change).state == "paused")
            change.id = "nope"
            expectSCIMError(status: 404, scimType: nil) { try store.run(change) }
            var job = StartAppJob()
            job.appID = app.id
            job.kind = "app-explode"
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(job) }
            job.kind = Job.appReconcile
            job.repair = true
            #expect(try store.run(job).source == "app:\(app.id):repair")
        }
    }
}
