import Foundation
import RosterMessaging
import Testing

struct CurveTests {
    @Test func onlyLoopbackIPCAndInprocEndpointsCountAsLocal() {
        for local in ["tcp://127.0.0.1:5551", "tcp://127.0.0.2:5551", "tcp://localhost:5551", "tcp://[::1]:5551", "tcp://lo:5551",
                      "ipc:///tmp/roster.sock", "inproc://roster", "tcp://10.0.0.5:0;127.0.0.1:5551"] {
            #expect(EndpointScope.isLocal(local), "\(local)")
        }
        for exposed in ["tcp://0.0.0.0:5551", "tcp://*:5551", "tcp://10.0.0.5:5551", "tcp://users:5551", "tcp://[::]:5551",
                        "tcp://127.0.0.1.example.com:5551", "tcp://eth0:5551", "pgm://eth0;239.192.1.1:5555",
                        "tcp://[::1]:0;0.0.0.0:5551", "tcp://127.0.0.1:0;10.0.0.5:5551"] {
            #expect(!EndpointScope.isLocal(exposed), "\(exposed)")
        }
    }

    /// Z85 has `#` and `=` in its alphabet: a key that holds them must still be read whole.
    @Test func keyFilesReadKeysWithEveryZ85CharacterAndNameTheBadLineWithoutEchoingIt() throws {
        let pair = try CurveKeyPair.generate()
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair, "the public key is derived from the secret one")
        let tricky = Array([[UInt8]](repeating: [0x03, 0x13, 0x2B, 0xAC], count: 8).joined())  // 84 × 85³: "0#000"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("keys").path
        try "# comment\n\(Curve.encode(tricky))\npublic-key = \(Curve.encode(pair.publicKey))\n  \nsecret-key \(Curve.encode(pair.secretKey))\n".write(toFile: file, atomically: true, encoding: .utf8)
        let read = try Curve.read(file)
        #expect(Curve.encode(tricky).contains("#"))
        #expect(read.publicKeys == [tricky, pair.publicKey] && read.secretKey == pair.secretKey)

        let typo = "secret-key = \(Curve.encode(pair.secretKey).dropLast())"
        try "\(typo)\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect {
            try Curve.read(file)
        } throws: { error in
            let text = "\(error)"
            return text.contains("line 1") && !text.contains(typo.dropFirst(13))
        }
        try "secret-key = \(Curve.encode(pair.secretKey))\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o640)
        #expect(try Curve.readSecret(file) == pair, "group read is allowed (a Kubernetes secret volume)")
        let link = directory.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        #expect(try Curve.readSecret(link) == pair, "a symbolic link is judged by its target")
        for loose in [0o644, 0o604, 0o660] {
            chmod(file, mode_t(loose))
            #expect(throws: CurveKeyError.self, "mode \(String(loose, radix: 8))") { try Curve.readSecret(file) }
        }
    }
}
