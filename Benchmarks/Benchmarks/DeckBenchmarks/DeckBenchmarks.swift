import BenchFixtures
import Benchmark
import DeckCore
import DeckUI
import Foundation
import OllamaKit

/// In-process benchmarks for the targets in the performance issue: stream ingest (decode → update →
/// render), frame cost against history size, and a filter keystroke on a big model list.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))

    Benchmark("NDJSON decode (1,000 chat chunks)") { benchmark in
        for _ in benchmark.scaledIterations {
            var framer = LineFramer()
            var decoder = StreamLineDecoder<ChatResponse>()
            for line in framer.append(BenchFixtures.chunkLines).lines { blackHole(try? decoder.decode(line)) }
        }
    }

    for panes in [1, 4] {
        Benchmark("Stream ingest, \(panes) pane(s): 10,000 tokens decoded, folded, one frame per 100") { benchmark in
            var (state, ids) = BenchFixtures.streamingState(panes: panes)
            var framer = LineFramer()
            let lines = framer.append(BenchFixtures.chunkLines).lines
            benchmark.startMeasurement()
            blackHole(BenchFixtures.ingest(&state, ids: ids, lines: lines, tokens: 10_000))
            benchmark.stopMeasurement()
        }
    }

    for (label, bytes) in [("1 KB", 1_000), ("1 MB", 1_000_000), ("10 MB", 10_000_000)] {
        // Steady frames: the history is drawn once, as the dashboard's first frame does, then redrawn.
        Benchmark("Frame 120x40 with a \(label) chat history", configuration: .init(scalingFactor: .kilo)) { benchmark in
            let state = BenchFixtures.historyState(bytes: bytes)
            blackHole(DashboardView.render(state))
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(DashboardView.render(state)) }
        }
    }
    // The first frame of a pane that was just opened: nothing of it drawn before.
    Benchmark("First frame 120x40 of a 10 MB chat history") { benchmark in
        let state = BenchFixtures.historyState(bytes: 10_000_000)
        benchmark.startMeasurement()
        blackHole(DashboardView.render(state))
    }

    Benchmark("Filter keystroke to a finished frame, 5,000 models") { benchmark in
        var state = BenchFixtures.dashboardState(models: 5_000)
        _ = update(&state, .keyPressed(.character("/")))
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            _ = update(&state, .keyPressed(i % 2 == 0 ? .character("7") : .backspace))
            blackHole(DashboardView.render(state))
        }
    }
}
