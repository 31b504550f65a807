#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// One entry of a chat transcript.
public struct ChatEntry: Sendable, Equatable {
    public enum Role: String, Sendable, Equatable { case user, assistant, system, notice }
    public var role: Role
    public var content: String
    public var thinking: String
    public var metrics: GenerationMetrics?
    /// Set when the reply was cut short (stopped by the user, or an error).
    public var interruption: String?

    public init(role: Role, content: String, thinking: String = "", metrics: GenerationMetrics? = nil) {
        self.role = role
        self.content = content
        self.thinking = thinking
        self.metrics = metrics
    }
}

/// A chat pane: its model, transcript, input and streaming state.
public struct ChatPane: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case idle, waiting, thinking, streaming, done, stopped, failed(String)
    }

    public var model: String?
    public var entries: [ChatEntry] = []
    public var input = TextInput()
    public var status: Status = .idle
    /// The running request, for cancellation.
    public var streamEffect: EffectID?
    public var sentAt: Date?
    public var firstTokenAt: Date?
    /// Lines scrolled up from the bottom; 0 follows the stream.
    public var scrollBack = 0

    public init(model: String? = nil) { self.model = model }

    public var isStreaming: Bool {
        switch status {
        case .waiting, .thinking, .streaming: return true
        default: return false
        }
    }

    /// The messages to send: the transcript's user and assistant turns.
    public var requestMessages: [ChatMessage] {
        entries.compactMap { entry in
            switch entry.role {
            case .user: return .user(entry.content)
            case .assistant: return entry.content.isEmpty ? nil : .assistant(entry.content)
            case .system: return .system(entry.content)
            case .notice: return nil
            }
        }
    }
}
