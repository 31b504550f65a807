// swift-tools-version: 6.1
// Benchmarks live in their own package so the main build and CI do not compile the benchmark tooling.
// Run them with scripts/bench.sh (or: cd Benchmarks && swift package benchmark).
import PackageDescription

let package = Package(
    name: "ollama-deck-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "ollama-deck", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The states and inputs the benchmarks and the profiling driver share.
        .target(
            name: "BenchFixtures",
            dependencies: [
                .product(name: "OllamaKit", package: "ollama-deck"),
                .product(name: "DeckCore", package: "ollama-deck"),
                .product(name: "DeckUI", package: "ollama-deck"),
            ]
        ),
        // Runs one workload a fixed number of times, for valgrind --tool=callgrind (scripts/profile.sh).
        .executableTarget(
            name: "deck-profile",
            dependencies: [
                "BenchFixtures",
                .product(name: "OllamaKit", package: "ollama-deck"),
                .product(name: "DeckCore", package: "ollama-deck"),
                .product(name: "DeckUI", package: "ollama-deck"),
                .product(name: "TermUI", package: "ollama-deck"),
            ]
        ),
        .executableTarget(
            name: "DeckBenchmarks",
            dependencies: [
                "BenchFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OllamaKit", package: "ollama-deck"),
                .product(name: "DeckCore", package: "ollama-deck"),
                .product(name: "DeckUI", package: "ollama-deck"),
                .product(name: "TermUI", package: "ollama-deck"),
            ],
            path: "Benchmarks/DeckBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ],
    swiftLanguageModes: [.v6]
)
