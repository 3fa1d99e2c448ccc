// swift-tools-version:6.1
import PackageDescription

/// In-process micro-benchmarks of Roster's hot paths (issue 19): JSON parse and serialise, filter
/// parse, PATCH apply, wire encode and decode, projection, with allocation counts. A package of its
/// own, so that neither the product nor CI builds ordo-one/benchmark. Run: `bench/micro/run`.
let package = Package(
    name: "roster-micro",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "roster", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HotPaths",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SCIMCore", package: "roster"),
                .product(name: "RosterProtocol", package: "roster"),
            ],
            path: "Benchmarks/HotPaths",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
