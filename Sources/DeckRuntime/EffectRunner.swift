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

/// Runs effects off the UI thread, each family in its own file: the network (``NetworkEffects``),
/// the chat store (``StoreEffects``), files (``FileEffects``); the demo and the clipboard here.
/// Results come back as messages in the inbox.
public final class EffectRunner: Sendable {
    private let inbox: Inbox
    private let network: NetworkEffects
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
    /// The host a demo stands in for (the single host of a dashboard that named none).
    private let demoHost: String
    /// MCP tool servers and their calls.
    private let toolEffects: ToolEffects

    /// One client per host, by host name; the demo stands in for `demoHost` (default: the only host).
    public init(inbox: Inbox, clients: [String: OllamaClient], demoHost: String? = nil, demoConfiguration: SimConfiguration,
                store: ChatStore? = nil, toolServers: [ToolServerSpec] = []) {
        self.inbox = inbox
        self.network = NetworkEffects(inbox: inbox, clients: clients, pacer: pacer)
        self.demoConfiguration = demoConfiguration
        self.demoHost = demoHost ?? clients.keys.sorted().first ?? ""
        self.storeEffects = StoreEffects(store: store, inbox: inbox)
        self.fileEffects = FileEffects(inbox: inbox)
        self.toolEffects = ToolEffects(inbox: inbox, servers: toolServers)
    }

    /// A single-host dashboard: the client's host, named as ``HostEndpoint/defaultName(for:)`` names it.
    public convenience init(inbox: Inbox, client: OllamaClient, demoConfiguration: SimConfiguration, store: ChatStore? = nil,
                            toolServers: [ToolServerSpec] = []) {
        let name = HostEndpoint.defaultName(for: client.hostDescription)
        self.init(inbox: inbox, clients: [name: client], demoHost: name, demoConfiguration: demoConfiguration, store: store,
                  toolServers: toolServers)
    }

    /// Waits for queued store writes (before exit), without blocking a thread.
    public func flushStore() async { await storeEffects.flush() }

    public func run(_ effect: Effect) {
        if storeEffects.run(effect) || fileEffects.run(effect) || toolEffects.run(effect) || network.run(effect) { return }
        switch effect {
        case .startDemo:
            startDemo()
        case .stopDemo:
            stopDemo()
        case .copyToClipboard, .quit:
            break  // the loop writes OSC 52 to the terminal itself, and ends itself
        default:
            break  // every other effect belongs to a family above
        }
    }

    /// One model operation on a client (the headless commands share it).
    public static func perform(_ operation: ModelOperation, client: OllamaClient) async throws {
        try await NetworkEffects.perform(operation, client: client)
    }

    /// Effects still running (tests check none is left behind).
    var trackedCount: Int { network.trackedCount + toolEffects.runningCount }

    /// The client the demo replaced, to go back to.
    private let replacedClient = Mutex<OllamaClient?>(nil)

    /// Ends the demo started with `d`: back to the client it replaced.
    public func stopDemo() {
        let inbox = self.inbox
        Task.detached { [self] in
            guard let original = self.replacedClient.withLock({ replaced in defer { replaced = nil }; return replaced }) else { return }
            let demoClient = self.network.replaceClient(for: self.demoHost, with: original)
            try? await demoClient?.shutdown()
            if let server = self.demo.withLock({ server in defer { server = nil }; return server }) { await server.stop() }
            inbox.post(.demoStopped(host: original.hostDescription))
        }
    }

    /// Starts the built-in simulator and switches the host's client to it.
    public func startDemo() {
        let inbox = self.inbox
        let configuration = demoConfiguration
        Task.detached { [self] in
            do {
                let server = try await SimServer.start(configuration: configuration)
                let newClient = OllamaClient(configuration: OllamaClientConfiguration(host: OllamaHost.resolve(server.baseURL)))
                self.demo.withLock { $0 = server }
                let old = self.network.replaceClient(for: self.demoHost, with: newClient)
                // Kept, not shut down: `d` goes back to it.
                self.replacedClient.withLock { $0 = old }
                inbox.post(.demoStarted(host: server.baseURL))
            } catch {
                inbox.post(.demoFailed(String(describing: error)))
            }
        }
    }

    /// Cancels everything, stops the tool servers, and closes the clients and any demo server.
    public func shutdown() async {
        network.cancelAll()
        await toolEffects.shutdown()
        for client in network.allClients { try? await client.shutdown() }
        if let replaced = replacedClient.withLock({ $0 }) { try? await replaced.shutdown() }
        if let server = demo.withLock({ $0 }) { await server.stop() }
    }
}
