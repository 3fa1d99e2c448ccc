import ArgumentParser
import Foundation
import RosterMessaging
#if canImport(Glibc)
import Glibc
#endif

/// `roster keys generate --out DIR`: the CURVE keys of worker links that leave the host.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "CURVE keys for the worker sockets (ZeroMQ between hosts).", subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a worker key pair, a client key pair and the list of authorized clients into a directory.",
            discussion: """
                Writes worker.key and client.key (secret, mode 0600), worker.pub and client.pub, and
                authorized-clients (client.pub's key; add a line per further client). Workers read
                zmq.curve.serverKey=worker.key and zmq.curve.authorizedClients=authorized-clients;
                the ingress and the users workers read zmq.curve.clientKey=client.key and
                zmq.curve.serverPublicKey=worker.pub. Existing files are never overwritten.
                """)

        @Option(help: "The directory to write the key files into (created if missing).") var out: String

        func run() async throws {
            guard Curve.isAvailable else { throw CLIError("This libzmq has no CURVE support (it was built without libsodium).") }
            let directory = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let names = ["worker.key", "worker.pub", "client.key", "client.pub", "authorized-clients"]
            let taken = names.filter { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
            guard taken.isEmpty else {
                throw CLIError("\(directory.path) already holds \(taken.joined(separator: ", ")); keys are never overwritten: choose another directory, or remove them first.")
            }
            let worker = try CurveKeyPair.generate(), client = try CurveKeyPair.generate()
            let files: [(String, String, mode_t)] = [
                ("worker.key", Curve.secretFile(worker, role: "worker"), 0o600),
                ("worker.pub", Curve.publicFile(worker.publicKey, role: "worker"), 0o644),
                ("client.key", Curve.secretFile(client, role: "client"), 0o600),
                ("client.pub", Curve.publicFile(client.publicKey, role: "client"), 0o644),
                ("authorized-clients", "# The client public keys the workers accept, one per line.\n\(Curve.encode(client.publicKey))\n", 0o644),
            ]
            for (name, text, mode) in files { try Self.write(text, to: directory.appendingPathComponent(name).path, mode: mode) }
            let path = { (name: String) in directory.appendingPathComponent(name).path }
            print("""
                CURVE keys written to \(directory.path).
                Workers (users, groups, sync, audit):
                  --zmq-curve-server-key \(path("worker.key")) --zmq-curve-authorized-clients \(path("authorized-clients"))
                Ingress and users workers (clients):
                  --zmq-curve-client-key \(path("client.key")) --zmq-curve-server-public-key \(path("worker.pub"))
                Copy each secret .key file only to the hosts that need it.
                """)
        }

        /// Created with its mode from the start (O_EXCL): a secret is never readable by others, even briefly.
        static func write(_ text: String, to path: String, mode: mode_t) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard fd >= 0 else { throw CLIError("Cannot create \(path): \(String(cString: strerror(errno))).") }
            defer { close(fd) }
            let bytes = Array(text.utf8)
            guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count, fchmod(fd, mode) == 0 else {
                throw CLIError("Cannot write \(path): \(String(cString: strerror(errno))).")
            }
        }
    }
}
