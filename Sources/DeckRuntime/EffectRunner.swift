#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore
import OllamaKit
import OllamaSim
import Synchronization
import DeckStore
import Dispatch

/// Runs effects as tasks off the UI thread and posts their results to the inbox. Every request
/// has an ID; cancelling it cancels the task, which closes its HTTP connection.
public final class EffectRunner: Sendable {
    private let inbox: Inbox
    private let client: Mutex<OllamaClient>
    private let tasks = Mutex<[EffectID: Task<Void, Never>]>([:])
    private let demo = Mutex<SimServer?>(nil)
    private let demoConfiguration: SimConfiguration
    /// The chat store's effects (ordered, coalesced, backing off when it fails).
    private let storeEffects: StoreEffects
    /// The clock streamed replies and pulls read by once they have caught up with the server: the
    /// loop ticks it after each frame, so streams read right after frames are drawn and the process
    /// sleeps on one timer (the loop's), not one per stream.
    public let pacer = StreamPacer()
    /// Reading images and writing exports.
    private let fileEffects: FileEffects

    public init(inbox: Inbox, client: OllamaClient, demoConfiguration: SimConfiguration, store: ChatStore? = nil) {
        self.inbox = inbox
        self.client = Mutex(client)
        self.demoConfiguration = demoConfiguration
        self.storeEffects = StoreEffects(store: store, inbox: inbox)
        self.fileEffects = FileEffects(inbox: inbox)
    }

    /// Waits for queued store writes (before exit), without blocking a thread.
    public func flushStore() async { await storeEffects.flush() }

    var currentClient: OllamaClient { client.withLock { $0 } }

    public func run(_ effect: Effect) {
        if storeEffects.run(effect) || fileEffects.run(effect) { return }
        let client = currentClient
        let inbox = self.inbox
        let pacer = self.pacer
        switch effect {
        case .fetchVersion:
            Task.detached {
                do { inbox.post(.versionLoaded(.success(try await client.version()))) } catch {
                    inbox.post(.versionLoaded(.failure(Self.ollamaError(error, client))))
                }
            }
        case .fetchModels:
            Task.detached {
                do {
                    let listing = try await client.listModelsListing()
                    inbox.post(.modelsLoaded(.success(listing.entries), skipped: listing.skipped))
                } catch {
                    inbox.post(.modelsLoaded(.failure(Self.ollamaError(error, client))))
                }
            }
        case .fetchRunning:
            Task.detached {
                do {
                    let listing = try await client.runningModelsListing()
                    inbox.post(.runningLoaded(.success(listing.entries), skipped: listing.skipped))
                } catch {
                    inbox.post(.runningLoaded(.failure(Self.ollamaError(error, client))))
                }
            }
        case .startPull(let job, let model, let id):
            track(id) { await Self.runProgress(job: job, inbox: inbox, client: client, pacer: pacer) { try await client.pull(model: model) } }
        case .startPush(let job, let model, let id):
            track(id) { await Self.runProgress(job: job, inbox: inbox, client: client, pacer: pacer) { try await client.push(model: model) } }
        case .startCreate(let job, let request, let id):
            track(id) { await Self.runProgress(job: job, inbox: inbox, client: client, pacer: pacer) { try await client.create(request) } }
        case .modelOperation(let operation):
            Task.detached {
                do {
                    try await Self.perform(operation, client: client)
                    inbox.post(.operationFinished(operation, nil))
                } catch {
                    inbox.post(.operationFinished(operation, Self.ollamaError(error, client)))
                }
            }
        case .fetchDetails(let model):
            Task.detached {
                do { inbox.post(.modelShown(name: model, .success(try await client.show(model: model)))) } catch {
                    inbox.post(.modelShown(name: model, .failure(Self.ollamaError(error, client))))
                }
            }
        case .startChat(let pane, let request, let id):
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
        case .startEmbed(let pane, let model, let text, let id):
            track(id) {
                do {
                    let response = try await client.embed(EmbedRequest(model: model, input: [text]))
                    inbox.post(.embedded(pane: pane, text: text, .success(response.embeddings.first ?? [])))
                } catch {
                    inbox.post(.embedded(pane: pane, text: text, .failure(Self.ollamaError(error, client))))
                }
            }
        case .readImage, .exportMarkdown:
            break  // FileEffects ran it
        case .copyToClipboard:
            break  // the loop writes OSC 52 to the terminal itself
        case .saveSession, .saveEntry, .truncateSession, .saveOpenPanes, .listSessions, .openSession, .deleteSession,
            .renameSession, .searchSessions:
            break  // StoreEffects ran it
        case .cancel(let id):
            tasks.withLock { $0[id] }?.cancel()
        case .startDemo:
            startDemo()
        case .stopDemo:
            stopDemo()
        case .quit:
            break
        }
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
    public static func perform(_ operation: ModelOperation, client: OllamaClient) async throws {
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

    /// Effects still running (tests check none is left behind).
    var trackedCount: Int { tasks.withLock { $0.count } }

    /// The client the demo replaced, to go back to.
    private let replacedClient = Mutex<OllamaClient?>(nil)

    /// Ends the demo started with `d`: back to the client it replaced.
    public func stopDemo() {
        let inbox = self.inbox
        Task.detached { [self] in
            guard let original = self.replacedClient.withLock({ replaced in defer { replaced = nil }; return replaced }) else { return }
            let demoClient = self.client.withLock { current in
                defer { current = original }
                return current
            }
            try? await demoClient.shutdown()
            if let server = self.demo.withLock({ server in defer { server = nil }; return server }) { await server.stop() }
            inbox.post(.demoStopped(host: original.hostDescription))
        }
    }

    /// Starts the built-in simulator and switches the client to it.
    public func startDemo() {
        let inbox = self.inbox
        let configuration = demoConfiguration
        Task.detached { [self] in
            do {
                let server = try await SimServer.start(configuration: configuration)
                let newClient = OllamaClient(configuration: OllamaClientConfiguration(host: OllamaHost.resolve(server.baseURL)))
                self.demo.withLock { $0 = server }
                let old = self.client.withLock { current in
                    defer { current = newClient }
                    return current
                }
                // Kept, not shut down: `d` goes back to it.
                self.replacedClient.withLock { $0 = old }
                inbox.post(.demoStarted(host: server.baseURL))
            } catch {
                inbox.post(.demoFailed(String(describing: error)))
            }
        }
    }

    /// Cancels everything and closes the client and any demo server.
    public func shutdown() async {
        for task in tasks.withLock({ Array($0.values) }) { task.cancel() }
        try? await currentClient.shutdown()
        if let replaced = replacedClient.withLock({ $0 }) { try? await replaced.shutdown() }
        if let server = demo.withLock({ $0 }) { await server.stop() }
    }

    static func ollamaError(_ error: any Error, _ client: OllamaClient) -> OllamaError {
        if let known = error as? OllamaError { return known }
        if error is CancellationError { return .cancelled }
        return .connection(host: client.hostDescription, reason: String(describing: error))
    }
}
