#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `POST /api/generate` request.
public struct GenerateRequest: Sendable, Equatable, Encodable {
    public var model: String
    public var prompt: String
    public var suffix: String?
    public var system: String?
    public var template: String?
    public var context: [Int]?
    public var stream: Bool?
    public var raw: Bool?
    public var format: JSONValue?
    public var keepAlive: KeepAlive?
    /// Images as plain standard base64.
    public var images: [String]?
    public var options: [String: JSONValue]?
    public var think: ThinkSetting?

    enum CodingKeys: String, CodingKey {
        case model, prompt, suffix, system, template, context, stream, raw, format
        case keepAlive = "keep_alive", images, options, think
    }

    public init(
        model: String, prompt: String, suffix: String? = nil, system: String? = nil, template: String? = nil,
        context: [Int]? = nil, stream: Bool? = nil, raw: Bool? = nil, format: JSONValue? = nil,
        keepAlive: KeepAlive? = nil, images: [String]? = nil, options: [String: JSONValue]? = nil,
        think: ThinkSetting? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.suffix = suffix
        self.system = system
        self.template = template
        self.context = context
        self.stream = stream
        self.raw = raw
        self.format = format
        self.keepAlive = keepAlive
        self.images = images
        self.options = options
        self.think = think
    }
}

/// One chunk of a `/api/generate` reply.
public struct GenerateResponse: Sendable, Equatable, Decodable {
    public var model: String
    public var createdAt: Date?
    public var response: String
    public var thinking: String?
    public var done: Bool
    public var doneReason: String?
    /// Token ids of prompt and output, on the final chunk (deprecated by the server, but still sent).
    public var context: [Int]?
    public var toolCalls: [ToolCall]?
    public var metrics: GenerationMetrics

    enum CodingKeys: String, CodingKey {
        case model, createdAt = "created_at", response, thinking, done, doneReason = "done_reason", context
        case toolCalls = "tool_calls"
    }

    public init(
        model: String, createdAt: Date? = nil, response: String, thinking: String? = nil, done: Bool,
        doneReason: String? = nil, context: [Int]? = nil, toolCalls: [ToolCall]? = nil,
        metrics: GenerationMetrics = GenerationMetrics()
    ) {
        self.model = model
        self.createdAt = createdAt
        self.response = response
        self.thinking = thinking
        self.done = done
        self.doneReason = doneReason
        self.context = context
        self.toolCalls = toolCalls
        self.metrics = metrics
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(String.self, forKey: .model) ?? ""
        createdAt = try c.decodeIfPresent(Date.self, forKey: .createdAt)
        response = try c.decodeIfPresent(String.self, forKey: .response) ?? ""
        thinking = try c.decodeIfPresent(String.self, forKey: .thinking)
        done = try c.decodeIfPresent(Bool.self, forKey: .done) ?? false
        doneReason = try c.decodeIfPresent(String.self, forKey: .doneReason)
        context = try c.decodeIfPresent([Int].self, forKey: .context)
        toolCalls = try c.decodeIfPresent([ToolCall].self, forKey: .toolCalls)
        metrics = done ? try GenerationMetrics(from: decoder) : GenerationMetrics()
    }
}

extension GenerateResponse: StreamTerminating {
    public var isTerminal: Bool { done }
}
