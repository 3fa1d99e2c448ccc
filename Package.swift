// swift-tools-version:6.2
import PackageDescription

/// One settings array for every target, as Hummingbird does. `scripts/test` (and so CI) builds
/// with ROSTER_WARNINGS_AS_ERRORS=1: a warning in the project's own code fails the build there.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
] + (Context.environment["ROSTER_WARNINGS_AS_ERRORS"] == "1" ? [.unsafeFlags(["-warnings-as-errors"])] : [])

let package = Package(
    name: "roster",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "roster", targets: ["roster"]),
        .executable(name: "roster-ingress", targets: ["roster-ingress"]),
        .executable(name: "roster-users", targets: ["roster-users"]),
        .executable(name: "roster-groups", targets: ["roster-groups"]),
        .executable(name: "roster-sync", targets: ["roster-sync"]),
        .executable(name: "roster-audit", targets: ["roster-audit"]),
        // For bench/micro, the in-process benchmarks of the hot paths (a package of their own).
        .library(name: "SCIMCore", targets: ["SCIMCore"]),
        .library(name: "RosterProtocol", targets: ["RosterProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "CommandLineArguments"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        // Already in the graph through Hummingbird; swift-prometheus adds one small target.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure SCIM: JSON values, errors, filters, resources. No system libraries.
        .target(name: "SCIMCore", swiftSettings: swiftSettings),

        // System libraries.
        // No pkgConfig: libzmq's flags (-isystem /usr/include/mit-krb5 …) are ones SwiftPM refuses
        // with a warning on every build; the header and `link "zmq"` in the module map are all it needs.
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Secrets: tokens, SHA-256, PBKDF2 (OpenSSL).
        .target(name: "RosterCrypto", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),

        // Typed commands and replies shared by the ingress and the workers: the contract is
        // Proto/*.proto; Generated/ is made from it by scripts/generate-protocol and committed.
        .target(
            name: "RosterProtocol",
            dependencies: ["SCIMCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Proto", "Generated/ProtoSources.sha256"],
            swiftSettings: swiftSettings
        ),

        // Each process's metrics: swift-metrics over one Prometheus registry.
        .target(
            name: "RosterMetrics",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),

        // ZeroMQ sockets, the ingress-side requester bridge and the worker-side ROUTER loop.
        .target(
            name: "RosterMessaging",
            dependencies: [
                "CZeroMQ", "RosterProtocol", "RosterConfig", "RosterMetrics",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // GRDB helpers shared by every worker: opening, pragmas, group commit, checkpoints.
        .target(
            name: "RosterPersistence",
            dependencies: [
                "RosterProtocol", "RosterMessaging", "RosterConfig", "RosterCrypto", "RosterMetrics",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // Process configuration (dotted keys from CLI, environment, defaults).
        .target(
            name: "RosterConfig",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Outbound HTTP and the clients of the applications Roster provisions (Bitbucket).
        .target(name: "RosterApps", swiftSettings: swiftSettings),

        // The users worker.
        .target(
            name: "RosterUsers",
            dependencies: [
                "SCIMCore", "RosterProtocol", "RosterPersistence", "RosterMessaging", "RosterConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The groups worker.
        .target(
            name: "RosterGroups",
            dependencies: [
                "SCIMCore", "RosterProtocol", "RosterPersistence",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The sync worker: directories and configurations.
        .target(
            name: "RosterSync",
            dependencies: [
                "SCIMCore", "RosterProtocol", "RosterPersistence", "RosterMessaging", "RosterConfig", "RosterMetrics", "RosterCrypto", "RosterApps",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The audit worker: the request history.
        .target(
            name: "RosterAudit",
            dependencies: [
                "SCIMCore", "RosterProtocol", "RosterPersistence", "RosterConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The HTTP ingress.
        .target(
            name: "RosterIngress",
            dependencies: [
                "SCIMCore", "RosterProtocol", "RosterMessaging", "RosterCrypto", "RosterConfig", "RosterMetrics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The operator's CLI: `up` supervisor and `health`.
        .target(
            name: "RosterCLI",
            dependencies: [
                "RosterCrypto", "RosterConfig", "RosterMessaging", "RosterPersistence", "RosterSync", "RosterUsers", "RosterGroups",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Thin executables.
        .executableTarget(name: "roster", dependencies: ["RosterCLI"], swiftSettings: swiftSettings),
        .executableTarget(name: "roster-ingress", dependencies: ["RosterIngress", "RosterConfig"], swiftSettings: swiftSettings),
        .executableTarget(name: "roster-users", dependencies: ["RosterUsers", "RosterConfig"], swiftSettings: swiftSettings),
        .executableTarget(name: "roster-groups", dependencies: ["RosterGroups", "RosterConfig"], swiftSettings: swiftSettings),
        .executableTarget(name: "roster-sync", dependencies: ["RosterSync", "RosterConfig"], swiftSettings: swiftSettings),
        .executableTarget(name: "roster-audit", dependencies: ["RosterAudit", "RosterConfig"], swiftSettings: swiftSettings),

        // Tests.
        .testTarget(name: "SCIMCoreTests", dependencies: ["SCIMCore", "RosterTestSupport"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "RosterCryptoTests", dependencies: ["RosterCrypto"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RosterProtocolTests",
            dependencies: ["RosterProtocol", "RosterCrypto", "RosterTestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RosterMessagingTests", dependencies: ["RosterMessaging", "RosterTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RosterUsersTests",
            dependencies: ["RosterUsers", "RosterTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterTestSupport",
            dependencies: [
                "SCIMCore", "RosterCrypto", "RosterProtocol", "RosterMessaging", "RosterPersistence",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ], path: "Tests/RosterTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "RosterGroupsTests",
            dependencies: ["RosterGroups", "RosterTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterSyncTests",
            dependencies: ["RosterSync", "RosterApps", "RosterTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterAuditTests",
            dependencies: ["RosterAudit", "RosterTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RosterIngressTests", dependencies: ["RosterIngress", "RosterTestSupport", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")], swiftSettings: swiftSettings),
        // The Bitbucket Data Center stand-in: a contract test double of its admin REST API, run
        // as a real process by end-to-end tests and benchmarks (never shipped).
        .target(
            name: "BitbucketStandIn",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/BitbucketStandIn", swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "roster-bitbucket-standin",
            dependencies: ["BitbucketStandIn", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/BitbucketStandInMain", swiftSettings: swiftSettings
        ),
        // The ceilings of this stack that bench/suite measures Roster against (never shipped).
        .executableTarget(
            name: "roster-ceiling",
            dependencies: [
                "RosterMessaging", "RosterPersistence", "RosterProtocol",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "bench/Ceiling", swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterEndToEndTests",
            dependencies: ["SCIMCore", "RosterConfig", "RosterMessaging", "RosterCLI", "RosterTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)

// The libFuzzer targets (scripts/fuzz): only with ROSTER_FUZZ=1, since they link only against
// libFuzzer's main (`swift build --sanitize=fuzzer`).
if Context.environment["ROSTER_FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "roster-fuzz", dependencies: ["SCIMCore", "RosterProtocol"], swiftSettings: swiftSettings))
    package.products.append(.executable(name: "roster-fuzz", targets: ["roster-fuzz"]))
}
