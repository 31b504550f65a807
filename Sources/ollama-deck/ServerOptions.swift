import ArgumentParser
import DeckConfig
import Foundation
import OllamaKit
import TermUI

#if canImport(Glibc)
import Glibc
#endif

/// `--host` (repeatable), `--config` and `-H`, shared by the headless subcommands.
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("host"), help: ArgumentHelp(
        "A server: URL or NAME=URL, or a name from the config file (repeatable; overrides OLLAMA_HOST).",
        valueName: "[NAME=]URL"))
    var hosts: [String] = []

    @Option(help: "The config file (default: $XDG_CONFIG_HOME/ollama-deck/config.yaml).")
    var config: String?

    @Option(name: [.customShort("H"), .customLong("header")], help: "Extra request header 'Name: value' (repeatable).")
    var headers: [String] = []

    func validate() throws {
        for header in headers where OllamaClientConfiguration.HeaderField(parsing: header) == nil {
            throw ValidationError("header '\(header)' is not of the form 'Name: value'")
        }
    }

    var extraHeaders: [OllamaClientConfiguration.HeaderField] {
        headers.compactMap(OllamaClientConfiguration.HeaderField.init(parsing:))
    }

    /// The servers named (flags, else the config file), or nil for the one `OLLAMA_HOST` names.
    /// A bad config file or `--host` ends the command with the message.
    func fleet(toolServers: [String] = []) throws -> Fleet {
        let environment = ProcessInfo.processInfo.environment
        do {
            return try Fleet.resolve(hosts: hosts, configPath: config, environment: environment, toolServers: toolServers)
        } catch let error as ConfigError {
            printError(error.description)
            throw ExitCode.failure
        }
    }

    /// The client of the one host a command acts on: the only one named, the one `--host` names,
    /// or the config file's default.
    func makeClient() throws -> OllamaClient {
        let fleet = try fleet()
        var configuration: OllamaClientConfiguration
        if let host = fleet.hosts.first(where: { $0.name == fleet.defaultHost }) ?? fleet.hosts.first {
            if fleet.hosts.count > 1 && hosts.count > 1 {
                printError("this command acts on one host: name one with --host (named: \(fleet.hosts.map(\.name).joined(separator: ", ")))")
                throw ExitCode.failure
            }
            configuration = fleet.configuration(for: host)
        } else {
            configuration = OllamaClientConfiguration.fromEnvironment()
        }
        configuration.headers += extraHeaders
        return OllamaClient(configuration: configuration)
    }
}

/// Runs `body` with a client, closing it afterwards; an ``OllamaError`` becomes the server's
/// message on stderr and exit code 1.
func withClient(_ options: ServerOptions, _ body: (OllamaClient) async throws -> Void) async throws {
    exitOnInterrupt()
    let client = try options.makeClient()
    do {
        try await body(client)
        try? await client.shutdown()
    } catch let error as OllamaError {
        try? await client.shutdown()
        printError(error.serverMessage ?? error.description)
        throw ExitCode.failure
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Ctrl-C ends a headless command with status 130, as a shell reports a command it interrupted,
/// after ending the line a progress bar may have left open.
func exitOnInterrupt() {
    signal(SIGINT) { _ in
        var newline: UInt8 = 0x0A
        _ = write(1, &newline, 1)
        _exit(130)
    }
}

/// Writes a line to stderr, prefixed with the program name, control characters made visible.
func printError(_ message: String) {
    var bytes = Array(("ollama-deck: " + DisplayWidth.sanitized(message) + "\n").utf8)
    _ = write(2, &bytes, bytes.count)
}

/// Writes text to stdout as is (already sanitized by the caller where it came from a server).
func printOut(_ text: String) {
    var bytes = Array(text.utf8)
    _ = write(1, &bytes, bytes.count)
}

var stdoutIsTerminal: Bool { isatty(1) == 1 }
var stdinIsTerminal: Bool { isatty(0) == 1 }

/// Formats rows as columns padded by display width (Chinese names line up).
func formatTable(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows.map { $0.map(DisplayWidth.sanitized) }
    var widths = Array(repeating: 0, count: header.count)
    for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.width(of: cell)) } }
    return all.map { row in
        row.enumerated().map { i, cell in
            i == row.count - 1 ? cell : DisplayWidth.pad(cell, toWidth: widths[i]) + "    "
        }.joined()
    }.joined(separator: "\n") + "\n"
}
