import ArgumentParser
import DeckConfig
import Foundation
import OllamaKit

extension ServerOptions {
    /// More than one host named (flags or config): output gets a host column or field.
    var namesSeveral: Bool { ((try? fleet())?.hosts.count ?? 0) > 1 }
}

/// Asks every named host at once (or the one `OLLAMA_HOST` names) and prints what answered, in the
/// order the hosts were named. A host that fails is named on stderr with the reason, the others are
/// still printed, and the command ends with status 1. With `missingIsNotFailure`, a host that
/// answers "not found" (`show` of a model it lacks) is only noted, unless no host has it.
func acrossHosts<Value: Sendable>(
    _ options: ServerOptions, missingIsNotFailure: Bool = false,
    _ ask: @escaping @Sendable (OllamaClient) async throws -> Value,
    print: ([(String, Value)]) throws -> Void
) async throws {
    exitOnInterrupt()
    let fleet = try options.fleet()
    if fleet.hosts.count <= 1 {
        try await withClient(options) { client in
            let name = fleet.hosts.first?.name ?? client.hostDescription
            try print([(name, try await ask(client))])
        }
        return
    }
    let extra = options.extraHeaders
    let clients = fleet.hosts.map { host -> (String, OllamaClient) in
        var configuration = fleet.configuration(for: host)
        configuration.headers += extra
        return (host.name, OllamaClient(configuration: configuration))
    }
    let results = await withTaskGroup(of: (Int, Result<Value, OllamaError>).self) { group in
        for (index, (_, client)) in clients.enumerated() {
            group.addTask {
                do { return (index, .success(try await ask(client))) } catch let error as OllamaError {
                    return (index, .failure(error))
                } catch {
                    return (index, .failure(.connection(host: client.hostDescription, reason: String(describing: error))))
                }
            }
        }
        var all: [(Int, Result<Value, OllamaError>)] = []
        for await result in group { all.append(result) }
        return all.sorted { $0.0 < $1.0 }
    }
    for (_, client) in clients { try? await client.shutdown() }
    var answered: [(String, Value)] = []
    var failed = false
    var missing = 0
    for (index, result) in results {
        let name = clients[index].0
        switch result {
        case .success(let value): answered.append((name, value))
        case .failure(let error):
            if missingIsNotFailure, case .http(404, _) = error {
                missing += 1
                printError("\(name): \(error.serverMessage ?? error.description)")
                continue
            }
            failed = true
            printError("\(name) (\(fleet.hosts[index].resolvedURL)): \(error.serverMessage ?? error.description)")
        }
    }
    if !answered.isEmpty || !missingIsNotFailure { try print(answered) }
    if failed || answered.isEmpty && missing > 0 { throw ExitCode.failure }
}
