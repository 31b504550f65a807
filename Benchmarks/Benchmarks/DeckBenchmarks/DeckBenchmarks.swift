import Benchmark
import DeckCore
import DeckUI
import Foundation
import OllamaKit
import TermUI

/// In-process benchmarks for the targets in the performance issue: stream ingest (decode → update →
/// render), frame cost against history size, and a filter keystroke on a big model list.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))

    // One NDJSON chat chunk per token, framed and decoded as the client does.
    let chunkLines: [UInt8] = Array((0..<1000).map { i in
        "{\"model\":\"qwen3:8b\",\"created_at\":\"2026-08-21T18:02:11.114310012Z\",\"message\":{\"role\":\"assistant\",\"content\":\"词\(i % 10)\"},\"done\":false}\n"
    }.joined().utf8)

    Benchmark("NDJSON decode (1,000 chat chunks)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            var framer = LineFramer()
            var decoder = StreamLineDecoder<ChatResponse>()
            for line in framer.append(chunkLines).lines { blackHole(try? decoder.decode(line)) }
        }
    }

    for panes in [1, 4] {
        Benchmark("Stream ingest, \(panes) pane(s): 10,000 tokens decoded, folded, one frame per 100") { benchmark in
            var state = dashboardState(width: 120, height: 40, models: 7)
            for _ in 1..<panes { _ = update(&state, .keyPressed(.control("n"))) }
            if panes > 1 { _ = update(&state, .keyPressed(.control("g"))) }
            for character in "hello" { _ = update(&state, .keyPressed(.character(character))) }
            _ = update(&state, .keyPressed(.enter))
            let ids = state.chats.map(\.id)
            var framer = LineFramer()
            var decoder = StreamLineDecoder<ChatResponse>()
            let lines = framer.append(chunkLines).lines
            benchmark.startMeasurement()
            var tokens = 0
            while tokens < 10_000 {
                for line in lines {
                    guard let chunk = try? decoder.decode(line) else { continue }
                    _ = update(&state, .chatChunkReceived(pane: ids[tokens % ids.count], chunk))
                    tokens += 1
                    if tokens % 100 == 0 { blackHole(DashboardView.render(state)) }
                }
            }
            benchmark.stopMeasurement()
        }
    }

    for (label, bytes) in [("1 KB", 1_000), ("1 MB", 1_000_000), ("10 MB", 10_000_000)] {
        Benchmark("Frame 120x40 with a \(label) chat history") { benchmark in
            var state = dashboardState(width: 120, height: 40, models: 7)
            for character in "hi" { _ = update(&state, .keyPressed(.character(character))) }
            _ = update(&state, .keyPressed(.enter))
            let line = "天空之所以是蓝色的 because of Rayleigh scattering.\n"
            let body = String(repeating: line, count: max(1, bytes / line.utf8.count))
            _ = update(&state, .chatChunkReceived(pane: state.chat.id, ChatResponse(model: "m", message: .assistant(body), done: false)))
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(DashboardView.render(state)) }
        }
    }

    Benchmark("Filter keystroke to a finished frame, 5,000 models") { benchmark in
        var state = dashboardState(width: 120, height: 40, models: 5_000)
        _ = update(&state, .keyPressed(.character("/")))
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            _ = update(&state, .keyPressed(i % 2 == 0 ? .character("7") : .backspace))
            blackHole(DashboardView.render(state))
        }
    }
}

func dashboardState(width: Int, height: Int, models count: Int) -> AppState {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    var state = AppState(host: "http://127.0.0.1:11434", now: now)
    _ = update(&state, .resized(width: width, height: height))
    _ = update(&state, .versionLoaded(.success("0.32.15")))
    let models = (0..<count).map { i in
        InstalledModel(
            name: "model-\(i):\(i % 13)b", modifiedAt: now.addingTimeInterval(-Double(i) * 3600), size: Int64(i) * 1_000_000,
            digest: String(repeating: "a", count: 64),
            details: ModelDetails(family: "llama", parameterSize: "7B", quantizationLevel: "Q4_K_M"), capabilities: ["completion"])
    }
    _ = update(&state, .modelsLoaded(.success(models)))
    _ = update(&state, .keyPressed(.enter))  // chat with the first model
    return state
}
