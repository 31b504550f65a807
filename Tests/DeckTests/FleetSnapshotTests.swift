import Foundation
@testable import DeckCore
@testable import DeckUI
import OllamaKit
import TermUI
import Testing

/// A fleet in a deterministic state: ws streaming a reply, gpu holding two models (one split
/// between GPU and CPU, loaded a few seconds ago), lab unreachable.
func fleetBusyState(width: Int, height: Int) -> AppState {
    var state = fleetState()
    state.width = width
    state.height = height
    let running = sampleRunning()
    select(&state, "llama3.2:latest", on: "ws")
    press(&state, .enter)
    for character in "天空为什么是蓝色的？" { press(&state, .character(character)) }
    press(&state, .enter)
    // Twenty seconds of history: tokens on ws, a load on gpu at second 12.
    for second in 1...20 {
        if second <= 6 {
            for _ in 0..<(second * 5) {
                _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "llama3.2:latest", message: .assistant("蓝"), done: false)))
            }
        }
        if second == 12 { _ = update(&state, .runningLoaded(host: "gpu", .success(running), roundTrip: 0.0123)) }
        if second == 3 {
            _ = update(&state, .versionLoaded(host: "lab", .failure(.connection(host: "lab", reason: "connection refused"))))
        }
        let now = epoch.addingTimeInterval(Double(second))
        // Only the clock and the samples: no refresh answers, so the picture stays still.
        _ = update(&state, .clockAdvanced(now))
        for index in state.hosts.indices where now.timeIntervalSince(state.hosts[index].lastSampleAt) >= 1 {
            state.hosts[index].takeSample(now: now)
        }
    }
    _ = update(&state, .versionLoaded(host: "lab", .failure(.connection(host: "lab", reason: "connection refused"))))
    state.focus = .models
    return state
}

@Suite("Golden snapshots of a fleet")
struct FleetSnapshotTests {
    @Test("Hosts pane and host column at 80×24")
    func fleet80() { assertSnapshot(DashboardView.render(fleetBusyState(width: 80, height: 24)).buffer, named: "fleet-80x24") }

    @Test("Hosts pane and host column at 120×40")
    func fleet120() { assertSnapshot(DashboardView.render(fleetBusyState(width: 120, height: 40)).buffer, named: "fleet-120x40") }

    @Test("Hosts pane focused, Running across hosts, at 120×40")
    func fleetHostsFocused() {
        var state = fleetBusyState(width: 120, height: 40)
        press(&state, .character("5"), .down)
        assertSnapshot(DashboardView.render(state).buffer, named: "fleet-hosts-focused-120x40")
    }

    @Test("the pull prompt names the host at 80×24")
    func fleetPull() {
        var state = fleetBusyState(width: 80, height: 24)
        select(&state, "mistral:7b", on: "lab")
        press(&state, .character("p"))
        assertSnapshot(DashboardView.render(state).buffer, named: "fleet-pull-80x24")
    }
}
