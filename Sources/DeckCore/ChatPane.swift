#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit
import Synchronization

/// One entry of a chat transcript.
public struct ChatEntry: Sendable, Equatable {
    /// `notice`: a line of our own, never stored or sent. `unreadable`: a stored message that could
    /// not be read back (a damaged row, a gap); shown, never sent, never written again, and it keeps
    /// its stored position so later messages do not overwrite the ones after it.
    /// `tool`: one tool call the model asked for, with its state (``tool``) and its result as content.
    public enum Role: String, Sendable, Equatable { case user, assistant, system, notice, unreadable, tool }
    public var role: Role { didSet { touch() } }
    public var content: String { didSet { touch() } }
    public var thinking: String { didSet { touch() } }
    public var metrics: GenerationMetrics? { didSet { touch() } }
    /// Set when the reply was cut short (stopped by the user, or an error).
    public var interruption: String? { didSet { touch() } }
    /// Images sent with a user message.
    public var images: [AttachedImage] = [] { didSet { touch() } }
    /// Time to first token, from this pane's own clock.
    public var timeToFirstToken: TimeInterval? { didSet { touch() } }
    /// An assistant reply's tool calls, as the server sent them (sent back with the reply).
    public var toolCalls: [ToolCall] = [] { didSet { touch() } }
    /// A `tool` entry's call: what was asked, where it runs, how it went.
    public var tool: ToolCallRecord? { didSet { touch() } }
    /// Inside a `<think>` … `</think>` run of content.
    var insideThinkTag = false
    /// A number no other version of any entry has: it changes with every change to the entry, so a
    /// view may keep what it drew for one revision. Not part of equality.
    public private(set) var revision = ChatEntry.nextRevision()

    public init(role: Role, content: String, thinking: String = "", metrics: GenerationMetrics? = nil) {
        self.role = role
        self.content = content
        self.thinking = thinking
        self.metrics = metrics
    }

    /// Whether the store keeps this entry (and counts it for positions).
    public var isStored: Bool { role != .notice }

    // `didSet` without `oldValue` keeps `content += token` in place (no copy of the text).
    private mutating func touch() { revision = Self.nextRevision() }

    private static let revisions = Atomic<UInt64>(0)
    private static func nextRevision() -> UInt64 { revisions.add(1, ordering: .relaxed).newValue }

    public static func == (lhs: ChatEntry, rhs: ChatEntry) -> Bool {
        lhs.role == rhs.role && lhs.content == rhs.content && lhs.thinking == rhs.thinking && lhs.metrics == rhs.metrics
            && lhs.interruption == rhs.interruption && lhs.images == rhs.images && lhs.timeToFirstToken == rhs.timeToFirstToken
            && lhs.insideThinkTag == rhs.insideThinkTag && lhs.toolCalls == rhs.toolCalls && lhs.tool == rhs.tool
    }
}

/// An image attached with `/image`, read and checked by the runtime.
public struct AttachedImage: Sendable, Equatable {
    public var name: String
    public var byteCount: Int
    public var width: Int?
    public var height: Int?
    public var format: String
    /// Standard base64, as the API expects.
    public var base64: String

    public init(name: String, byteCount: Int, width: Int?, height: Int?, format: String, base64: String) {
        self.name = name
        self.byteCount = byteCount
        self.width = width
        self.height = height
        self.format = format
        self.base64 = base64
    }

    /// `photo.png · 1.2 MB · 800×600`.
    public var label: String {
        var text = "\(name) · \(Format.bytes(Int64(byteCount))) · \(format)"
        if let width, let height { text += " · \(width)×\(height)" }
        return text
    }
}

/// A chat pane: its model, transcript, input and streaming state.
public struct ChatPane: Sendable, Equatable {
    /// `awaitingApproval`: a tool call waits for y / a / n; `runningTool`: one runs.
    public enum Status: Sendable, Equatable {
        case idle, waiting, thinking, streaming, done, stopped, failed(String), awaitingApproval, runningTool
    }

    /// Stable identity: messages from running requests find their pane by it.
    public var id: Int
    /// The saved session this pane writes to (set by the first message).
    public var sessionKey: String?
    public var sessionTitle: String?
    /// Show this entry at the top (a search hit); scrolling clears it.
    public var jumpToEntry: Int?
    public var model: String?
    /// The host the model is on: replies stream from there (nil: the default host).
    public var host: String?
    /// A reopened chat whose host is not named now: it moves to a host that has its model as soon
    /// as one is known.
    public var savedOnMissingHost: String?
    /// `/set system`.
    public var system: String?
    /// `/set parameter` values, sent as `options`.
    public var options: [String: JSONValue] = [:]
    /// `/set think on|off`; nil leaves the server's default (on for thinking models).
    public var think: ThinkSetting?

    /// How full the context was after the last reply, against `num_ctx` when set, else the context
    /// the server allocated (`context_length` of the loaded model, `contextLength`); and whether the
    /// server evidently cut the conversation to fit that reply. Nil before any reply, or with no size.
    ///
    /// Ollama counts in `prompt_eval_count` only the tokens it evaluated: on a follow-up whose start
    /// is still in its cache that is just the new message. So the fill is kept as a running
    /// estimate: a reply whose prompt count is below the fill so far added to it (a cache hit); one
    /// at or above it was evaluated whole and replaces it. When the fill would pass the size, the
    /// server cannot have kept the whole conversation: it dropped the oldest messages.
    public func contextUse(allocated contextLength: Int?) -> (used: Int, size: Int, truncated: Bool)? {
        var size = contextLength ?? 0
        if case .integer(let set)? = options["num_ctx"], set > 0 { size = Int(clamping: set) }
        guard size > 0 else { return nil }
        var used = 0
        var truncated = false
        var replies = 0
        for entry in entries where entry.role == .assistant {
            guard let metrics = entry.metrics else { continue }
            let prompt = metrics.promptEvalCount
            let turn = prompt + metrics.evalCount
            guard turn > 0 else { continue }
            replies += 1
            truncated = false
            if used == 0 || prompt >= used {
                used = turn
            } else if used + turn <= size {
                used += turn
            } else {
                truncated = true
                // A prompt re-read whole after the cut, or a cached one that ran into the end.
                used = prompt > size / 2 ? turn : size
            }
            if used > size {
                truncated = true
                used = size
            }
        }
        guard replies > 0, used > 0 else { return nil }
        return (used, size, truncated)
    }

    /// Tool rounds since the last message the user sent (capped by ``ToolsState/maxRoundsPerTurn``).
    public var toolRounds = 0
    /// Tools the user allowed with `a` in this pane (`server/tool`): they run without asking.
    public var alwaysAllowed: Set<String> = []
    /// The reply waits for tool servers to start (its request goes once they are up or failed).
    public var awaitingToolServers = false

    /// "think high", "think off" for the pane's title; nil while the server's default applies.
    public var thinkTitle: String? { think.map { "think " + ThinkLevels.label($0) } }
    /// Images waiting to go with the next message.
    public var pendingImages: [AttachedImage] = []
    /// Thinking sections folded to one line.
    public var thinkingCollapsed = false
    /// Tool results shown whole (^F); folded to one line under their call by default.
    public var toolResultsShown = false
    /// Inputs sent, oldest first, for ↑/↓ recall.
    public var history: [String] = []
    public var historyIndex: Int?
    /// For embedding models: each input and its vector.
    public var embeddings: [EmbeddedInput] = []
    public var entries: [ChatEntry] = []
    public var input = TextInput()
    public var status: Status = .idle
    /// The running request, for cancellation.
    public var streamEffect: EffectID?
    public var sentAt: Date?
    public var firstTokenAt: Date?
    /// Lines scrolled up from the bottom; 0 follows the stream.
    public var scrollBack = 0 { didSet { if scrollBack == 0 { scrollAnchorLines = nil } } }
    /// While scrolled back: the reply's line count when the view last settled, so lines the reply
    /// gains below are added to ``scrollBack`` and the view stays still (set from drawn frames).
    public var scrollAnchorLines: Int?

    public init(id: Int, model: String? = nil) {
        self.id = id
        self.model = model
    }

    /// Busy with a turn: a reply streams, or its tool calls wait or run.
    public var isStreaming: Bool {
        switch status {
        case .waiting, .thinking, .streaming, .awaitingApproval, .runningTool: return true
        default: return false
        }
    }

    /// The tool call this pane asks about now (the first pending one), when it is asking.
    public var callAwaitingApproval: Int? {
        guard status == .awaitingApproval else { return nil }
        return entries.lastIndex { $0.role == .assistant }.flatMap { reply in
            entries.indices[(reply + 1)...].first { entries[$0].tool?.state == .pending }
        }
    }

    /// The messages to send: the transcript's user and assistant turns.
    public var requestMessages: [ChatMessage] {
        var messages: [ChatMessage] = []
        if let system, !system.isEmpty { messages.append(.system(system)) }
        return messages + entries.compactMap { entry in
            switch entry.role {
            case .user:
                var message = ChatMessage.user(entry.content)
                // An image whose bytes were not kept is left out: Ollama refuses an empty one.
                let images = entry.images.map(\.base64).filter { !$0.isEmpty }
                if !images.isEmpty { message.images = images }
                return message
            case .assistant:
                if !entry.toolCalls.isEmpty {
                    return ChatMessage(role: "assistant", content: entry.content, toolCalls: entry.toolCalls)
                }
                return entry.content.isEmpty ? nil : .assistant(entry.content)
            case .tool:
                guard let call = entry.tool, call.state.isFinished else { return nil }
                return ChatMessage(role: "tool", content: call.answerForModel(result: entry.content), toolName: call.name,
                                   toolCallID: call.id)
            case .system: return .system(entry.content)
            case .notice, .unreadable: return nil
            }
        }
    }
}

/// One input embedded by an embedding model, with its vector.
public struct EmbeddedInput: Sendable, Equatable {
    public var text: String
    public var vector: [Float]
}

extension ChatPane {
    /// The stored position of the entry at `index`: notices are not stored, so they do not count.
    public func storedPosition(of index: Int) -> Int {
        entries[..<index].filter(\.isStored).count
    }

    /// Opens a saved session in this pane.
    public mutating func load(_ record: SessionRecord) {
        sessionKey = record.summary.key
        sessionTitle = record.summary.title
        model = record.summary.model
        host = record.summary.host
        system = record.system
        options = record.options
        entries = record.entries
        // A call saved while it waited or ran did not finish: the model is told it was stopped.
        var unfinished = 0
        for index in entries.indices where entries[index].tool?.state.isFinished == false {
            entries[index].tool?.state = .cancelled
            if entries[index].content.isEmpty { entries[index].content = "stopped" }
            unfinished += 1
        }
        if unfinished > 0 {
            entries.append(ChatEntry(role: .notice, content: "\(unfinished) tool call(s) had not finished when this chat was closed: marked stopped"))
        }
        let lostImages = record.entries.reduce(0) { $0 + $1.images.filter(\.base64.isEmpty).count }
        if lostImages > 0 {
            let what = lostImages == 1 ? "1 image of this chat was" : "\(lostImages) images of this chat were"
            entries.append(ChatEntry(role: .notice, content: "\(what) saved without its data (an older version): not sent again"))
        }
        let unreadable = record.entries.filter { $0.role == .unreadable }.count
        if unreadable > 0 {
            entries.append(ChatEntry(role: .notice, content: "\(unreadable) saved message(s) could not be read and are left out of the conversation"))
        }
        status = .idle
        scrollBack = 0
        jumpToEntry = nil
    }
}
