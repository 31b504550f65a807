#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A model the simulator knows: installed, or available to pull from its pretend registry.
public struct SimModel: Sendable, Equatable {
    /// Normalised display name, such as `llama3.2:latest`.
    public var name: String
    public var family: String
    public var families: [String]?
    public var parameterSize: String
    public var quantization: String
    public var format: String
    /// `completion`, `tools`, `vision`, `thinking`, `embedding`, `insert`.
    public var capabilities: [String]
    public var contextLength: Int
    public var embeddingLength: Int
    public var template: String
    public var system: String
    public var license: String
    /// `name value` pairs for `parameters`.
    public var parameters: [(String, String)]
    /// Layers in manifest order: weights first, config last.
    public var layers: [Layer]
    public var modifiedAt: Date
    public var parentModel: String

    public struct Layer: Sendable, Equatable {
        public var digest: String
        public var size: Int64
        public var mediaType: String
    }

    public static func == (lhs: SimModel, rhs: SimModel) -> Bool {
        lhs.name == rhs.name && lhs.layers == rhs.layers && lhs.modifiedAt == rhs.modifiedAt
            && lhs.system == rhs.system && lhs.capabilities == rhs.capabilities
    }

    /// Bytes on disk: the sum of the layers.
    public var size: Int64 { layers.reduce(0) { $0 + $1.size } }

    /// The manifest digest, 64 hex characters, as `/api/tags` shows it. It hashes the layers, not the
    /// name, as Ollama's manifest does: a copy has the same digest as its source.
    public var digest: String { SeededRandom.hexDigest("manifest:" + layers.map(\.digest).joined()) }

    public func has(_ capability: String) -> Bool { capabilities.contains(capability) }

    /// The architecture name used in `model_info` keys.
    public var architecture: String { family.replacingDots() }

    /// Builds a model with realistic layers: weights, template, license, params and config.
    public static func make(
        _ name: String, family: String, families: [String]? = nil, parameterSize: String,
        quantization: String = "Q4_K_M", weightBytes: Int64, capabilities: [String], contextLength: Int = 131_072,
        embeddingLength: Int = 3072, daysAgo: Double, system: String = "", format: String = "gguf"
    ) -> SimModel {
        let fullName = ModelName.normalize(name)
        let layers = [
            Layer(digest: SeededRandom.hexDigest("weights:" + fullName), size: weightBytes,
                  mediaType: "application/vnd.ollama.image.model"),
            Layer(digest: SeededRandom.hexDigest("template:" + family), size: 1429,
                  mediaType: "application/vnd.ollama.image.template"),
            Layer(digest: SeededRandom.hexDigest("license:" + family), size: 7711,
                  mediaType: "application/vnd.ollama.image.license"),
            Layer(digest: SeededRandom.hexDigest("params:" + fullName), size: 96,
                  mediaType: "application/vnd.ollama.image.params"),
            Layer(digest: SeededRandom.hexDigest("config:" + fullName), size: 561,
                  mediaType: "application/vnd.docker.container.image.v1+json"),
        ]
        let reference = Date()
        return SimModel(
            name: fullName, family: family, families: families, parameterSize: parameterSize,
            quantization: quantization, format: format, capabilities: capabilities, contextLength: contextLength,
            embeddingLength: embeddingLength,
            template: "{{- if .System }}<|system|>{{ .System }}<|end|>{{ end }}<|user|>{{ .Prompt }}<|end|><|assistant|>",
            system: system,
            license: "\(family.uppercased()) COMMUNITY LICENSE AGREEMENT\nSimulated license text for \(fullName).",
            parameters: capabilities.contains("embedding") ? [] : [("stop", "\"<|end|>\""), ("temperature", "0.7")],
            layers: layers, modifiedAt: reference.addingTimeInterval(-daysAgo * 86_400), parentModel: "")
    }
}

extension String {
    func replacingDots() -> String { String(map { $0 == "." ? "_" : $0 }) }
}

/// Model-name rules as the server applies them (`types/model/name.go`): tag defaults to `latest`,
/// namespace `library`, host `registry.ollama.ai`.
public enum ModelName {
    /// The short display form: `llama3.2` → `llama3.2:latest`; `library/x:tag` and
    /// `registry.ollama.ai/library/x:tag` → `x:tag`; other namespaces and hosts are kept.
    public static func normalize(_ raw: String) -> String {
        var name = raw.lowercased()
        if name.hasPrefix("registry.ollama.ai/") { name.removeFirst("registry.ollama.ai/".count) }
        if name.hasPrefix("library/") { name.removeFirst("library/".count) }
        let lastPart = name.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        if !lastPart.contains(":") { name += ":latest" }
        return name
    }

    /// True when the name has the shape `[host/][namespace/]model[:tag]` with allowed characters.
    public static func isValid(_ raw: String) -> Bool {
        if raw.isEmpty || raw.count > 350 { return false }
        let parts = raw.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > 3 || parts.contains(where: \.isEmpty) { return false }
        guard let last = parts.last else { return false }
        let modelAndTag = last.split(separator: ":", omittingEmptySubsequences: false)
        if modelAndTag.count > 2 || modelAndTag.contains(where: \.isEmpty) { return false }
        func ok(_ part: Substring, allowDots: Bool) -> Bool {
            guard let first = part.first, first.isASCII, first.isLetter || first.isNumber else { return false }
            return part.allSatisfy {
                $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || (allowDots && $0 == "."))
            }
        }
        for (i, part) in parts.dropLast().enumerated() {
            if !ok(part, allowDots: i == 0 && parts.count == 3) { return false }
        }
        return ok(modelAndTag[0], allowDots: true) && (modelAndTag.count == 1 || ok(modelAndTag[1], allowDots: true))
    }
}
