import ArgumentParser
import DeckCore
import Foundation
import OllamaKit
import TermUI

/// `ollama-deck list`: installed models, like `ollama ls`.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List installed models.", aliases: ["ls"])

    @OptionGroup var server: ServerOptions
    @Flag(help: "JSON output.") var json = false

    func run() async throws {
        try await withClient(server) { client in
            let listing = try await client.listModelsListing()
            warnSkipped("/api/tags", listing.skipped)
            let models = listing.entries
            if json { return try printJSON(models) }
            let now = Date()
            printOut(formatTable(
                ["NAME", "ID", "SIZE", "MODIFIED"],
                models.map { [$0.name, String($0.digest.prefix(12)), Format.bytes($0.size), Format.age(of: $0.modifiedAt, now: now)] }))
        }
    }
}

/// `ollama-deck ps`: models loaded in memory, like `ollama ps`.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List models loaded in memory.")

    @OptionGroup var server: ServerOptions
    @Flag(help: "JSON output.") var json = false

    func run() async throws {
        try await withClient(server) { client in
            let listing = try await client.runningModelsListing()
            warnSkipped("/api/ps", listing.skipped)
            let models = listing.entries
            if json { return try printJSON(models) }
            let now = Date()
            printOut(formatTable(
                ["NAME", "ID", "SIZE", "PROCESSOR", "CONTEXT", "UNTIL"],
                models.map {
                    [$0.name, String($0.digest.prefix(12)), Format.bytes($0.size), $0.processorDescription,
                     String($0.contextLength), Format.countdown(to: $0.expiresAt, now: now)]
                }))
        }
    }
}

/// `ollama-deck show NAME`: a model's details, or one part of them.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a model's details.")

    @OptionGroup var server: ServerOptions
    @Argument(help: "The model.") var model: String
    @Flag(help: "JSON output (the server's whole answer).") var json = false
    @Flag(help: "Only the Modelfile.") var modelfile = false
    @Flag(help: "Only the parameters.") var parameters = false
    @Flag(help: "Only the template.") var template = false
    @Flag(help: "Only the system prompt.") var system = false
    @Flag(help: "Only the license.") var license = false

    func run() async throws {
        try await withClient(server) { client in
            let show = try await client.show(model: model)
            if json { return try printJSON(show) }
            // Server text goes to the terminal with its control characters made visible.
            let part = modelfile ? show.modelfile : parameters ? show.parameters + "\n" : template ? show.template + "\n"
                : system ? show.system + "\n" : license ? show.license + "\n" : ModelDescription.text(for: show, name: model)
            printOut(DisplayWidth.sanitizedKeepingLines(part))
        }
    }
}

/// `ollama-deck cp SRC DST`.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cp", abstract: "Copy a model under a new name.")

    @OptionGroup var server: ServerOptions
    @Argument(help: "The model to copy.") var source: String
    @Argument(help: "The new name.") var destination: String
    @Flag(name: [.customShort("f"), .long], help: "Replace the destination if a model of that name exists.") var force = false

    func validate() throws {
        if let problem = ModelNameCheck.problem(with: destination) { throw ValidationError("destination: \(problem)") }
    }

    func run() async throws {
        try await withClient(server) { client in
            if !force {
                let wanted = ModelNameCheck.canonical(destination)
                if let existing = try await client.listModels().first(where: { ModelNameCheck.canonical($0.name) == wanted }) {
                    printError("'\(existing.name)' exists (\(Format.bytes(existing.size))); nothing copied. --force replaces it")
                    throw ExitCode.failure
                }
            }
            try await client.copy(source: source, destination: destination)
            printOut("copied '\(source)' to '\(destination)'\n")
        }
    }
}

/// Names on stderr each entry of a list the server sent that could not be read (the rest print).
func warnSkipped(_ endpoint: String, _ skipped: [SkippedEntry]) {
    for entry in skipped { printError("warning: \(endpoint) entry left out: \(entry.description)") }
}

/// Prints a value as pretty, key-sorted JSON on stdout.
func printJSON<Value: Encodable>(_ value: Value) throws {
    let encoder = OllamaJSON.makeEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var text = String(decoding: try encoder.encode(value), as: UTF8.self)
    // Foundation pretty-prints an empty array as "[", a blank line, "]".
    if text.allSatisfy({ "[]\n ".contains($0) }) { text = "[]" }
    printOut(text + "\n")
}
