import ArgumentParser
import DeckCore
import Foundation
import OllamaKit
import TermUI

/// `ollama-deck pull NAME…`: bars per layer on a terminal, one plain line per phase otherwise.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pull", abstract: "Pull models from the registry.")

    @OptionGroup var server: ServerOptions
    @Argument(help: "Models to pull, e.g. llama3.2 or qwen3:8b.") var models: [String]

    func validate() throws {
        if models.isEmpty { throw ValidationError("name at least one model") }
        for model in models {
            if let problem = ModelNameCheck.problem(with: model) { throw ValidationError("'\(model)': \(problem)") }
        }
    }

    func run() async throws {
        var failures = 0
        try await withClient(server) { client in
            for model in models {
                let renderer = ProgressPrinter(model: model, live: stdoutIsTerminal, namesModel: models.count > 1)
                do {
                    for try await line in try await client.pull(model: model) { renderer.apply(line) }
                    renderer.finish(error: nil)
                } catch let error as OllamaError {
                    renderer.finish(error: error)
                    printError("pull \(model): \(error.serverMessage ?? error.description)")
                    failures += 1
                }
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}

/// Prints pull progress: redrawn bars per layer (live) or a line per new status (plain).
final class ProgressPrinter {
    private var job: PullJob
    private let live: Bool
    private var lastStatus = ""
    private var drawnLines = 0
    private var lastDraw = Date.distantPast

    /// With several models, every line starts with the model's name.
    private let prefix: String

    init(model: String, live: Bool, namesModel: Bool = false) {
        self.job = PullJob(id: 0, model: model, host: "", now: Date())
        self.live = live
        self.prefix = namesModel ? DisplayWidth.sanitized(model) + ": " : ""
    }

    func apply(_ line: ProgressResponse) {
        let now = Date()
        job.apply(line, now: now)
        if live {
            if now.timeIntervalSince(lastDraw) >= 0.1 || line.digest == nil {
                draw()
                lastDraw = now
            }
        } else if line.status != lastStatus {
            lastStatus = line.status
            printOut(prefix + DisplayWidth.sanitized(line.status) + "\n")
        }
    }

    func finish(error: OllamaError?) {
        if live { draw() }
    }

    private func draw() {
        var lines: [String] = []
        for layer in job.layers {
            let percent = Int((min(1, max(0, layer.fraction)) * 100).rounded(.down))
            var text = "pulling \(PullJob.shortDigest(layer.digest)): \(pad(percent))% " + bar(layer.fraction, width: 24)
            text += " \(Format.bytes(layer.completed))/\(Format.bytes(layer.total))"
            if !layer.isComplete, layer.rate > 0 { text += "  \(Format.rate(layer.rate))" }
            if let eta = layer.etaSeconds { text += "  \(Format.eta(seconds: eta))" }
            lines.append(text)
        }
        if job.layers.isEmpty || job.phase != .downloading { lines.append(DisplayWidth.sanitized(job.statusText)) }
        var out = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        for line in lines { out += "\r\u{1B}[K" + prefix + line + "\n" }
        printOut(out)
        drawnLines = lines.count
    }

    private func pad(_ value: Int) -> String { String(repeating: " ", count: max(0, 3 - String(value).count)) + String(value) }

    private func bar(_ fraction: Double, width: Int) -> String {
        let full = min(width, max(0, Int((min(1, max(0, fraction.isFinite ? fraction : 0)) * Double(width)).rounded(.down))))
        return "▕" + String(repeating: "█", count: full) + String(repeating: " ", count: width - full) + "▏"
    }
}

/// `ollama-deck rm NAME…`: asks first (default No) unless `--yes`; unloads before deleting, as `ollama rm` does.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete models.")

    @OptionGroup var server: ServerOptions
    @Argument(help: "Models to delete.") var models: [String]
    @Flag(name: [.customShort("y"), .long], help: "Do not ask for confirmation.") var yes = false

    func validate() throws {
        if models.isEmpty { throw ValidationError("name at least one model") }
    }

    func run() async throws {
        var failures = 0
        try await withClient(server) { client in
            let installed = try await client.listModels()
            if !yes {
                guard stdinIsTerminal else {
                    printError("refusing to delete without a terminal to confirm on; pass --yes")
                    throw ExitCode.failure
                }
                let described = models.map { name -> String in
                    let normalized = name.contains(":") ? name : name + ":latest"
                    let size = installed.first { $0.name == normalized || $0.name == name }.map { " (\(Format.bytes($0.size)))" } ?? ""
                    return DisplayWidth.sanitized(name) + size
                }
                printOut("Delete \(described.joined(separator: ", "))? [y/N] ")
                let answer = readLine()?.lowercased() ?? ""
                guard answer == "y" || answer == "yes" else {
                    printOut("nothing deleted\n")
                    return
                }
            }
            for model in models {
                do {
                    _ = try? await client.unload(model: model)
                    try await client.delete(model: model)
                    printOut("deleted '\(DisplayWidth.sanitized(model))'\n")
                } catch let error as OllamaError {
                    printError("rm \(model): \(error.serverMessage ?? error.description)")
                    failures += 1
                }
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}
