import BenchFixtures
import DeckCore
import DeckUI
import OllamaKit
import TermUI
#if canImport(Glibc)
import Glibc
#endif

// Runs one benchmark workload a fixed number of times, with no timing of its own, so that
// `valgrind --tool=callgrind` can count its instructions (see scripts/profile.sh).
//   deck-profile decode | ingest1 | ingest4 | frame-1kb | frame-10mb | stream-frames | filter | fleet-filter | fleet-sort

let arguments = CommandLine.arguments.dropFirst()
guard let workload = arguments.first else {
    print("usage: deck-profile targets|decode|ingest1|ingest4|frame-1kb|frame-10mb|stream-frames|filter|fleet-filter|fleet-sort")
    exit(2)
}
var framer = LineFramer()
let lines = framer.append(BenchFixtures.chunkLines).lines
var sink = 0
/// What drawing remembers between frames, as the loop keeps it.
let caches = RenderCaches()
switch workload {
case "targets":
    TargetReport.run(lines: lines)
case "decode":
    var decoder = StreamLineDecoder<ChatResponse>()
    for _ in 0..<10 { for line in lines { if (try? decoder.decode(line)) != nil { sink += 1 } } }
case "ingest1", "ingest4":
    var (state, ids) = BenchFixtures.streamingState(panes: workload == "ingest1" ? 1 : 4)
    sink = BenchFixtures.ingest(&state, ids: ids, lines: lines, tokens: 10_000, caches: caches)
case "frame-1kb", "frame-10mb":
    let state = BenchFixtures.historyState(bytes: workload == "frame-1kb" ? 1_000 : 10_000_000)
    let frames = arguments.dropFirst().first.flatMap { Int($0) } ?? 20
    let start = ContinuousClock.now
    for _ in 0..<frames { sink &+= DashboardView.render(state, caches: caches).buffer.width }
    print("\(frames) frames, \((ContinuousClock.now - start) / frames) each")
case "stream-frames":
    // What the dashboard does for each frame while one pane streams (15 a second at 200 tokens/s, ~13
    // chunks each; 10 here, as in earlier rounds): fold the chunks, render, find the changed cells.
    var (state, ids) = BenchFixtures.streamingState(panes: 1)
    var decoder = StreamLineDecoder<ChatResponse>()
    var replyFramer = LineFramer()
    let reply = replyFramer.append(BenchFixtures.replyChunkLines).lines
    var previous: CellBuffer?
    var lastFrame: DashboardView.Frame?
    let frames = arguments.dropFirst().first.flatMap { Int($0) } ?? 400
    let start = ContinuousClock.now
    for frame in 0..<frames {
        for token in 0..<10 {
            guard let chunk = try? decoder.decode(reply[(frame * 10 + token) % reply.count]) else { continue }
            _ = update(&state, .chatChunkReceived(pane: ids[0], chunk))
        }
        // As the loop draws while only replies change: the chat pane over the previous frame.
        let frame = lastFrame.flatMap { DashboardView.renderChatOnly(state, over: $0, caches: caches) } ?? DashboardView.render(state, caches: caches)
        sink &+= frame.buffer.changedCells(since: previous).count
        previous = frame.buffer
        lastFrame = frame
    }
    print("\(frames) frames, \((ContinuousClock.now - start) / frames) each")
case "filter":
    var state = BenchFixtures.dashboardState(models: 5_000)
    _ = update(&state, .keyPressed(.character("/")))
    for i in 0..<20 {
        _ = update(&state, .keyPressed(i % 2 == 0 ? .character("7") : .backspace))
        sink &+= DashboardView.render(state, caches: caches).buffer.width
    }
case "fleet-sort":
    // A fleet's lists arriving, then `s` through every order: each sorts 40,000 rows.
    var start = ContinuousClock.now
    var state = BenchFixtures.fleetState(hosts: 8, models: 5_000)
    print("8 lists of 5,000 folded in: \(ContinuousClock.now - start)")
    for _ in 0..<4 {
        start = ContinuousClock.now
        _ = update(&state, .keyPressed(.character("s")))
        sink &+= DashboardView.render(state, caches: caches).buffer.width
        print("sort by \(state.modelsPane.sort.rawValue): \(ContinuousClock.now - start)")
    }
case "fleet-filter":
    var state = BenchFixtures.fleetState(hosts: 8, models: 5_000)
    _ = update(&state, .keyPressed(.character("/")))
    for i in 0..<20 {
        _ = update(&state, .keyPressed(i % 2 == 0 ? .character("7") : .backspace))
        sink &+= DashboardView.render(state, caches: caches).buffer.width
    }
default:
    print("unknown workload \(workload)")
    exit(2)
}
print("done \(workload) (\(sink))")
