/// The simulator's built-in models: what is installed at start, and what its registry can serve.
public enum SimCatalog {
    /// Models installed when the simulator starts.
    public static let installed: [SimModel] = [
        .make("llama3.2", family: "llama", families: ["llama"], parameterSize: "3.2B", weightBytes: 2_019_377_376,
              capabilities: ["completion", "tools"], daysAgo: 3.2),
        .make("qwen3:8b", family: "qwen3", families: ["qwen3"], parameterSize: "8.2B", weightBytes: 5_225_376_047,
              capabilities: ["completion", "tools", "thinking"], contextLength: 40_960, embeddingLength: 4096,
              daysAgo: 1.1),
        .make("deepseek-r1:7b", family: "qwen2", families: ["qwen2"], parameterSize: "7.6B",
              weightBytes: 4_683_073_184, capabilities: ["completion", "thinking"], embeddingLength: 3584,
              daysAgo: 12.5),
        .make("qwen3-vl:8b", family: "qwen3vl", families: ["qwen3vl"], parameterSize: "8.8B",
              weightBytes: 6_138_212_000, capabilities: ["completion", "vision", "tools", "thinking"],
              contextLength: 262_144, embeddingLength: 4096, daysAgo: 0.2),
        .make("gemma3:4b", family: "gemma3", families: nil, parameterSize: "4.3B", weightBytes: 3_338_792_000,
              capabilities: ["completion", "vision"], embeddingLength: 2560, daysAgo: 40),
        .make("nomic-embed-text", family: "nomic-bert", families: ["nomic-bert"], parameterSize: "137M",
              quantization: "F16", weightBytes: 274_290_656, capabilities: ["embedding"], contextLength: 2048,
              embeddingLength: 768, daysAgo: 95),
        .make("mistral:7b", family: "llama", families: ["llama"], parameterSize: "7.2B", quantization: "Q4_0",
              weightBytes: 4_113_289_920, capabilities: ["completion", "tools"], contextLength: 32_768,
              embeddingLength: 4096, daysAgo: 400),
    ]

    /// Models the pretend registry serves (installed ones included), for pulls.
    public static let registry: [SimModel] =
        installed + [
            .make("smollm2:135m", family: "llama", families: ["llama"], parameterSize: "134.52M",
                  quantization: "F16", weightBytes: 270_898_464, capabilities: ["completion", "tools"],
                  contextLength: 8192, embeddingLength: 576, daysAgo: 0),
            .make("phi4-mini", family: "phi3", families: ["phi3"], parameterSize: "3.8B",
                  weightBytes: 2_491_874_688, capabilities: ["completion", "tools"], daysAgo: 0),
            .make("llama3.1:8b", family: "llama", families: ["llama"], parameterSize: "8.0B",
                  weightBytes: 4_920_738_944, capabilities: ["completion", "tools"], daysAgo: 0),
            .make("qwen2.5-coder:7b", family: "qwen2", families: ["qwen2"], parameterSize: "7.6B",
                  weightBytes: 4_683_071_456, capabilities: ["completion", "tools", "insert"], contextLength: 32_768,
                  daysAgo: 0),
            .make("all-minilm", family: "bert", families: ["bert"], parameterSize: "23M", quantization: "F16",
                  weightBytes: 45_949_216, capabilities: ["embedding"], contextLength: 512, embeddingLength: 384,
                  daysAgo: 0),
            .make("tiny", family: "llama", families: ["llama"], parameterSize: "1M", quantization: "Q8_0",
                  weightBytes: 1_048_576, capabilities: ["completion"], contextLength: 2048, daysAgo: 0),
            .make("deepseek-r1:1.5b", family: "qwen2", families: ["qwen2"], parameterSize: "1.8B",
                  weightBytes: 1_117_320_736, capabilities: ["completion", "thinking"], daysAgo: 0),
        ]

    /// Generates `count` extra installed models with distinct names (for big-list tests and benchmarks).
    public static func synthetic(count: Int, seed: UInt64) -> [SimModel] {
        var random = SeededRandom(seed: seed)
        let families = ["llama", "qwen3", "gemma3", "phi3", "mistral", "qwen2"]
        return (0..<count).map { index in
            let family = families[Int(random.next() % UInt64(families.count))]
            let billions = Double(random.next() % 700 + 5) / 10
            return .make(
                "synthetic-\(family)-\(index):\(Int(billions * 10))b", family: family, families: [family],
                parameterSize: "\(billions)B", weightBytes: Int64(billions * 6e8), capabilities: ["completion"],
                daysAgo: Double(random.next() % 5000) / 10)
        }
    }
}
