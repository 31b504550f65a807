import DeckCore
import DeckTools
import OllamaKit
import Synchronization

/// The tools family of effects: MCP servers started on first use, their calls (cancellable by
/// effect id), and stopping every server when the dashboard ends.
final class ToolEffects: Sendable {
    private let inbox: Inbox
    private let connections: [String: ToolServerConnection]
    /// Running calls, by effect id, for `.cancel`.
    private let calls = Mutex<[EffectID: Task<Void, Never>]>([:])
    /// How long a server may take to start and list its tools (uvx may fetch it first).
    let startTimeout: Duration

    init(inbox: Inbox, servers: [ToolServerSpec], startTimeout: Duration = .seconds(60)) {
        self.inbox = inbox
        self.startTimeout = startTimeout
        var connections: [String: ToolServerConnection] = [:]
        for spec in servers {
            connections[spec.name] = ToolServerConnection(spec: spec) { reason, stderr in
                inbox.post(.toolServerFailed(name: spec.name, reason: reason, stderr: stderr))
            }
        }
        self.connections = connections
    }

    /// Runs `effect` when it is a tools effect (or cancels one of its calls); false otherwise.
    func run(_ effect: Effect) -> Bool {
        switch effect {
        case .startToolServers(let names):
            for name in names { start(name) }
        case .restartToolServer(let name):
            start(name)
        case .callTool(let pane, let server, let tool, let arguments, let timeout, let id):
            let inbox = self.inbox
            guard let connection = connections[server] else {
                inbox.post(.toolCallFinished(pane: pane, id: id, .failed("no tool server named \(server)")))
                return true
            }
            calls.withLock { calls in
                calls[id] = Task.detached { [self] in
                    let limit = Duration.milliseconds(Int64((max(0.1, timeout) * 1000).rounded()))
                    let outcome = await connection.call(tool, arguments: arguments, timeout: limit)
                    _ = self.calls.withLock { $0.removeValue(forKey: id) }
                    inbox.post(.toolCallFinished(pane: pane, id: id, outcome))
                }
            }
        case .cancel(let id):
            // Only a call of ours; the network family cancels the rest.
            guard let task = calls.withLock({ $0[id] }) else { return false }
            task.cancel()
        default:
            return false
        }
        return true
    }

    private func start(_ name: String) {
        let inbox = self.inbox
        guard let connection = connections[name] else {
            inbox.post(.toolServerStarted(name: name, .failure(ToolFailure("not configured"))))
            return
        }
        let timeout = startTimeout
        Task.detached {
            let result = await connection.start(timeout: timeout)
            inbox.post(.toolServerStarted(name: name, result))
        }
    }

    /// Stops every server, its process group included (on every way out of the dashboard).
    func shutdown() async {
        for task in calls.withLock({ Array($0.values) }) { task.cancel() }
        await withTaskGroup(of: Void.self) { group in
            for connection in connections.values { group.addTask { await connection.stop() } }
        }
    }

    /// Calls still running (tests check none is left behind).
    var runningCount: Int { calls.withLock { $0.count } }
}
