import Foundation
import GRDB
import Logging
import RosterMessaging
import RosterPersistence
import RosterProtocol
import RosterSync
import RosterTestSupport
import SCIMCore
import Testing

func withSyncStore(_ body: (GroupCommitHandler, String) throws -> Void) throws {
    try withStore(migrator: SyncStore.migrator, commands: SyncStore.commands) { store, _, path in try body(store, path) }
}

func bearer(_ name: String, token: String, directory: String = "") -> IdPConfiguration {
    IdPConfiguration(id: "", name: name, directoryID: directory, authMethod: .bearer, tokenSHA256: sha256(token), basicUsername: nil,
                     basicPasswordHash: nil, deleteMode: .delete, defaultGroups: ["Everyone"], applicationGroups: ["Bitbucket Users"], enabled: true, version: 0)
}

struct SyncStoreTests {
    @Test func auditingIsOffUntilSetAndOnlyKnownSettingsAreAccepted() throws {
        try withSyncStore { store, _ throws in
            #expect(try store.run(GetSettings()).isAuditEnabled == false)
            #expect(try store.run(PutSetting(key: Settings.auditEnabled, value: "true")).isAuditEnabled)
            #expect(try store.run(GetSettings()).values == [Settings.auditEnabled: "true"])
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(PutSetting(key: Settings.auditEnabled, value: "yes")) }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(PutSetting(key: "log.level", value: "debug")) }
            #expect(try store.run(PutSetting(key: Settings.auditEnabled, value: "false")).isAuditEnabled == false)
        }
    }

    @Test func configurationsLiveInDirectoriesAndKeepOnlyDigestsOfSecrets() throws {
        try withSyncStore { store, path throws in
            let okta = try store.run(SaveConfiguration(configuration: bearer("Okta", token: "okta-token-secret-value"), newDirectoryName: "Employees", ifMatch: nil))
            #expect(okta.version == 1 && !okta.id.isEmpty && okta.defaultGroups == ["Everyone"])
            let entra = try store.run(SaveConfiguration(configuration: bearer("Entra", token: "entra-token-secret-value", directory: okta.directoryID), newDirectoryName: nil, ifMatch: nil))
            #expect(entra.directoryID == okta.directoryID, "two IdPs may feed one directory")
            #expect(try store.run(ListDirectories()).directories.map(\.name) == ["Employees"])
            #expect(try store.run(ListConfigurations()).configurations.map(\.name) == ["Entra", "Okta"])
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
            #expect(bytes.range(of: Data("okta-token-secret-value".utf8)) == nil)
        }
    }

    @Test func namesTokensAndUsernamesAreUnique() throws {
        try withSyncStore { store, _ throws in
            let first = try store.run(SaveConfiguration(configuration: bearer("A", token: "token-one-value"), newDirectoryName: "D", ifMatch: nil))
            expectSCIMError(status: 409, scimType: .uniqueness) {
                try store.run(SaveConfiguration(configuration: bearer("a", token: "token-two-value", directory: first.directoryID), newDirectoryName: nil, ifMatch: nil))
            }
            expectSCIMError(status: 409, scimType: .uniqueness) {
                try store.run(SaveConfiguration(configuration: bearer("B", token: "token-one-value", directory: first.directoryID), newDirectoryName: nil, ifMatch: nil))
            }
            expectSCIMError(status: 409, scimType: .uniqueness) { try store.run(CreateDirectory(name: "d")) }
        }
    }

    @Test func updatesAreVersionedAndValidated() throws {
        try withSyncStore { store, _ throws in
            var saved = try store.run(SaveConfiguration(configuration: bearer("A", token: "token-one-value"), newDirectoryName: "D", ifMatch: nil))
            saved.deleteMode = .disable
            saved.tokenSHA256 = sha256("rotated-token-value")
            let updated = try store.run(SaveConfiguration(configuration: saved, newDirectoryName: nil, ifMatch: 1))
            #expect(updated.version == 2 && updated.deleteMode == .disable && updated.tokenSHA256 == sha256("rotated-token-value"))
            expectSCIMError(status: 412, scimType: nil) { try store.run(SaveConfiguration(configuration: saved, newDirectoryName: nil, ifMatch: 1)) }
            var basic = saved
            basic.authMethod = .basic
            basic.basicUsername = "okta"
            basic.basicPasswordHash = nil
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(SaveConfiguration(configuration: basic, newDirectoryName: nil, ifMatch: nil)) }
            var orphan = bearer("O", token: "token-three-value", directory: "no-such-directory")
            orphan.directoryID = "no-such-directory"
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(SaveConfiguration(configuration: orphan, newDirectoryName: nil, ifMatch: nil)) }
            _ = try store.run(DeleteConfiguration(id: saved.id))
            #expect(try store.run(ListConfigurations()).configurations.isEmpty)
            expectSCIMError(status: 404, scimType: nil) { try store.run(DeleteConfiguration(id: saved.id)) }
        }
    }
}
