// roster-bitbucket-standin: the Bitbucket Data Center stand-in as a process, for end-to-end tests
// and benchmarks. A contract test double built from the Bitbucket Data Center 8.19 OpenAPI shapes,
// not Bitbucket. Prints `bitbucket-standin listening on http://127.0.0.1:PORT` once it listens;
// stops cleanly on SIGTERM or SIGINT.
import BitbucketStandIn
import Foundation
import Hummingbird

do {
    let options = try StandInOptions.parse(Array(CommandLine.arguments.dropFirst()))
    // The state file when it exists, else the seed.
    let state = try StandInState(options: options)
    let app = standInApplication(options: options, state: state) { port in
        print("bitbucket-standin listening on http://127.0.0.1:\(port)")
        fflush(nil)  // every stream, stdout included (stdout itself is shared mutable state to Swift 6)
    }
    try await app.runService()
} catch {
    FileHandle.standardError.write(Data("roster-bitbucket-standin: \(error)\n".utf8))
    exit(1)
}
