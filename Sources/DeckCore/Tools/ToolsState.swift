#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// A tool one MCP server offers: its name, description and the JSON schema of its arguments (the
/// `inputSchema` the server gave) — the wire's own function description.
public typealias ToolInfo = Tool.Function

/// One configured MCP server as the dashboard shows it: what it runs, whether it runs, its tools.
/// The runtime holds the process; this is what the user sees and chooses.
public struct ToolServer: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Configured; started by the first chat that offers tools.
        case idle
        case starting
        case ready
        /// It could not start, crashed or broke the protocol: why, in words. `r` in `/tools` restarts it.
        case failed(String)
    }

    public var name: String
    /// The command line or URL, for the `/tools` overlay (never keys or header values).
    public var summary: String
    /// Tools the config file marks trusted: they run without asking.
    public var trusted: Set<String>
    public var state: State = .idle
    public var tools: [ToolInfo] = []
    /// Tools the user switched off in `/tools`: not offered to models.
    public var disabled: Set<String> = []
    /// The last lines the server wrote to stderr (sanitized when drawn), for the overlay.
    public var stderrTail: String = ""

    public init(name: String, summary: String, trusted: Set<String> = []) {
        self.name = name
        self.summary = summary
        self.trusted = trusted
    }
}

/// The tool servers and the rules of the tool-call loop.
public struct ToolsState: Sendable, Equatable {
    public var servers: [ToolServer] = []
    /// Seconds a tool call may take before it counts as timed out.
    public var callTimeout: Double = 60
    /// Tool rounds one user message may lead to before the loop stops and asks.
    public var maxRoundsPerTurn = 8
    /// Characters of a result kept (shown, saved and sent back); the rest is cut with a note.
    public var resultLimit = 32_000

    public init(servers: [ToolServer] = []) {
        self.servers = servers
    }

    /// A tool as a model sees it: the name it calls (the tool's own, or `server_tool` when two
    /// servers offer the same name), and where it runs.
    public struct Offered: Sendable, Equatable {
        public var exposedName: String
        public var server: String
        public var tool: ToolInfo
    }

    /// Every enabled tool of every ready server, in configuration order.
    public var offered: [Offered] {
        var all: [Offered] = []
        var taken = Set<String>()
        for server in servers where server.state == .ready {
            for tool in server.tools where !server.disabled.contains(tool.name) {
                let exposed = taken.contains(tool.name) ? "\(server.name)_\(tool.name)" : tool.name
                taken.insert(exposed)
                all.append(Offered(exposedName: exposed, server: server.name, tool: tool))
            }
        }
        return all
    }

    /// The wire form of ``offered``, for a chat request's `tools`.
    public var wireTools: [Tool] {
        offered.map { Tool(function: .init(name: $0.exposedName, description: $0.tool.description, parameters: $0.tool.parameters)) }
    }

    public func serverIndex(_ name: String) -> Int? { servers.firstIndex { $0.name == name } }

    /// True while a server is being started: chats that offer tools wait for it.
    public var isStarting: Bool { servers.contains { $0.state == .starting } }
}

/// A tool call in a transcript: what the model asked, where it runs, and how it went. The result
/// (or the error) is the entry's content.
public struct ToolCallRecord: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Equatable, Codable {
        /// Waiting its turn: calls run one after another, each asked about in order.
        case pending
        case running
        case done
        /// The tool answered with `isError`.
        case toolError
        /// The call could not be made or did not finish (crash, protocol error, unknown tool).
        case failed
        case refused
        case cancelled
        case timedOut

        /// Whether the call is over (it has an answer for the model).
        public var isFinished: Bool { self != .pending && self != .running }
    }

    /// The name the model called (its exposed name).
    public var name: String
    /// The call's id when the server sent one (sent back as `tool_call_id`).
    public var id: String?
    /// The MCP server that runs it; nil when the model named a tool nobody offers.
    public var server: String?
    /// The tool's own name on that server.
    public var tool: String?
    public var arguments: [String: JSONValue]
    public var state: State
    /// Shown with the result folded to one line.
    public var folded = true

    public init(name: String, id: String?, server: String?, tool: String?, arguments: [String: JSONValue], state: State) {
        self.name = name
        self.id = id
        self.server = server
        self.tool = tool
        self.arguments = arguments
        self.state = state
    }

    /// `{"timezone":"Asia/Taipei"}` with keys in order, for the transcript.
    public var argumentsText: String { JSONValue.object(arguments).compactText }

    /// What the model is told when the call did not produce a result of the tool's.
    public func answerForModel(result: String) -> String {
        switch state {
        case .done, .toolError, .failed: return result
        case .refused: return "The user declined to run this tool call."
        case .cancelled: return "The user stopped this tool call before it finished."
        case .timedOut: return result.isEmpty ? "The tool did not answer in time." : result
        case .pending, .running: return ""
        }
    }
}

extension JSONValue {
    /// Compact JSON with object keys sorted: the same text for the same value.
    public var compactText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}

/// Words for tool calls, shared by the transcript, the export and the `/tools` overlay.
public enum ToolCallText {
    public static func stateLabel(_ state: ToolCallRecord.State) -> String {
        switch state {
        case .pending: return "waiting"
        case .running: return "running"
        case .done: return "done"
        case .toolError: return "the tool reported an error"
        case .failed: return "failed"
        case .refused: return "refused"
        case .cancelled: return "stopped"
        case .timedOut: return "timed out"
        }
    }
}
