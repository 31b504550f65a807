#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `POST /api/show` request.
struct ShowRequest: Encodable {
    var model: String
    var verbose: Bool?
}

/// `POST /api/show` reply: everything the server knows about one model. Missing strings are empty.
public struct ShowResponse: Sendable, Equatable, Codable {
    public struct Tensor: Sendable, Equatable, Codable {
        public var name: String
        public var type: String
        public var shape: [UInt64]
    }

    public var license: String
    public var modelfile: String
    /// `name value` lines, as the server formats them.
    public var parameters: String
    public var template: String
    public var system: String
    public var details: ModelDetails
    public var messages: [ChatMessage]
    /// Keys such as `general.architecture`, `<arch>.context_length`, `<arch>.embedding_length`.
    public var modelInfo: [String: JSONValue]
    public var projectorInfo: [String: JSONValue]
    public var tensors: [Tensor]
    public var capabilities: [String]
    public var modifiedAt: Date?

    enum CodingKeys: String, CodingKey {
        case license, modelfile, parameters, template, system, details, messages
        case modelInfo = "model_info", projectorInfo = "projector_info", tensors, capabilities
        case modifiedAt = "modified_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        license = try c.decodeIfPresent(String.self, forKey: .license) ?? ""
        modelfile = try c.decodeIfPresent(String.self, forKey: .modelfile) ?? ""
        parameters = try c.decodeIfPresent(String.self, forKey: .parameters) ?? ""
        template = try c.decodeIfPresent(String.self, forKey: .template) ?? ""
        system = try c.decodeIfPresent(String.self, forKey: .system) ?? ""
        details = try c.decodeIfPresent(ModelDetails.self, forKey: .details) ?? ModelDetails(format: "")
        messages = try c.decodeIfPresent([ChatMessage].self, forKey: .messages) ?? []
        modelInfo = try c.decodeIfPresent([String: JSONValue].self, forKey: .modelInfo) ?? [:]
        projectorInfo = try c.decodeIfPresent([String: JSONValue].self, forKey: .projectorInfo) ?? [:]
        tensors = try c.decodeIfPresent([Tensor].self, forKey: .tensors) ?? []
        capabilities = try c.decodeIfPresent([String].self, forKey: .capabilities) ?? []
        modifiedAt = try c.decodeIfPresent(Date.self, forKey: .modifiedAt)
    }

    /// `general.architecture`, such as `llama` or `qwen3`.
    public var architecture: String? { modelInfo["general.architecture"]?.stringValue }

    /// The trained context length, from `<arch>.context_length`.
    public var contextLength: Int64? {
        guard let architecture else { return nil }
        return modelInfo["\(architecture).context_length"]?.intValue
    }

    /// The embedding width, from `<arch>.embedding_length`.
    public var embeddingLength: Int64? {
        guard let architecture else { return nil }
        return modelInfo["\(architecture).embedding_length"]?.intValue
    }
}
