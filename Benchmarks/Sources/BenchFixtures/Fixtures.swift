import DeckCore
import DeckUI
import Foundation
import OllamaKit

/// Inputs and states shared by the benchmarks and the profiling driver, so both measure the same work.
public enum BenchFixtures {
    /// 1,000 NDJSON chat chunks, one token each, as ollama writes them (Chinese and ASCII).
    public static let chunkLines: [UInt8] = Array((0..<1000).map { i in
        "{\"model\":\"qwen3:8b\",\"created_at\":\"2026-08-21T18:02:11.114310012Z\",\"message\":{\"role\":\"assistant\",\"content\":\"词\(i % 10)\"},\"done\":false}\n"
    }.joined().utf8)

    /// A reply shaped like a model's (paragraphs, a list, code, Chinese and emoji) as NDJSON chat
    /// chunks of a word or a few characters each, about 2,000 of them.
    public static let replyChunkLines: [UInt8] = {
        let text = """
            The sky looks blue because air molecules scatter short wavelengths of sunlight more than long ones. \
            This is called Rayleigh scattering, and it is why sunsets turn orange and red. 🌅

            Here is a quick summary:

            - **Ollama** runs large language models locally.
            - Models are pulled from a registry, layer by layer.
            - Replies stream as NDJSON, one JSON object per line.

            ```swift
            let client = OllamaClient()
            ```

            天空之所以是蓝色的，是因为大气中的分子对短波长的光散射得更多。这种现象叫做瑞利散射。


            """
        var tokens: [String] = []
        while tokens.count < 2_000 {
            var current = ""
            for character in text {
                current.append(character)
                if character == " " || character == "\n" || current.unicodeScalars.count >= 4 {
                    tokens.append(current)
                    current = ""
                }
            }
            if !current.isEmpty { tokens.append(current) }
        }
        let encoder = JSONEncoder()
        return Array(tokens.map { token in
            let content = String(decoding: try! encoder.encode(token), as: UTF8.self)
            return "{\"model\":\"qwen3:8b\",\"created_at\":\"2026-08-21T18:02:11.114310012Z\",\"message\":{\"role\":\"assistant\",\"content\":\(content)},\"done\":false}\n"
        }.joined().utf8)
    }()

    /// A 120×40 dashboard with `count` installed models, chatting with the first one.
    public static func dashboardState(width: Int = 120, height: Int = 40, models count: Int) -> AppState {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        var state = AppState(host: "http://127.0.0.1:11434", now: now)
        _ = update(&state, .resized(width: width, height: height))
        _ = update(&state, .versionLoaded(host: state.primary.name, .success("0.32.15")))
        let models = (0..<count).map { i in
            InstalledModel(
                name: "model-\(i):\(i % 13)b", modifiedAt: now.addingTimeInterval(-Double(i) * 3600), size: Int64(i) * 1_000_000,
                digest: String(repeating: "a", count: 64),
                details: ModelDetails(family: "llama", parameterSize: "7B", quantizationLevel: "Q4_K_M"), capabilities: ["completion"])
        }
        _ = update(&state, .modelsLoaded(host: state.primary.name, .success(models)))
        _ = update(&state, .keyPressed(.enter))  // chat with the first model
        return state
    }

    /// A 120×40 dashboard over `hosts` servers with `count` installed models each (the same names
    /// on every host, as a fleet of one team's machines has).
    public static func fleetState(hosts: Int, models count: Int, width: Int = 120, height: Int = 40) -> AppState {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        var state = AppState(hosts: (0..<hosts).map { HostEndpoint(name: "host\($0)", url: "http://10.0.0.\($0):11434") }, now: now)
        _ = update(&state, .resized(width: width, height: height))
        let models = (0..<count).map { i in
            InstalledModel(
                name: "model-\(i):\(i % 13)b", modifiedAt: now.addingTimeInterval(-Double(i) * 3600), size: Int64(i) * 1_000_000,
                digest: String(repeating: "a", count: 64),
                details: ModelDetails(family: "llama", parameterSize: "7B", quantizationLevel: "Q4_K_M"), capabilities: ["completion"])
        }
        for host in state.hosts.map(\.name) {
            _ = update(&state, .versionLoaded(host: host, .success("0.32.15")))
            _ = update(&state, .modelsLoaded(host: host, .success(models)))
            _ = update(&state, .runningLoaded(host: host, .success([])))
        }
        return state
    }

    /// A dashboard with `panes` chat panes, each waiting on a reply to "hello"; returns the pane ids.
    public static func streamingState(panes: Int) -> (AppState, [Int]) {
        var state = dashboardState(models: 7)
        for _ in 1..<panes { _ = update(&state, .keyPressed(.control("n"))) }
        if panes > 1 { _ = update(&state, .keyPressed(.control("g"))) }
        for character in "hello" { _ = update(&state, .keyPressed(.character(character))) }
        _ = update(&state, .keyPressed(.enter))
        return (state, state.chats.map(\.id))
    }

    /// Decodes, folds and renders (one frame per 100 tokens) `tokens` chunks spread over `ids`.
    public static func ingest(_ state: inout AppState, ids: [Int], lines: [[UInt8]], tokens total: Int, caches: RenderCaches) -> Int {
        var decoder = StreamLineDecoder<ChatResponse>()
        var tokens = 0
        var drawn = 0
        while tokens < total {
            for line in lines {
                guard let chunk = try? decoder.decode(line) else { continue }
                _ = update(&state, .chatChunkReceived(pane: ids[tokens % ids.count], chunk))
                tokens += 1
                if tokens % 100 == 0 { drawn &+= DashboardView.render(state, caches: caches).buffer.width }
            }
        }
        return drawn
    }

    /// A 120×40 dashboard whose chat holds one reply of about `bytes` bytes.
    public static func historyState(bytes: Int) -> AppState {
        var state = dashboardState(models: 7)
        for character in "hi" { _ = update(&state, .keyPressed(.character(character))) }
        _ = update(&state, .keyPressed(.enter))
        let line = "天空之所以是蓝色的 because of Rayleigh scattering.\n"
        let body = String(repeating: line, count: max(1, bytes / line.utf8.count))
        _ = update(&state, .chatChunkReceived(pane: state.chat.id, ChatResponse(model: "m", message: .assistant(body), done: false)))
        return state
    }
}
