#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore
import OllamaKit
import Synchronization

/// The network family of effects: requests to the hosts, each to the client of the host it names,
/// run as tasks that post their results to the inbox. Every long request has an ID; cancelling it
/// cancels the task, which closes its HTTP connection.
final class NetworkEffects: Sendable {
    private let inbox: Inbox
    /// One client per host, by host name.
    private let clients: Mutex<[String: OllamaClient]>
    private let tasks = Mutex<[EffectID: Task<Void, Never>]>([:])
    /// The fingerprint of each host's last model list: an unchanged list is not decoded again.
    private let lastModels = Mutex<[String: Int]>([:])
    let pacer: StreamPacer

    init(inbox: Inbox, clients: [String: OllamaClient], pacer: StreamPacer) {
        self.inbox = inbox
        self.clients = Mutex(clients)
        self.pacer = pacer
    }

    func client(for host: String) -> OllamaClient? { clients.withLock { $0[host] } }

    /// Puts `client` in for `host` and returns the one it replaced (the demo does this).
    func replaceClient(for host: String, with client: OllamaClient) -> OllamaClient? {
        _ = lastModels.withLock { $0.removeValue(forKey: host) }
        return clients.withLock { all in
            defer { all[host] = client }
            return all[host]
        }
    }

    /// Every client; one that owns a shared HTTP client comes last, so the others close first.
    var allClients: [OllamaClient] { clients.withLock { Array($0.values) }.sorted { !$0.ownsTransport && $1.ownsTransport } }

    /// Runs a network effect; false for effects of other families.
    func run(_ effect: Effect) -> Bool {
        let inbox = self.inbox
        let pacer = self.pacer
        switch effect {
        case .fetchVersion(let host):
            guard let client = client(for: host) else { return unknown(host, effect) }
            Task.detached {
                do { inbox.post(.versionLoaded(host: host, .success(try await client.version()))) } catch {
                    inbox.post(.versionLoaded(host: host, .failure(Self.ollamaError(error, client))))
                }
            }
        case .fetchModels(let host):
            guard let client = client(for: host) else { return unknown(host, effect) }
            let previous = lastModels.withLock { $0[host] }
            Task.detached { [self] in
                do {
                    let (listing, fingerprint) = try await client.listModelsListing(unlessFingerprint: previous)
                    self.lastModels.withLock { $0[host] = fingerprint }
                    if let listing {
                        inbox.post(.modelsLoaded(host: host, .success(listing.entries), skipped: listing.skipped))
                    } else {
                        inbox.post(.modelsUnchanged(host: host))
                    }
                } catch {
                    inbox.post(.modelsLoaded(host: host, .failure(Self.ollamaError(error, client))))
                }
            }
        case .fetchRunning(let host):
            guard let client = client(for: host) else { return unknown(host, effect) }
            Task.detached {
                let clock = ContinuousClock()
                let started = clock.now
                do {
                    let listing = try await client.runningModelsListing()
                    let elapsed = started.duration(to: clock.now)
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    inbox.post(.runningLoaded(host: host, .success(listing.entries), skipped: listing.skipped, roundTrip: seconds))
                } catch {
                    inbox.post(.runningLoaded(host: host, .failure(Self.ollamaError(error, client))))
                }
            }
        case .startPull(let job, let host, let model, let id):
            guard let client = client(for: host) else { return unknownJob(job, host) }
            track(id) { await Self.runProgress(job: job, inbox: inbox, client: client, pacer: pacer) { try await client.pull(model: model) } }
        case .startPush(let job, let host, let model, let id):
            guard let client = client(for: host) else { return unknownJob(job, host) }
            track(id) { await Self.runProgress(job: job, inbox: inbox, client: client, pacer: pacer) { try await client.push(model: model) } }
        case .startCreate(let job, let host, let request, let id):
            guard let client = client(for: host) else { return unknownJob(job, host) }
            track(id) { await Self.runProgress(job: job, inbox: inbox, client: client, pacer: pacer) { try await client.create(request) } }
        case .modelOperation(let operation, let host):
            guard let client = client(for: host) else {
                inbox.post(.operationFinished(operation, host: host, Self.noSuchHost(host)))
                return true
            }
            Task.detached {
                do {
                    try await Self.perform(operation, client: client)
                    inbox.post(.operationFinished(operation, host: host, nil))
                } catch {
                    inbox.post(.operationFinished(operation, host: host, Self.ollamaError(error, client)))
                }
            }
        case .fetchDetails(let host, let model):
            guard let client = client(for: host) else {
                inbox.post(.modelShown(host: host, name: model, .failure(Self.noSuchHost(host))))
                return true
            }
            Task.detached {
                do { inbox.post(.modelShown(host: host, name: model, .success(try await client.show(model: model)))) } catch {
                    inbox.post(.modelShown(host: host, name: model, .failure(Self.ollamaError(error, client))))
                }
            }
        case .startChat(let pane, let host, let request, let id):
            guard let client = client(for: host) else {
                inbox.post(.chatFinished(pane: pane, Self.noSuchHost(host)))
                return true
            }
            track(id) {
                do {
                    let stream = try await client.chat(request).paced(by: pacer)
                    for try await chunk in stream {
                        inbox.post(.chatChunkReceived(pane: pane, chunk))
                    }
                    let skipped = stream.skippedLines
                    if skipped.count > 0 { inbox.post(.chatLinesSkipped(pane: pane, count: skipped.count, example: skipped.first ?? "")) }
                    inbox.post(.chatFinished(pane: pane, nil))
                } catch {
                    inbox.post(.chatFinished(pane: pane, Self.ollamaError(error, client)))
                }
            }
        case .startEmbed(let pane, let host, let model, let text, let id):
            guard let client = client(for: host) else {
                inbox.post(.embedded(pane: pane, text: text, .failure(Self.noSuchHost(host))))
                return true
            }
            track(id) {
                do {
                    let response = try await client.embed(EmbedRequest(model: model, input: [text]))
                    inbox.post(.embedded(pane: pane, text: text, .success(response.embeddings.first ?? [])))
                } catch {
                    inbox.post(.embedded(pane: pane, text: text, .failure(Self.ollamaError(error, client))))
                }
            }
        case .cancel(let id):
            tasks.withLock { $0[id] }?.cancel()
        default:
            return false
        }
        return true
    }

    /// A refresh for a host without a client (cannot happen unless the state and the runtime
    /// disagree): answered as a failure, so the host shows why instead of waiting forever.
    private func unknown(_ host: String, _ effect: Effect) -> Bool {
        let error = Self.noSuchHost(host)
        switch effect {
        case .fetchVersion: inbox.post(.versionLoaded(host: host, .failure(error)))
        case .fetchModels: inbox.post(.modelsLoaded(host: host, .failure(error)))
        default: inbox.post(.runningLoaded(host: host, .failure(error)))
        }
        return true
    }

    private func unknownJob(_ job: Int, _ host: String) -> Bool {
        inbox.post(.pullFinished(job: job, Self.noSuchHost(host)))
        return true
    }

    static func noSuchHost(_ host: String) -> OllamaError {
        .invalidRequest("no host named \(host)")
    }

    /// Forwards a progress stream's lines as job messages, then how it ended.
    static func runProgress(
        job: Int, inbox: Inbox, client: OllamaClient, pacer: StreamPacer,
        _ start: @Sendable () async throws -> OllamaStream<ProgressResponse>
    ) async {
        do {
            for try await line in try await start().paced(by: pacer) { inbox.post(.pullProgressed(job: job, line)) }
            inbox.post(.pullFinished(job: job, nil))
        } catch {
            inbox.post(.pullFinished(job: job, ollamaError(error, client)))
        }
    }

    /// One model operation. A rename deletes the source only after the copy succeeded, so a
    /// failure in between never loses the model; a delete unloads first, as `ollama rm` does.
    static func perform(_ operation: ModelOperation, client: OllamaClient) async throws {
        switch operation {
        case .delete(let name):
            _ = try? await client.unload(model: name)
            try await client.delete(model: name)
        case .copy(let source, let destination):
            try await client.copy(source: source, destination: destination)
        case .rename(let source, let destination):
            try await client.copy(source: source, destination: destination)
            do {
                try await client.delete(model: source)
            } catch let error as OllamaError {
                throw OllamaError.invalidRequest(
                    "copied to \(destination), but \(source) could not be deleted: \(error.serverMessage ?? error.description)")
            }
        case .load(let name):
            try await client.load(model: name)
        case .unload(let name):
            try await client.unload(model: name)
        case .keepAlive(let name, let keepAlive):
            try await client.load(model: name, keepAlive: keepAlive)
        }
    }

    /// Runs a cancellable effect. The task is created and recorded under the lock, so a task that
    /// ends at once cannot remove its entry before it is recorded (which would leave it behind).
    private func track(_ id: EffectID, _ body: @escaping @Sendable () async -> Void) {
        tasks.withLock { tasks in
            tasks[id] = Task.detached { [self] in
                await body()
                _ = self.tasks.withLock { $0.removeValue(forKey: id) }
            }
        }
    }

    /// Effects still running.
    var trackedCount: Int { tasks.withLock { $0.count } }

    func cancelAll() {
        for task in tasks.withLock({ Array($0.values) }) { task.cancel() }
    }

    static func ollamaError(_ error: any Error, _ client: OllamaClient) -> OllamaError {
        if let known = error as? OllamaError { return known }
        if error is CancellationError { return .cancelled }
        return .connection(host: client.hostDescription, reason: String(describing: error))
    }
}
