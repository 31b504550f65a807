/// Timing and token counts from a final chunk. Durations are nanoseconds; missing ones are zero.
public struct GenerationMetrics: Sendable, Equatable, Codable {
    public var totalDuration: Int64
    public var loadDuration: Int64
    public var promptEvalCount: Int
    public var promptEvalDuration: Int64
    public var evalCount: Int
    public var evalDuration: Int64

    public init(
        totalDuration: Int64 = 0, loadDuration: Int64 = 0, promptEvalCount: Int = 0, promptEvalDuration: Int64 = 0,
        evalCount: Int = 0, evalDuration: Int64 = 0
    ) {
        self.totalDuration = totalDuration
        self.loadDuration = loadDuration
        self.promptEvalCount = promptEvalCount
        self.promptEvalDuration = promptEvalDuration
        self.evalCount = evalCount
        self.evalDuration = evalDuration
    }

    enum CodingKeys: String, CodingKey {
        case totalDuration = "total_duration", loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count", promptEvalDuration = "prompt_eval_duration"
        case evalCount = "eval_count", evalDuration = "eval_duration"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        totalDuration = try c.decodeIfPresent(Int64.self, forKey: .totalDuration) ?? 0
        loadDuration = try c.decodeIfPresent(Int64.self, forKey: .loadDuration) ?? 0
        promptEvalCount = try c.decodeIfPresent(Int.self, forKey: .promptEvalCount) ?? 0
        promptEvalDuration = try c.decodeIfPresent(Int64.self, forKey: .promptEvalDuration) ?? 0
        evalCount = try c.decodeIfPresent(Int.self, forKey: .evalCount) ?? 0
        evalDuration = try c.decodeIfPresent(Int64.self, forKey: .evalDuration) ?? 0
    }

    /// True when the server sent no metrics at all.
    public var isEmpty: Bool { self == GenerationMetrics() }

    /// Generated tokens per second (`eval_count / eval_duration * 1e9`), nil without data.
    public var evalRate: Double? {
        evalDuration > 0 ? Double(evalCount) / Double(evalDuration) * 1e9 : nil
    }

    /// Prompt tokens processed per second, nil without data.
    public var promptEvalRate: Double? {
        promptEvalDuration > 0 ? Double(promptEvalCount) / Double(promptEvalDuration) * 1e9 : nil
    }
}
