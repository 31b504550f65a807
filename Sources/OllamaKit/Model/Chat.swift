#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One message of a conversation.
public struct ChatMessage: Sendable, Equatable, Codable {
    /// `system`, `user`, `assistant` or `tool`.
    public var role: String
    public var content: String
    /// The model's reasoning, for thinking models.
    public var thinking: String?
    /// Images as plain standard base64 (no `data:` prefix).
    public var images: [String]?
    public var toolCalls: [ToolCall]?
    /// For `tool` messages: the tool whose result this is.
    public var toolName: String?
    public var toolCallID: String?

    enum CodingKeys: String, CodingKey {
        case role, content, thinking, images, toolCalls = "tool_calls", toolName = "tool_name"
        case toolCallID = "tool_call_id"
    }

    public init(
        role: String, content: String, thinking: String? = nil, images: [String]? = nil,
        toolCalls: [ToolCall]? = nil, toolName: String? = nil, toolCallID: String? = nil
    ) {
        self.role = role
        self.content = content
        self.thinking = thinking
        self.images = images
        self.toolCalls = toolCalls
        self.toolName = toolName
        self.toolCallID = toolCallID
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: "system", content: text) }
    public static func user(_ text: String, images: [Data]? = nil) -> ChatMessage {
        ChatMessage(role: "user", content: text, images: images?.map { $0.base64EncodedString() })
    }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: "assistant", content: text) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        role = try c.decodeIfPresent(String.self, forKey: .role) ?? "assistant"
        content = try c.decodeIfPresent(String.self, forKey: .content) ?? ""
        thinking = try c.decodeIfPresent(String.self, forKey: .thinking)
        images = try c.decodeIfPresent([String].self, forKey: .images)
        toolCalls = try c.decodeIfPresent([ToolCall].self, forKey: .toolCalls)
        toolName = try c.decodeIfPresent(String.self, forKey: .toolName)
        toolCallID = try c.decodeIfPresent(String.self, forKey: .toolCallID)
    }
}

/// A call the model asks a tool to make. `arguments` is a JSON object.
public struct ToolCall: Sendable, Equatable, Codable {
    public struct Function: Sendable, Equatable, Codable {
        public var index: Int?
        public var name: String
        public var arguments: [String: JSONValue]

        public init(index: Int? = nil, name: String, arguments: [String: JSONValue]) {
            self.index = index
            self.name = name
            self.arguments = arguments
        }

        enum CodingKeys: String, CodingKey { case index, name, arguments }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            index = try c.decodeIfPresent(Int.self, forKey: .index)
            name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
            arguments = try c.decodeIfPresent([String: JSONValue].self, forKey: .arguments) ?? [:]
        }
    }

    public var id: String?
    public var function: Function

    public init(id: String? = nil, function: Function) {
        self.id = id
        self.function = function
    }
}

/// A tool the model may call, described by a JSON schema.
public struct Tool: Sendable, Equatable, Codable {
    public struct Function: Sendable, Equatable, Codable {
        public var name: String
        public var description: String
        public var parameters: JSONValue

        public init(name: String, description: String, parameters: JSONValue) {
            self.name = name
            self.description = description
            self.parameters = parameters
        }
    }

    public var type: String
    public var function: Function

    public init(function: Function) {
        self.type = "function"
        self.function = function
    }
}

/// `POST /api/chat` request.
public struct ChatRequest: Sendable, Equatable, Encodable {
    public var model: String
    public var messages: [ChatMessage]
    public var stream: Bool?
    /// `"json"` or a JSON schema.
    public var format: JSONValue?
    public var keepAlive: KeepAlive?
    public var tools: [Tool]?
    /// Model options such as `temperature`, `num_ctx`, `seed`, `stop`.
    public var options: [String: JSONValue]?
    /// Omitted: the server turns thinking on for models that can think.
    public var think: ThinkSetting?

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, format, keepAlive = "keep_alive", tools, options, think
    }

    public init(
        model: String, messages: [ChatMessage], stream: Bool? = nil, format: JSONValue? = nil,
        keepAlive: KeepAlive? = nil, tools: [Tool]? = nil, options: [String: JSONValue]? = nil,
        think: ThinkSetting? = nil
    ) {
        self.model = model
        self.messages = messages
        self.stream = stream
        self.format = format
        self.keepAlive = keepAlive
        self.tools = tools
        self.options = options
        self.think = think
    }
}

/// One chunk of a `/api/chat` reply. Metrics are only on the final chunk (`done == true`).
public struct ChatResponse: Sendable, Equatable, Decodable {
    public var model: String
    public var createdAt: Date?
    public var message: ChatMessage
    public var done: Bool
    /// `stop`, `length`, `load`, `unload`; nil when not given.
    public var doneReason: String?
    public var metrics: GenerationMetrics

    enum CodingKeys: String, CodingKey {
        case model, createdAt = "created_at", message, done, doneReason = "done_reason"
    }

    public init(
        model: String, createdAt: Date? = nil, message: ChatMessage, done: Bool, doneReason: String? = nil,
        metrics: GenerationMetrics = GenerationMetrics()
    ) {
        self.model = model
        self.createdAt = createdAt
        self.message = message
        self.done = done
        self.doneReason = doneReason
        self.metrics = metrics
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(String.self, forKey: .model) ?? ""
        createdAt = try c.decodeIfPresent(Date.self, forKey: .createdAt)
        message = try c.decodeIfPresent(ChatMessage.self, forKey: .message) ?? ChatMessage(role: "assistant", content: "")
        done = try c.decodeIfPresent(Bool.self, forKey: .done) ?? false
        doneReason = try c.decodeIfPresent(String.self, forKey: .doneReason)
        metrics = done ? try GenerationMetrics(from: decoder) : GenerationMetrics()
    }
}

extension ChatResponse: StreamTerminating {
    public var isTerminal: Bool { done }
}
