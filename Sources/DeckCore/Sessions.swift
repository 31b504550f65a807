#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// A saved chat session as the list shows it.
public struct SessionSummary: Sendable, Equatable {
    public var key: String
    public var title: String
    public var model: String?
    /// The host the chat ran on (its name), when it was saved with one.
    public var host: String?
    public var updatedAt: Date
    public var messageCount: Int

    public init(key: String, title: String, model: String?, updatedAt: Date, messageCount: Int, host: String? = nil) {
        self.key = key
        self.title = title
        self.model = model
        self.host = host
        self.updatedAt = updatedAt
        self.messageCount = messageCount
    }
}

/// A whole saved session, to reopen in a pane.
public struct SessionRecord: Sendable, Equatable {
    public var summary: SessionSummary
    public var system: String?
    public var options: [String: JSONValue]
    public var entries: [ChatEntry]

    public init(summary: SessionSummary, system: String?, options: [String: JSONValue], entries: [ChatEntry]) {
        self.summary = summary
        self.system = system
        self.options = options
        self.entries = entries
    }
}

/// A full-text search hit.
public struct SearchHit: Sendable, Equatable {
    public var sessionKey: String
    public var sessionTitle: String
    public var position: Int
    public var snippet: String

    public init(sessionKey: String, sessionTitle: String, position: Int, snippet: String) {
        self.sessionKey = sessionKey
        self.sessionTitle = sessionTitle
        self.position = position
        self.snippet = snippet
    }
}

/// What the store is asked to write: a session's header, one entry (at its position), or the
/// end of a transcript cut back (regenerate).
public struct SessionHeader: Sendable, Equatable {
    public var key: String
    public var title: String
    public var model: String?
    /// The name of the host the chat runs on.
    public var host: String?
    public var system: String?
    public var options: [String: JSONValue]
    public var updatedAt: Date

    public init(key: String, title: String, model: String?, system: String?, options: [String: JSONValue], updatedAt: Date, host: String? = nil) {
        self.key = key
        self.title = title
        self.model = model
        self.host = host
        self.system = system
        self.options = options
        self.updatedAt = updatedAt
    }
}
