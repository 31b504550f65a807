import BenchFixtures
import DeckCore
import DeckUI
import OllamaKit

/// `deck-profile targets`: the in-process targets of the performance issue, each timed over
/// several runs, printed as JSON lines (target, figure, met) for scripts/bench.sh's table.
enum TargetReport {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Median, minimum and maximum seconds of `runs` runs of `body`.
    static func time(runs: Int, _ body: () -> Void) -> (median: Double, low: Double, high: Double) {
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            body()
            samples.append(seconds(ContinuousClock.now - start))
        }
        samples.sort()
        return (samples[samples.count / 2], samples.first!, samples.last!)
    }

    static func emit(_ target: String, _ figure: String, _ met: Bool) {
        let escaped = { (text: String) in text.replacingOccurrences(of: "\"", with: "\\\"") }
        print("{\"target\": \"\(escaped(target))\", \"figure\": \"\(escaped(figure))\", \"met\": \(met)}")
    }

    static func run(lines: [[UInt8]]) {
        let caches = RenderCaches()  // one dashboard's, as the loop keeps them
        for panes in [1, 4] {
            let t = time(runs: 31) {
                var (state, ids) = BenchFixtures.streamingState(panes: panes)
                _ = BenchFixtures.ingest(&state, ids: ids, lines: lines, tokens: 10_000, caches: caches)
            }
            let rate = 10_000 / t.median
            emit("4. stream ingest, \(panes) pane\(panes == 1 ? "" : "s") (decode → update → render)" + (panes == 4 ? " ≥ 100,000 tokens/s" : ""),
                 "\(Int(rate).formatted()) tokens/s (10,000 tokens in \(ms(t.median)), \(ms(t.low))–\(ms(t.high)))", panes == 1 || rate >= 100_000)
        }
        // The three histories are timed in turns, round after round, so a change in the machine's
        // speed (this VM's load comes in bursts) touches all three alike and their ratio stays fair.
        let histories = [("1 KB", 1_000), ("1 MB", 1_000_000), ("10 MB", 10_000_000)].map { label, bytes in
            let state = BenchFixtures.historyState(bytes: bytes)
            _ = DashboardView.render(state, caches: caches)
            return (label, state)
        }
        var samples = Array(repeating: [Double](), count: histories.count)
        for _ in 0..<15 {
            for (index, (_, state)) in histories.enumerated() {
                samples[index].append(time(runs: 1) { for _ in 0..<100 { _ = DashboardView.render(state, caches: caches) } }.median / 100)
            }
        }
        var oneKB = 0.0
        for (index, (label, _)) in histories.enumerated() {
            let sorted = samples[index].sorted()
            let median = sorted[sorted.count / 2]
            if label == "1 KB" { oneKB = median }
            let ratio = median / oneKB
            emit("5. frame 120×40 with a \(label) history" + (label == "10 MB" ? " within 1.5× of 1 KB" : ""),
                 "\(ms(median)) (\(ms(sorted.first!))–\(ms(sorted.last!)))" + (label == "1 KB" ? "" : ", \(String(format: "%.2f", ratio))× the 1 KB frame"),
                 label != "10 MB" || ratio <= 1.5)
        }
        var firstFrames: [Double] = []
        for _ in 0..<5 {
            let fresh = BenchFixtures.historyState(bytes: 10_000_000)  // new entries: nothing of them cached
            let start = ContinuousClock.now
            _ = DashboardView.render(fresh, caches: caches)
            firstFrames.append(seconds(ContinuousClock.now - start))
        }
        firstFrames.sort()
        emit("5. (first frame of a 10 MB history, nothing cached yet)", "\(ms(firstFrames[2])) median of 5", true)
        let filter = filterKeystrokes(BenchFixtures.dashboardState(models: 5_000), caches: caches)
        emit("8. 5,000 models: a filter keystroke to a finished frame < 5 ms", "\(ms(filter.median)) (\(ms(filter.low))–\(ms(filter.high)))", filter.median < 0.005)
        let fleetFilter = filterKeystrokes(BenchFixtures.fleetState(hosts: 8, models: 5_000), caches: caches)
        emit("F2. fleet of 8 × 5,000 models (40,000 rows): a filter keystroke to a finished frame < 5 ms",
             "\(ms(fleetFilter.median)) median (\(ms(fleetFilter.low))–\(ms(fleetFilter.high)), 41 runs)", fleetFilter.median < 0.005)
    }

    /// A keystroke in the Models filter (a 7, then a backspace, in turn) to a finished frame, 41 times.
    static func filterKeystrokes(_ initial: AppState, caches: RenderCaches) -> (median: Double, low: Double, high: Double) {
        var state = initial
        _ = update(&state, .keyPressed(.character("/")))
        var flip = false
        return time(runs: 41) {
            flip.toggle()
            _ = update(&state, .keyPressed(flip ? .character("7") : .backspace))
            _ = DashboardView.render(state, caches: caches)
        }
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1000) }
}
