// swift-tools-version: 6.1
// libFuzzer targets, in a package of their own: they build with `--sanitize=fuzzer`, which the main
// package's executables cannot. Run them with scripts/fuzz.sh; crashes become regression tests.
import PackageDescription

let package = Package(
    name: "ollama-deck-fuzz",
    dependencies: [.package(name: "ollama-deck", path: "..")],
    targets: [
        .executableTarget(name: "FuzzNDJSON", dependencies: [.product(name: "OllamaKit", package: "ollama-deck")]),
        .executableTarget(name: "FuzzKeys", dependencies: [.product(name: "TermUI", package: "ollama-deck")]),
        .executableTarget(
            name: "FuzzMarkdown",
            dependencies: [
                .product(name: "DeckCore", package: "ollama-deck"), .product(name: "DeckUI", package: "ollama-deck"),
                .product(name: "OllamaKit", package: "ollama-deck"), .product(name: "TermUI", package: "ollama-deck"),
            ]),
        .executableTarget(name: "FuzzWidth", dependencies: [.product(name: "TermUI", package: "ollama-deck")]),
    ],
    swiftLanguageModes: [.v6]
)
