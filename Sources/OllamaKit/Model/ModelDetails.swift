#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `details` of an installed or running model. Missing fields read as empty; `families` may be `null`.
public struct ModelDetails: Sendable, Equatable, Codable {
    public var parentModel: String
    public var format: String
    public var family: String
    public var families: [String]
    /// For example `7.6B`.
    public var parameterSize: String
    /// For example `Q4_K_M`.
    public var quantizationLevel: String
    public var contextLength: Int?
    public var embeddingLength: Int?

    enum CodingKeys: String, CodingKey {
        case parentModel = "parent_model", format, family, families
        case parameterSize = "parameter_size", quantizationLevel = "quantization_level"
        case contextLength = "context_length", embeddingLength = "embedding_length"
    }

    public init(
        parentModel: String = "", format: String = "gguf", family: String = "", families: [String] = [],
        parameterSize: String = "", quantizationLevel: String = "", contextLength: Int? = nil,
        embeddingLength: Int? = nil
    ) {
        self.parentModel = parentModel
        self.format = format
        self.family = family
        self.families = families
        self.parameterSize = parameterSize
        self.quantizationLevel = quantizationLevel
        self.contextLength = contextLength
        self.embeddingLength = embeddingLength
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        parentModel = try c.decodeIfPresent(String.self, forKey: .parentModel) ?? ""
        format = try c.decodeIfPresent(String.self, forKey: .format) ?? ""
        family = try c.decodeIfPresent(String.self, forKey: .family) ?? ""
        families = try c.decodeIfPresent([String].self, forKey: .families) ?? []
        parameterSize = try c.decodeIfPresent(String.self, forKey: .parameterSize) ?? ""
        quantizationLevel = try c.decodeIfPresent(String.self, forKey: .quantizationLevel) ?? ""
        contextLength = try c.decodeIfPresent(Int.self, forKey: .contextLength)
        embeddingLength = try c.decodeIfPresent(Int.self, forKey: .embeddingLength)
    }
}

/// One entry of `GET /api/tags`: an installed model.
public struct InstalledModel: Sendable, Equatable, Codable, Identifiable {
    /// The display name, such as `llama3.2:latest`.
    public var name: String
    public var model: String
    public var remoteModel: String?
    public var remoteHost: String?
    public var modifiedAt: Date
    /// Bytes on disk (64-bit).
    public var size: Int64
    /// 64 hex characters, no `sha256:` prefix.
    public var digest: String
    public var details: ModelDetails
    /// `completion`, `tools`, `vision`, `thinking`, `embedding`, … (empty on older servers).
    public var capabilities: [String]

    public var id: String { name }

    /// A cloud model: a stub that runs on another server (`remote_host`, or a name whose tag is
    /// `cloud` or ends in `-cloud`, such as `gpt-oss:120b-cloud`). It takes no disk and no memory
    /// here, so it is never loaded, unloaded or kept loaded.
    public var isCloud: Bool {
        if let remoteHost, !remoteHost.isEmpty { return true }
        let tag = name.split(separator: ":").last.map(String.init) ?? ""
        return name.contains(":") && (tag == "cloud" || tag.hasSuffix("-cloud"))
    }

    enum CodingKeys: String, CodingKey {
        case name, model, remoteModel = "remote_model", remoteHost = "remote_host"
        case modifiedAt = "modified_at", size, digest, details, capabilities
    }

    public init(
        name: String, model: String? = nil, modifiedAt: Date, size: Int64, digest: String,
        details: ModelDetails = ModelDetails(), capabilities: [String] = []
    ) {
        self.name = name
        self.model = model ?? name
        self.modifiedAt = modifiedAt
        self.size = size
        self.digest = digest
        self.details = details
        self.capabilities = capabilities
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decodeIfPresent(String.self, forKey: .name)
        let model = try c.decodeIfPresent(String.self, forKey: .model)
        guard let display = name ?? model else {
            throw DecodingError.keyNotFound(
                CodingKeys.name, .init(codingPath: c.codingPath, debugDescription: "a model without a name"))
        }
        self.name = display
        // The same text shares one storage (a fleet holds thousands of these).
        self.model = model == display ? display : (model ?? display)
        remoteModel = try c.decodeIfPresent(String.self, forKey: .remoteModel)
        remoteHost = try c.decodeIfPresent(String.self, forKey: .remoteHost)
        modifiedAt = try c.decodeIfPresent(Date.self, forKey: .modifiedAt) ?? Date(timeIntervalSince1970: 0)
        size = try c.decodeIfPresent(Int64.self, forKey: .size) ?? 0
        digest = try c.decodeIfPresent(String.self, forKey: .digest) ?? ""
        details = try c.decodeIfPresent(ModelDetails.self, forKey: .details) ?? ModelDetails(format: "")
        capabilities = try c.decodeIfPresent([String].self, forKey: .capabilities) ?? []
    }
}

extension [InstalledModel] {
    /// The same `families` and `capabilities` lists share one storage across the entries (most
    /// models of a server have one of a handful): a list of thousands of models takes less memory.
    public mutating func shareRepeatedLists() {
        var seen: [[String]: [String]] = [:]
        func shared(_ list: [String]) -> [String] {
            if list.isEmpty { return list }
            if let known = seen[list] { return known }
            seen[list] = list
            return list
        }
        for index in indices {
            self[index].capabilities = shared(self[index].capabilities)
            self[index].details.families = shared(self[index].details.families)
        }
    }
}

/// One entry of `GET /api/ps`: a model loaded in memory.
public struct RunningModel: Sendable, Equatable, Codable, Identifiable {
    public var name: String
    public var model: String
    /// Total bytes in memory.
    public var size: Int64
    public var digest: String
    public var details: ModelDetails
    /// When the model will be unloaded; about the year 2318 for "forever".
    public var expiresAt: Date
    /// Bytes in GPU memory.
    public var sizeVRAM: Int64
    /// The context length the model was loaded with (0 on servers older than v0.10).
    public var contextLength: Int

    public var id: String { name }

    enum CodingKeys: String, CodingKey {
        case name, model, size, digest, details, expiresAt = "expires_at", sizeVRAM = "size_vram"
        case contextLength = "context_length"
    }

    public init(
        name: String, model: String? = nil, size: Int64, digest: String, details: ModelDetails = ModelDetails(),
        expiresAt: Date, sizeVRAM: Int64, contextLength: Int
    ) {
        self.name = name
        self.model = model ?? name
        self.size = size
        self.digest = digest
        self.details = details
        self.expiresAt = expiresAt
        self.sizeVRAM = sizeVRAM
        self.contextLength = contextLength
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decodeIfPresent(String.self, forKey: .name)
        let model = try c.decodeIfPresent(String.self, forKey: .model)
        guard let display = name ?? model else {
            throw DecodingError.keyNotFound(
                CodingKeys.name, .init(codingPath: c.codingPath, debugDescription: "a model without a name"))
        }
        self.name = display
        // The same text shares one storage (a fleet holds thousands of these).
        self.model = model == display ? display : (model ?? display)
        size = try c.decodeIfPresent(Int64.self, forKey: .size) ?? 0
        digest = try c.decodeIfPresent(String.self, forKey: .digest) ?? ""
        details = try c.decodeIfPresent(ModelDetails.self, forKey: .details) ?? ModelDetails(format: "")
        expiresAt = try c.decodeIfPresent(Date.self, forKey: .expiresAt) ?? Date(timeIntervalSince1970: 0)
        sizeVRAM = try c.decodeIfPresent(Int64.self, forKey: .sizeVRAM) ?? 0
        contextLength = try c.decodeIfPresent(Int.self, forKey: .contextLength) ?? 0
    }

    /// The processor split as `ollama ps` prints it: `100% GPU`, `48%/52% CPU/GPU` or `100% CPU`.
    public var processorDescription: String {
        if sizeVRAM == 0 { return "100% CPU" }
        if sizeVRAM == size { return "100% GPU" }
        if sizeVRAM > size || size <= 0 || sizeVRAM < 0 { return "Unknown" }
        let cpuPercent = Int((Double(size - sizeVRAM) / Double(size) * 100).rounded())
        return "\(cpuPercent)%/\(100 - cpuPercent)% CPU/GPU"
    }

    /// True when the model stays loaded indefinitely (expiry more than 20 years away, as the CLI decides).
    public func staysLoadedForever(now: Date = Date()) -> Bool {
        expiresAt.timeIntervalSince(now) > 20 * 365.25 * 86_400
    }
}

/// `GET /api/version`.
public struct VersionResponse: Sendable, Equatable, Codable {
    public var version: String
}
