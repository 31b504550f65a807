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
        .executableTarget(
            name: "DeckBenchmarks",
            dependencies: [
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
