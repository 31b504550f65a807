import Foundation
import DeckCore
@testable import DeckRuntime
import OllamaKit
import Testing

@Suite("Trust: effects and ticks")
struct ConcurrencyTrustTests {
    @Test("a tracked effect that ends at once leaves no entry behind")
    func fastTasksLeaveNothing() async throws {
        let inbox = Inbox()
        let client = OllamaClient(configuration: OllamaClientConfiguration(host: OllamaHost.resolve("http://127.0.0.1:1")))
        let runner = EffectRunner(inbox: inbox, client: client, demoConfiguration: .fast)
        for id in 1...200 { runner.run(.startEmbed(pane: 1, host: "127.0.0.1:1", model: "m", text: "x", id: id)) }
        var finished = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while finished < 200, ContinuousClock.now < deadline {
            finished += inbox.drain().count
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(finished == 200)
        var left = runner.trackedCount
        for _ in 0..<100 where left > 0 {
            try await Task.sleep(for: .milliseconds(10))
            left = runner.trackedCount
        }
        #expect(left == 0)
        await runner.shutdown()
    }

    @Test("the reconnect tick adds its requests to the partial-reply save instead of replacing it")
    func reconnectKeepsPartialSave() throws {
        var state = loadedState()
        press(&state, .enter)
        for character in "hi" { press(&state, .character(character)) }
        press(&state, .enter)
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant("half"), done: false)))
        _ = update(&state, .modelsLoaded(host: testHost, .failure(.connection(host: "h", reason: "connection refused"))))
        state.hosts[0].pendingRequests = 0
        let effects = update(&state, .ticked(state.now.addingTimeInterval(5)))
        #expect(effects.contains(.fetchVersion(host: testHost)))
        #expect(effects.contains { if case .saveEntry(_, _, let entry, false) = $0 { return entry.content == "half" } else { return false } })
    }
}
