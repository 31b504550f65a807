/// `POST /api/embed` request.
public struct EmbedRequest: Sendable, Equatable, Encodable {
    public var model: String
    public var input: [String]
    public var truncate: Bool?
    public var dimensions: Int?
    public var keepAlive: KeepAlive?
    public var options: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case model, input, truncate, dimensions, keepAlive = "keep_alive", options
    }

    public init(
        model: String, input: [String], truncate: Bool? = nil, dimensions: Int? = nil, keepAlive: KeepAlive? = nil,
        options: [String: JSONValue]? = nil
    ) {
        self.model = model
        self.input = input
        self.truncate = truncate
        self.dimensions = dimensions
        self.keepAlive = keepAlive
        self.options = options
    }
}

/// `POST /api/embed` reply: one L2-normalised vector per input.
public struct EmbedResponse: Sendable, Equatable, Decodable {
    public var model: String
    public var embeddings: [[Float]]
    public var totalDuration: Int64
    public var loadDuration: Int64
    public var promptEvalCount: Int

    enum CodingKeys: String, CodingKey {
        case model, embeddings, totalDuration = "total_duration", loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(String.self, forKey: .model) ?? ""
        embeddings = try c.decodeIfPresent([[Float]].self, forKey: .embeddings) ?? []
        totalDuration = try c.decodeIfPresent(Int64.self, forKey: .totalDuration) ?? 0
        loadDuration = try c.decodeIfPresent(Int64.self, forKey: .loadDuration) ?? 0
        promptEvalCount = try c.decodeIfPresent(Int.self, forKey: .promptEvalCount) ?? 0
    }
}

/// Legacy `POST /api/embeddings` request.
public struct EmbeddingsRequest: Sendable, Equatable, Encodable {
    public var model: String
    public var prompt: String
    public var keepAlive: KeepAlive?
    public var options: [String: JSONValue]?

    enum CodingKeys: String, CodingKey { case model, prompt, keepAlive = "keep_alive", options }

    public init(model: String, prompt: String, keepAlive: KeepAlive? = nil, options: [String: JSONValue]? = nil) {
        self.model = model
        self.prompt = prompt
        self.keepAlive = keepAlive
        self.options = options
    }
}

/// Legacy `POST /api/embeddings` reply: one vector, not normalised.
public struct EmbeddingsResponse: Sendable, Equatable, Decodable {
    public var embedding: [Double]

    enum CodingKeys: String, CodingKey { case embedding }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        embedding = try c.decodeIfPresent([Double].self, forKey: .embedding) ?? []
    }
}

/// Cosine similarity of two vectors; 0 when either is empty or their lengths differ.
public func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Double {
    guard a.count == b.count, !a.isEmpty else { return 0 }
    var dot = 0.0, normA = 0.0, normB = 0.0
    for i in a.indices {
        dot += Double(a[i]) * Double(b[i])
        normA += Double(a[i]) * Double(a[i])
        normB += Double(b[i]) * Double(b[i])
    }
    guard normA > 0, normB > 0 else { return 0 }
    return dot / (normA.squareRoot() * normB.squareRoot())
}
