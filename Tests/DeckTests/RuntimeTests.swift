import Foundation
import DeckCore
import DeckRuntime
import OllamaKit
import OllamaSim
import TermUI
import Testing

/// The real loop, effect runner and inbox, with a headless screen and ollama-sim in-process.
@Suite("Headless runtime against ollama-sim")
struct RuntimeTests {
    func withLoop(_ body: (DeckLoop, HeadlessTerminal, SimServer) async throws -> Void) async throws {
        let sim = try await SimServer.start(configuration: .fast)
        let client = OllamaClient(configuration: OllamaClientConfiguration(host: OllamaHost.resolve(sim.baseURL)))
        let inbox = Inbox()
        let runner = EffectRunner(inbox: inbox, client: client, demoConfiguration: .fast)
        let terminal = HeadlessTerminal(width: 120, height: 40)
        let loop = DeckLoop(state: AppState(host: sim.baseURL, now: Date()), terminal: terminal, inbox: inbox, runner: runner)
        loop.run(maxIterations: 0)
        do {
            try await body(loop, terminal, sim)
        } catch {
            await runner.shutdown()
            await sim.stop()
            throw error
        }
        await runner.shutdown()
        await sim.stop()
    }

    /// Pumps the loop until the screen shows `text` (or the state satisfies `condition`).
    func pump(_ loop: DeckLoop, _ terminal: HeadlessTerminal, until condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            loop.runOnce()
            if condition() { return true }
            await Task.yield()
        }
        return condition()
    }

    func screen(_ terminal: HeadlessTerminal) -> String { terminal.lastFrame?.buffer.text ?? "" }

    @Test("models appear, a chat reply streams into the pane, and stats follow")
    func chatEndToEnd() async throws {
        try await withLoop { loop, terminal, _ in
            #expect(await pump(loop, terminal) { screen(terminal).contains("qwen3:8b") && loop.state.hosts[0].connection.isOnline })
            loop.inbox.post(.keyPressed(.enter))
            for character in "你好" { loop.inbox.post(.keyPressed(.character(character))) }
            loop.inbox.post(.keyPressed(.enter))
            #expect(await pump(loop, terminal) { loop.state.chat.status == .done })
            let reply = loop.state.chat.entries.last?.content ?? ""
            #expect(reply.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) })
            #expect(await pump(loop, terminal) { screen(terminal).contains("tok/s") })
            #expect(terminal.frameCount < 200)  // bursts of chunks share frames
            loop.inbox.post(.keyPressed(.control("y")))
            #expect(await pump(loop, terminal) { !terminal.controlSequences.isEmpty })
            #expect(terminal.controlSequences.first == OSC52.sequence(for: reply))
        }
    }

    @Test("a pull started with p shows progress and the model joins the list")
    func pullEndToEnd() async throws {
        try await withLoop { loop, terminal, _ in
            #expect(await pump(loop, terminal) { loop.state.hosts[0].modelsLoadedOnce })
            loop.inbox.post(.keyPressed(.character("p")))
            for character in "smollm2:135m" { loop.inbox.post(.keyPressed(.character(character))) }
            loop.inbox.post(.keyPressed(.enter))
            #expect(await pump(loop, terminal) { loop.state.pulls.first?.phase == .done })
            #expect(await pump(loop, terminal) { loop.state.hosts[0].models.contains { $0.name == "smollm2:135m" } })
            #expect(screen(terminal).contains("smollm2:135m"))
        }
    }

    @Test("Esc stops a streaming reply: the request is cancelled and the partial reply kept")
    func stopStreaming() async throws {
        let sim = try await SimServer.start(configuration: {
            var configuration = SimConfiguration.fast
            configuration.tokensPerSecond = 30
            configuration.replyTokens = 400
            return configuration
        }())
        let client = OllamaClient(configuration: OllamaClientConfiguration(host: OllamaHost.resolve(sim.baseURL)))
        let inbox = Inbox()
        let runner = EffectRunner(inbox: inbox, client: client, demoConfiguration: .fast)
        let terminal = HeadlessTerminal(width: 80, height: 24)
        let loop = DeckLoop(state: AppState(host: sim.baseURL, now: Date()), terminal: terminal, inbox: inbox, runner: runner)
        loop.run(maxIterations: 0)
        #expect(await pump(loop, terminal) { loop.state.hosts[0].modelsLoadedOnce })
        loop.inbox.post(.keyPressed(.character("1")))
        loop.inbox.post(.keyPressed(.enter))
        for character in "tell me a story" { loop.inbox.post(.keyPressed(.character(character))) }
        loop.inbox.post(.keyPressed(.enter))
        #expect(await pump(loop, terminal) { loop.state.chat.status == .streaming || loop.state.chat.status == .thinking })
        loop.inbox.post(.keyPressed(.escape))
        #expect(await pump(loop, terminal) { loop.state.chat.status == .stopped })
        #expect(loop.state.chat.entries.last?.interruption == "stopped")
        #expect(loop.state.chat.streamEffect == nil)
        let sawDisconnect = await eventually(timeout: .seconds(20)) { await sim.state.stats.clientDisconnects >= 1 }
        #expect(sawDisconnect)
        await runner.shutdown()
        await sim.stop()
    }

    @Test("the inbox turns a burst of posts into one wake-up")
    func inboxBurst() {
        let inbox = Inbox()
        for _ in 0..<1000 { inbox.post(.ticked(Date())) }
        // The wake pipe holds exactly one byte for the whole burst (read it, as poll's reader would).
        var bytes = [UInt8](repeating: 0, count: 64)
        #expect(read(inbox.wakeFD, &bytes, bytes.count) == 1)
        #expect(read(inbox.wakeFD, &bytes, bytes.count) <= 0)  // empty (non-blocking)
        #expect(inbox.drain().count == 1000)
        #expect(inbox.drain().isEmpty)
        // The next post after a drain wakes again, once.
        inbox.post(.ticked(Date()))
        inbox.post(.ticked(Date()))
        #expect(read(inbox.wakeFD, &bytes, bytes.count) == 1)
        #expect(inbox.drain().count == 2)
    }
}

func eventually(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
