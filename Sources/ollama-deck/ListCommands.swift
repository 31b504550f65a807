import ArgumentParser
import DeckCore
import Foundation
import OllamaKit
import TermUI

/// `ollama-deck list`: installed models, like `ollama ls` (every host's, with several).
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List installed models.", aliases: ["ls"])

    @OptionGroup var server: ServerOptions
    @Flag(help: "JSON output (with several hosts, each entry has a host field).") var json = false

    func run() async throws {
        try await acrossHosts(server) { client in try await client.listModelsListing() } print: { results in
            let models = results.flatMap { host, listing in
                warnSkipped("/api/tags", listing.skipped, host: results.count > 1 ? host : nil)
                return listing.entries.map { (host, $0) }
            }
            let fleet = results.count > 1 || server.namesSeveral
            if json { return try printJSON(models, withHosts: fleet) }
            let now = Date()
            let header = ["NAME", "ID", "SIZE", "MODIFIED"]
            let rows = models.map { host, model in
                (fleet ? [host] : []) + [model.name, String(model.digest.prefix(12)), model.isCloud ? "cloud" : Format.bytes(model.size), Format.age(of: model.modifiedAt, now: now)]
            }
            printOut(formatTable((fleet ? ["HOST"] : []) + header, rows))
        }
    }
}

/// `ollama-deck ps`: models loaded in memory, like `ollama ps` (every host's, with several).
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List models loaded in memory.")

    @OptionGroup var server: ServerOptions
    @Flag(help: "JSON output (with several hosts, each entry has a host field).") var json = false

    func run() async throws {
        try await acrossHosts(server) { client in try await client.runningModelsListing() } print: { results in
            let models = results.flatMap { host, listing in
                warnSkipped("/api/ps", listing.skipped, host: results.count > 1 ? host : nil)
                return listing.entries.map { (host, $0) }
            }
            let fleet = results.count > 1 || server.namesSeveral
            if json { return try printJSON(models, withHosts: fleet) }
            let now = Date()
            let header = ["NAME", "ID", "SIZE", "PROCESSOR", "CONTEXT", "UNTIL"]
            let rows = models.map { host, model in
                (fleet ? [host] : []) + [model.name, String(model.digest.prefix(12)), Format.bytes(model.size), model.processorDescription,
                 String(model.contextLength), Format.countdown(to: model.expiresAt, now: now)]
            }
            printOut(formatTable((fleet ? ["HOST"] : []) + header, rows))
        }
    }
}

/// `ollama-deck show NAME`: a model's details, or one part of them (on every host that has it,
/// with several).
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a model's details.")

    @OptionGroup var server: ServerOptions
    @Argument(help: "The model.") var model: String
    @Flag(help: "JSON output (the server's whole answer; with several hosts, an array with a host field).") var json = false
    @Flag(help: "Only the Modelfile.") var modelfile = false
    @Flag(help: "Only the parameters.") var parameters = false
    @Flag(help: "Only the template.") var template = false
    @Flag(help: "Only the system prompt.") var system = false
    @Flag(help: "Only the license.") var license = false

    func run() async throws {
        let model = self.model
        try await acrossHosts(server, missingIsNotFailure: true) { client in try await client.show(model: model) } print: { results in
            let fleet = results.count > 1 || server.namesSeveral
            if json { return fleet ? try printJSON(results.map { ($0.0, $0.1) }, withHosts: true) : try printJSON(results[0].1) }
            for (index, (host, show)) in results.enumerated() {
                if fleet { printOut((index == 0 ? "" : "\n") + "── \(DisplayWidth.sanitized(host)) ──\n") }
                // Server text goes to the terminal with its control characters made visible.
                let part = modelfile ? show.modelfile : parameters ? show.parameters + "\n" : template ? show.template + "\n"
                    : system ? show.system + "\n" : license ? show.license + "\n" : ModelDescription.text(for: show, name: model)
                printOut(DisplayWidth.sanitizedKeepingLines(part))
            }
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
func warnSkipped(_ endpoint: String, _ skipped: [SkippedEntry], host: String? = nil) {
    let prefix = host.map { "\($0): " } ?? ""
    for entry in skipped { printError("warning: \(prefix)\(endpoint) entry left out: \(entry.description)") }
}

/// Entries with their hosts as JSON: each entry's own fields, and `host` when `withHosts`.
func printJSON<Value: Encodable>(_ entries: [(String, Value)], withHosts: Bool) throws {
    guard withHosts else { return try printJSON(entries.map(\.1)) }
    let encoder = OllamaJSON.makeEncoder()
    var objects: [Any] = []
    for (host, value) in entries {
        var object = (try JSONSerialization.jsonObject(with: try encoder.encode(value))) as? [String: Any] ?? [:]
        object["host"] = host
        objects.append(object)
    }
    let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    var text = String(decoding: data, as: UTF8.self)
    if objects.isEmpty { text = "[]" }
    printOut(text + "\n")
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
