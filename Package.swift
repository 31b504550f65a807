// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ollama-deck",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "OllamaKit", targets: ["OllamaKit"]),
        .library(name: "OllamaSim", targets: ["OllamaSim"]),
        // The dashboard's pure layers, for the benchmarks package (Benchmarks/).
        .library(name: "DeckCore", targets: ["DeckCore"]),
        .library(name: "DeckUI", targets: ["DeckUI"]),
        .library(name: "TermUI", targets: ["TermUI"]),
        .executable(name: "ollama-deck", targets: ["ollama-deck"]),
        .executable(name: "ollama-sim", targets: ["ollama-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Trimming and the like (already in the graph through AsyncHTTPClient).
        .package(url: "https://github.com/apple/swift-algorithms", from: "1.2.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // SHA-256 for the chat store's content-addressed images.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // The config file (YAML: every value knows its line, for messages that name it).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // MCP tool servers: the official Swift SDK is the client (the protocol is not written here).
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // The SDK's transports log through swift-log.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // System library: ncursesw from Debian's libncurses-dev. Only the terminal backend imports it.
        .systemLibrary(
            name: "CNcursesw",
            path: "Shims/CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        // The Ollama REST client. No terminal code.
        .target(
            name: "OllamaKit",
            dependencies: [
                .product(name: "Algorithms", package: "swift-algorithms"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The simulated Ollama server, as a library so tests start it in-process.
        .target(
            name: "OllamaSim",
            dependencies: [
                "OllamaKit", .product(name: "Algorithms", package: "swift-algorithms"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "ollama-sim",
            dependencies: [
                "OllamaSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Curses-free terminal toolkit: cells, styles, width, layout, widgets, keys.
        .target(name: "TermUI", dependencies: [.product(name: "Algorithms", package: "swift-algorithms")]),
        // App state, messages, effects, the keymap and the pure update function.
        .target(name: "DeckCore", dependencies: ["OllamaKit", "TermUI", .product(name: "Algorithms", package: "swift-algorithms")]),
        // Views: AppState -> CellBuffer.
        .target(name: "DeckUI", dependencies: ["DeckCore", "TermUI", .product(name: "Algorithms", package: "swift-algorithms")]),
        // Chat sessions and messages in SQLite (GRDB), with full-text search.
        .target(
            name: "DeckStore",
            dependencies: [
                "DeckCore", "OllamaKit", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The config file and `--host` values: which servers, with their keys and headers.
        .target(name: "DeckConfig", dependencies: ["OllamaKit", "DeckCore", .product(name: "Yams", package: "Yams")]),
        // Restores the terminal from fatal signal handlers (state a header-only shim cannot hold).
        .target(name: "CTermGuard", dependencies: ["CProcess"]),
        // Starts tool servers in process groups of their own, ended with the dashboard.
        .target(name: "CProcess"),
        // Release builds: libcurl opened on first use (FoundationNetworking is linked in, never used).
        .target(
            name: "CCurlOnDemand",
            cSettings: [.define("DECK_CURL_ON_DEMAND", .when(platforms: [.linux], configuration: .release))]
        ),
        // MCP tool servers through the SDK: a child process's pipes as a transport, calls with
        // timeouts, stops that never orphan a process.
        .target(
            name: "DeckTools",
            dependencies: [
                "DeckCore", "OllamaKit", "CProcess", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The Swift runtime's executor hook, reachable when the runtime is linked into the binary.
        .target(name: "CExecutorHook"),
        // The only importer of ncurses: screen setup and restore, key decoding, blitting cells.
        .target(name: "TermCurses", dependencies: ["TermUI", "CNcursesw", "CTermGuard"]),
        // The event loop: poll on stdin and a wake fd, the inbox, the effect runner, signals.
        .target(
            name: "DeckRuntime",
            dependencies: [
                "DeckCore", "DeckUI", "DeckStore", "DeckTools", "TermUI", "TermCurses", "OllamaKit", "OllamaSim", "CExecutorHook",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "ollama-deck",
            dependencies: [
                "DeckRuntime", "DeckCore", "DeckConfig", "TermUI", "OllamaKit", "OllamaSim", "CCurlOnDemand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            // Release builds link the Swift runtime and Foundation into the binary (with the libraries
            // the static Foundation modules would name themselves), through lld packing relocations
            // (RELR) and exporting no symbols: far fewer pages touched, a quarter less memory while
            // streaming (ARCHITECTURE.md, "Release linking").
            linkerSettings: [
                .unsafeFlags(
                    ["-static-stdlib", "-lFoundationInternationalization", "-lFoundationEssentials",
                     "-lCoreFoundation", "-l_FoundationICU", "-l_CFURLSessionInterface", "-l_FoundationCollections", "-l_FoundationCShims",
                     "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
                    .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        .testTarget(
            name: "OllamaKitTests",
            dependencies: [
                "OllamaKit", "OllamaSim",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        // Helpers shared by the test targets (a seeded random generator that prints its seed).
        .target(name: "TestSupport", dependencies: ["OllamaSim"], path: "Tests/TestSupport"),
        .testTarget(
            name: "DeckTests",
            dependencies: ["TestSupport", "DeckCore", "DeckConfig", "DeckUI", "DeckStore", "DeckTools", "TermUI", "TermCurses", "DeckRuntime", "OllamaKit", "OllamaSim", "CExecutorHook"],
            exclude: ["Snapshots", "Fixtures"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "ollama-deck", "ollama-sim"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
