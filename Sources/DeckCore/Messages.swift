#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit
import TermUI

/// Identifies a running effect (a request), so it can be cancelled.
public typealias EffectID = Int

/// Facts the update function folds into the state. Named in the past tense.
public enum Msg: Sendable, Equatable {
    case keyPressed(Key)
    case resized(width: Int, height: Int)
    case ticked(Date)
    /// The wall clock, set before each batch so stream timings (time to first token) are exact.
    case clockAdvanced(Date)
    /// The wall clock was set: it is now `offset` seconds from the monotonic one the state runs on.
    case wallClockMoved(offset: TimeInterval)
    /// A host's `/api/version`.
    case versionLoaded(host: String, Result<String, OllamaError>)
    /// A host's models list; `skipped` names entries that could not be read (the rest are shown).
    case modelsLoaded(host: String, Result<[InstalledModel], OllamaError>, skipped: [SkippedEntry] = [])
    /// A host's models list is the same as the last one it sent (not decoded again).
    case modelsUnchanged(host: String)
    /// A host's loaded models, and how long the request took.
    case runningLoaded(host: String, Result<[RunningModel], OllamaError>, skipped: [SkippedEntry] = [], roundTrip: TimeInterval? = nil)
    case pullProgressed(job: Int, ProgressResponse)
    case pullFinished(job: Int, OllamaError?)
    /// A chunk for the chat pane with this id.
    case chatChunkReceived(pane: Int, ChatResponse)
    case chatFinished(pane: Int, OllamaError?)
    /// The reply went on past lines that were not JSON (the first shown, shortened).
    case chatLinesSkipped(pane: Int, count: Int, example: String)
    /// A frame settled a scrolled-back chat pane's position (held at the top, or kept still while
    /// its reply grew).
    case chatScrollSettled(ChatScrollReport)
    /// `/image PATH` was read and checked (or why it cannot be sent).
    case imageRead(pane: Int, Result<AttachedImage, ChatInputError>)
    /// An embedding pane's input came back as a vector.
    case embedded(pane: Int, text: String, Result<[Float], OllamaError>)
    case sessionsListed(Result<[SessionSummary], ChatInputError>)
    case sessionOpened(pane: Int, Result<SessionRecord, ChatInputError>, jumpTo: Int?)
    case searchFinished(query: String, Result<[SearchHit], ChatInputError>)
    /// The chat store failed (corrupt, locked, read-only, full disk): chats go on without history.
    case storeFailed(String)
    /// The store works again after failing: the open chats are written again whole.
    case storeRecovered
    /// `/export` from this pane finished (the error in words, or nil).
    case exported(pane: Int, path: String, error: String?)
    /// A one-shot model operation (delete, copy, rename, load, unload, keep-alive) ended.
    case operationFinished(ModelOperation, host: String, OllamaError?)
    /// The details of a model on a host arrived (for the details overlay).
    case modelShown(host: String, name: String, Result<ShowResponse, OllamaError>)
    /// The built-in simulator started on this host (demo mode).
    case demoStarted(host: String)
    case demoFailed(String)
    /// The demo started with `d` ended; the dashboard is back on this host.
    case demoStopped(host: String)
    /// A tool server started and listed its tools, or could not start (why, in words).
    case toolServerStarted(name: String, Result<[ToolInfo], ToolFailure>)
    /// A running tool server ended or broke the protocol (why, in words), and what it last wrote to stderr.
    case toolServerFailed(name: String, reason: String, stderr: String)
    /// A tool call (the effect `id`) of a chat pane ended.
    case toolCallFinished(pane: Int, id: EffectID, ToolCallOutcome)
    /// SIGINT, SIGTERM or SIGHUP arrived.
    case terminationRequested
}

/// What drawing a scrolled-back chat pane found: where it really is, and the reply's line count then.
public struct ChatScrollReport: Sendable, Equatable {
    public var pane: Int
    public var scrollBack: Int
    public var replyLines: Int?

    public init(pane: Int, scrollBack: Int, replyLines: Int?) {
        self.pane = pane
        self.scrollBack = scrollBack
        self.replyLines = replyLines
    }
}

/// Commands for the runtime: everything with a side effect.
public enum Effect: Sendable, Equatable {
    // Network: every request names the host it goes to.
    case fetchVersion(host: String)
    case fetchModels(host: String)
    case fetchRunning(host: String)
    case startPull(job: Int, host: String, model: String, id: EffectID)
    case startPush(job: Int, host: String, model: String, id: EffectID)
    case startCreate(job: Int, host: String, request: CreateRequest, id: EffectID)
    case startChat(pane: Int, host: String, request: ChatRequest, id: EffectID)
    case startEmbed(pane: Int, host: String, model: String, text: String, id: EffectID)
    /// Read and check an image file for a chat pane.
    case readImage(pane: Int, path: String)
    /// Write a pane's transcript; an existing file only when `replace` (`/export!`).
    case exportMarkdown(pane: Int, path: String, markdown: String, replace: Bool)
    case saveSession(SessionHeader)
    case saveEntry(session: String, position: Int, entry: ChatEntry, complete: Bool)
    case truncateSession(String, from: Int)
    case saveOpenPanes([String])
    case listSessions
    case openSession(key: String, pane: Int, jumpTo: Int?)
    case deleteSession(String)
    case renameSession(String, title: String)
    case searchSessions(String)
    /// Put text on the clipboard with OSC 52 (works over SSH).
    case copyToClipboard(String)
    /// Runs one model operation; renames copy first and delete the source only after the copy succeeded.
    case modelOperation(ModelOperation, host: String)
    case fetchDetails(host: String, model: String)
    case cancel(EffectID)
    // Tools: MCP servers, started lazily, and calls to their tools.
    /// Start these tool servers and list their tools (each answers with `.toolServerStarted`).
    case startToolServers([String])
    /// Stop a tool server (if it runs) and start it again.
    case restartToolServer(String)
    /// Call `tool` on `server`; `.toolCallFinished` answers. `.cancel(id)` stops it.
    case callTool(pane: Int, server: String, tool: String, arguments: [String: JSONValue], timeout: Double, id: EffectID)
    case startDemo
    /// Leave the demo started with `d` for the server it replaced.
    case stopDemo
    case quit
}

/// A one-shot operation on a model.
public enum ModelOperation: Sendable, Equatable {
    /// Unload (if loaded), then delete — as `ollama rm` does.
    case delete(String)
    case copy(source: String, destination: String)
    /// Copy, then delete the source only if the copy succeeded.
    case rename(source: String, destination: String)
    case load(String)
    case unload(String)
    case keepAlive(String, KeepAlive)

    /// What to tell the user when it worked.
    public var successMessage: String {
        switch self {
        case .delete(let name): return "deleted \(name)"
        case .copy(let source, let destination): return "copied \(source) to \(destination)"
        case .rename(let source, let destination): return "renamed \(source) to \(destination)"
        case .load(let name): return "loaded \(name)"
        case .unload(let name): return "unloaded \(name)"
        case .keepAlive(let name, let keepAlive): return "\(name) stays loaded \(keepAlive.description == "forever" ? "forever" : "for \(keepAlive)")"
        }
    }

    /// What failed, for the error message.
    public var verb: String {
        switch self {
        case .delete: return "delete"
        case .copy: return "copy"
        case .rename: return "rename"
        case .load: return "load"
        case .unload: return "unload"
        case .keepAlive: return "keep-alive"
        }
    }

    /// True when the model list changes; false when only memory does.
    public var changesLibrary: Bool {
        switch self {
        case .delete, .copy, .rename: return true
        case .load, .unload, .keepAlive: return false
        }
    }
}

/// Why a tool server or call failed, in words for the pane.
public struct ToolFailure: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// How a tool call ended.
public enum ToolCallOutcome: Sendable, Equatable {
    /// The tool's answer as text; `isError` when the tool itself reported a failure.
    case result(String, isError: Bool)
    /// The call could not be made or broke off (server crashed, protocol error): why.
    case failed(String)
    /// No answer within the limit (seconds).
    case timedOut(Double)
    /// Stopped by the user (Esc).
    case cancelled
}

/// Why a chat input could not be used: shown in the pane, never sent.
public struct ChatInputError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
