import Foundation
import DeckCore
import OllamaKit
import TermUI
import DeckUI
@testable import DeckRuntime
import Testing

/// The saved-chat and overwrite bugs a daily user met (issue "Trust"), each pinned by a test.
@Suite("Trust: saved chats and overwrites")
struct TrustTests {
    func type(_ state: inout AppState, _ text: String) {
        for character in text { press(&state, .character(character)) }
    }

    /// Sends `text` from the active pane and finishes its reply with `reply`; returns every effect.
    @discardableResult
    func exchange(_ state: inout AppState, _ text: String, reply: String = "ok") -> [Effect] {
        type(&state, text)
        var effects = press(&state, .enter)
        _ = update(&state, .chatChunkReceived(pane: state.chat.id, ChatResponse(model: "m", message: .assistant(reply), done: true)))
        effects += update(&state, .chatFinished(pane: state.chat.id, nil))
        return effects
    }

    func savedEntries(_ effects: [Effect]) -> [(session: String, position: Int, content: String)] {
        effects.compactMap {
            if case .saveEntry(let session, let position, let entry, _) = $0 { return (session, position, entry.content) }
            return nil
        }
    }

    func replaceQuestion(_ state: AppState) -> (ModelOperation, DeleteCandidate)? {
        if case .confirmReplace(let operation, _, let existing)? = state.overlay { return (operation, existing) }
        return nil
    }

    func chatState() -> AppState {
        var state = loadedState()
        state.sessionKeySalt = "t-"
        press(&state, .enter)  // chat with the selected model
        return state
    }

    @Test("^L and /clear start a new saved chat: the old one keeps its key, title and messages")
    func clearStartsNewChat() throws {
        for clear in [[Key.control("l")], "/clear".map { Key.character($0) } + [.enter]] {
            var state = chatState()
            exchange(&state, "alpha1")
            exchange(&state, "alpha2")
            let oldKey = try #require(state.chat.sessionKey)
            let effects = clear.flatMap { update(&state, .keyPressed($0)) }
            #expect(state.chat.sessionKey == nil)
            #expect(effects.contains(.saveOpenPanes([])))
            #expect(state.chat.entries.map(\.role) == [.notice])
            state.now = state.now.addingTimeInterval(5)
            let after = exchange(&state, "beta1")
            let newKey = try #require(state.chat.sessionKey)
            #expect(newKey != oldKey)
            #expect(state.chat.sessionTitle == "beta1")
            // Nothing is written under the old key again; the new chat starts at position 0.
            #expect(savedEntries(after).allSatisfy { $0.session == newKey })
            #expect(savedEntries(after).map(\.position) == [0, 1])
        }
    }

    @Test("a new chat key differs from one made at the same moment by an earlier run (the salt)")
    func keysCarryTheRunsSalt() throws {
        var first = chatState()
        first.sessionKeySalt = "run1-"
        exchange(&first, "hi")
        var second = chatState()
        second.sessionKeySalt = "run2-"
        exchange(&second, "hi")
        #expect(try #require(first.chat.sessionKey) != (try #require(second.chat.sessionKey)))
    }

    @Test("deleting the saved chat that a pane shows closes that pane, stops its reply, and says so")
    func deletingOpenChatClosesItsPane() throws {
        var state = chatState()
        exchange(&state, "keep me")
        press(&state, .control("n"))
        type(&state, "doomed")
        press(&state, .enter)  // streaming in pane 2
        let doomedKey = try #require(state.chat.sessionKey)
        let stream = try #require(state.chat.streamEffect)
        press(&state, .control("s"))
        let summaries = [SessionSummary(key: doomedKey, title: "doomed", model: "qwen3:8b", updatedAt: epoch, messageCount: 2)]
        _ = update(&state, .sessionsListed(.success(summaries)))
        press(&state, .character("D"))
        let effects = press(&state, .character("y"))
        #expect(effects.contains(.cancel(stream)))
        #expect(effects.contains(.deleteSession(doomedKey)))
        #expect(state.chats.count == 1)
        #expect(state.chats.allSatisfy { $0.sessionKey != doomedKey })
        #expect(state.notice == "deleted “doomed” and closed its pane")
        // A late chunk or end for the closed pane writes nothing.
        #expect(update(&state, .chatFinished(pane: 2, .cancelled)).isEmpty)
    }

    @Test("deleting the only open chat leaves a fresh pane on the same model")
    func deletingOnlyPane() throws {
        var state = chatState()
        exchange(&state, "solo")
        let key = try #require(state.chat.sessionKey)
        press(&state, .control("s"))
        _ = update(&state, .sessionsListed(.success([SessionSummary(key: key, title: "solo", model: "qwen3:8b", updatedAt: epoch, messageCount: 2)])))
        press(&state, .character("D"), .character("y"))
        #expect(state.chats.count == 1)
        #expect(state.chat.entries.map(\.role) == [.notice])  // only the word of what happened
        #expect(state.chat.entries.first?.content == "deleted “solo” and closed its pane")
        #expect(state.chat.sessionKey == nil)
        #expect(state.chat.model == "qwen3:8b")
    }

    @Test("copy onto an existing model asks first, naming it and its size; Enter keeps it (default No)")
    func copyOntoExistingAsks() throws {
        var state = loadedState()  // qwen3:8b selected
        press(&state, .character("c"))
        type(&state, "LLAMA3.2")  // no tag means :latest, and case does not matter
        #expect(press(&state, .enter).isEmpty)
        let (operation, existing) = try #require(replaceQuestion(state))
        #expect(operation == .copy(source: "qwen3:8b", destination: "LLAMA3.2"))
        #expect(existing.name == "llama3.2:latest")
        #expect(existing.size == 2_000_000_000)
        #expect(press(&state, .enter).isEmpty)
        #expect(state.overlay == nil)
        #expect(state.notice == "nothing replaced")
        press(&state, .character("m"), .control("u"))
        type(&state, "mistral:7b")
        press(&state, .enter)
        #expect(press(&state, .character("y")) == [.modelOperation(.rename(source: "qwen3:8b", destination: "mistral:7b"), host: testHost)])
    }

    @Test("copy to a new name goes ahead without a question")
    func copyToNewName() {
        var state = loadedState()
        press(&state, .character("c"))
        type(&state, "fresh:v1")
        #expect(press(&state, .enter) == [.modelOperation(.copy(source: "qwen3:8b", destination: "fresh:v1"), host: testHost)])
    }

    @Test("prefilled dialogs are selected: the first key replaces the text, an arrow keeps it for editing")
    func prefilledTextIsSelected() throws {
        var state = loadedState()
        press(&state, .character("K"))
        type(&state, "forever")
        #expect(press(&state, .enter) == [.modelOperation(.keepAlive("qwen3:8b", .forever), host: testHost)])
        press(&state, .character("m"), .left)
        type(&state, "x")
        #expect(openPrompt(state)?.input.text == "qwen3:8xb")
        var input = TextInput(selecting: "30m")
        _ = input.handle(.backspace)
        #expect(input.text.isEmpty)
        input = TextInput(selecting: "30m")
        _ = input.handle(.paste("2h"))
        #expect(input.text == "2h")
    }
}

@Suite("Trust: messages a user can act on")
struct TrustMessageTests {
    @Test("/set parameter checks ranges as well as types, in the chat and in the create form")
    func parameterRanges() {
        #expect(ChatCommand.parse("/set parameter num_ctx -5") == .failure(ChatInputError("num_ctx must be between 1 and 100000000, not -5")))
        #expect(ChatCommand.parse("/set parameter top_p 1.5") == .failure(ChatInputError("top_p must be between 0 and 1, not 1.5")))
        #expect(ChatCommand.parse("/set parameter num_predict -1") == .success(.setParameter("num_predict", .integer(-1))))
        #expect(ChatCommand.parse("/set parameter temperature 0.7") == .success(.setParameter("temperature", .number(0.7))))
        #expect(CreateParameters.parse("num_ctx=0") == .failure(CreateParameters.Problem(message: "num_ctx must be between 1 and 100000000, not 0")))
        #expect(CreateParameters.parse("temperature=nan") == .failure(CreateParameters.Problem(message: "temperature must be a number (got \"nan\")")))
    }

    @Test("a chat the server never answers shows how long it has waited and that Esc stops it")
    func waitingShowsTimer() {
        var state = loadedState()
        _ = update(&state, .resized(width: 120, height: 40))
        press(&state, .enter)
        for character in "hello" { press(&state, .character(character)) }
        press(&state, .enter)
        #expect(DashboardView.render(state).buffer.text.contains("loading model…"))
        _ = update(&state, .ticked(state.now.addingTimeInterval(75)))
        #expect(DashboardView.render(state).buffer.text.contains("waiting 1m15s · Esc stops"))
    }

    @Test("lines the server sent that were not JSON are named in the pane, and the reply is kept")
    func skippedLinesNoticed() {
        var state = loadedState()
        press(&state, .enter)
        for character in "hi" { press(&state, .character(character)) }
        press(&state, .enter)
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant("kept"), done: true)))
        _ = update(&state, .chatLinesSkipped(pane: 1, count: 2, example: "{\"model\":\"oops\""))
        let effects = update(&state, .chatFinished(pane: 1, nil))
        #expect(state.chat.entries.contains { $0.role == .assistant && $0.content == "kept" })
        #expect(state.chat.entries.contains { $0.role == .notice && $0.content.contains("2 lines that were not JSON") })
        #expect(effects.contains { if case .saveEntry(_, _, let entry, true) = $0 { return entry.content == "kept" } else { return false } })
    }
}

@Suite("Trust: a server that answers oddly")
struct OddServerTests {
    @Test("entries that cannot be read are counted and named; the rest show; the server stays online")
    func skippedEntries() {
        var state = loadedState()
        _ = update(&state, .resized(width: 120, height: 40))
        let skipped = [SkippedEntry(index: 1, name: "nozone:1", reason: "modified_at: not an RFC 3339 timestamp")]
        _ = update(&state, .modelsLoaded(host: testHost, .success(sampleModels()), skipped: skipped))
        #expect(state.hosts[0].connection.isOnline)
        #expect(state.hosts[0].models.count == 4)
        let banner = DashboardView.render(state).buffer.rowText(1)
        #expect(banner.contains("server answered, but /api/tags: 1 entry could not be read"))
        #expect(banner.contains("nozone:1"))
        _ = update(&state, .modelsLoaded(host: testHost, .success(sampleModels())))
        #expect(state.hosts[0].serverProblem == nil)
        #expect(!DashboardView.render(state).buffer.rowText(1).contains("server answered"))
    }

    @Test("a body that is not what was expected is 'server answered, but …', not offline, and does not back off")
    func malformedIsNotOffline() {
        var state = loadedState()
        let effects = update(&state, .runningLoaded(host: testHost, .failure(.malformedResponse(reason: "a line is not JSON", snippet: "<html>"))))
        #expect(effects.isEmpty)
        #expect(state.hosts[0].connection.isOnline)
        #expect(state.hosts[0].serverProblem?.hasPrefix("/api/ps: ") == true)
        #expect(state.hosts[0].retryDelay == 1)
        // The next refresh comes at the usual pace, not after an offline back-off.
        let tick = update(&state, .ticked(state.now.addingTimeInterval(runningRefreshInterval + 0.1)))
        #expect(tick.contains(.fetchRunning(host: testHost)))
    }
}

@Suite("Trust: numbers from a server or a flag never trap")
struct NumbersTests {
    @Test("a negative completed, and totals past Int64, keep the pull job in range")
    func pullNumbers() {
        var job = PullJob(id: 1, model: "m", host: testHost, now: epoch)
        job.apply(ProgressResponse(status: "pulling a", digest: "sha256:a", total: 100, completed: -50), now: epoch)
        #expect(job.completedBytes == 0)
        #expect(job.fraction == 0)
        job.apply(ProgressResponse(status: "pulling b", digest: "sha256:b", total: Int64.max, completed: Int64.max), now: epoch)
        job.apply(ProgressResponse(status: "pulling c", digest: "sha256:c", total: Int64.max, completed: 1), now: epoch.addingTimeInterval(2))
        #expect(job.totalBytes == Int64.max)
        #expect((0...1).contains(job.fraction))
        _ = job.rate
        _ = job.etaSeconds
        #expect(Format.saturatingSum([Int64.max, Int64.max, -5]) == Int64.max)
    }

    @Test("eta and rate take any double: huge, infinite, NaN, negative")
    func formatting() {
        #expect(Format.eta(seconds: 1e300) == "99h+")
        #expect(Format.eta(seconds: .infinity) == "")
        #expect(Format.eta(seconds: .nan) == "")
        #expect(Format.eta(seconds: 61) == "1m1s")
        #expect(Format.rate(1e30) == Format.bytes(Int64.max) + "/s")
        #expect(Format.rate(-3) == "0 B/s")
        #expect(Format.rate(.nan) == "0 B/s")
    }

    @Test("--request-timeout 1e10 (or infinity) becomes a very long limit, not a crash")
    func requestTimeout() async throws {
        #expect(DashboardOptions.duration(seconds: 30) == .seconds(30))
        #expect(DashboardOptions.duration(seconds: 1e10) == .seconds(1_000_000_000))
        #expect(DashboardOptions.duration(seconds: .infinity) == .seconds(1_000_000_000))
        // A request with a 1e10-second limit: the client converts it with NIO's clamping
        // conversion, so asking (here a host that refuses at once) fails with a message, not a trap.
        var configuration = OllamaClientConfiguration(host: OllamaHost.resolve("http://127.0.0.1:1"))
        configuration.requestTimeout = .seconds(1e10)
        let client = OllamaClient(configuration: configuration)
        await #expect(throws: OllamaError.self) { _ = try await client.version() }
        try await client.shutdown()
    }
}

@Suite("Trust: intervals on a monotonic clock")
struct ClockTests {
    @Test("the wall clock set back an hour: the clock shown moves back, refreshes and saves go on at their pace")
    func wallClockSetBack() {
        var state = loadedState()
        _ = update(&state, .resized(width: 120, height: 40))
        let shownBefore = DashboardView.render(state).buffer.rowText(0)
        _ = update(&state, .wallClockMoved(offset: -3600))
        let shownAfter = DashboardView.render(state).buffer.rowText(0)
        #expect(shownBefore.contains(Format.clock(state.now, utcOffsetSeconds: 0)))
        #expect(shownAfter.contains(Format.clock(state.now.addingTimeInterval(-3600), utcOffsetSeconds: 0)))
        // The loop's ticks come from the monotonic clock: the next refresh is due as before.
        let tick = update(&state, .ticked(state.now.addingTimeInterval(runningRefreshInterval + 0.5)))
        #expect(tick.contains(.fetchRunning(host: testHost)))
    }

    @Test("the anchored clock starts at its anchor and only moves forward")
    func anchoredClock() {
        let anchor = Date(timeIntervalSince1970: 1_000_000)
        let clock = AnchoredClock(anchor: anchor)
        let first = clock.now()
        let second = clock.now()
        #expect(first >= anchor && first.timeIntervalSince(anchor) < 5)
        #expect(second >= first)
        #expect(abs(clock.wallOffset() - Date().timeIntervalSince(first)) < 5)
    }
}

@Suite("Trust: the demo")
struct DemoTests {
    @Test("d never replaces a host the user named; it says why")
    func namedHostKeepsItsServer() {
        var state = AppState(host: "http://gpu-box:11434", now: epoch, canOfferDemo: false)
        _ = update(&state, .versionLoaded(host: testHost, .failure(.connection(host: "h", reason: "connection refused"))))
        #expect(press(&state, .character("d")).isEmpty)
        #expect(state.notice?.contains("--demo") == true)
    }

    @Test("d starts the demo for the default server while it is down, and d again goes back to it")
    func demoAndBack() {
        var state = AppState(host: "http://127.0.0.1:11434", now: epoch, canOfferDemo: true)
        _ = update(&state, .versionLoaded(host: testHost, .failure(.connection(host: "h", reason: "connection refused"))))
        #expect(press(&state, .character("d")) == [.startDemo])
        _ = update(&state, .demoStarted(host: "http://127.0.0.1:40001"))
        #expect(state.isDemo)
        #expect(state.demoReturnHost == "http://127.0.0.1:11434")
        #expect(press(&state, .character("d")).contains(.stopDemo))
        _ = update(&state, .demoStopped(host: "http://127.0.0.1:11434"))
        #expect(state.hosts[0].url == "http://127.0.0.1:11434")
        #expect(!state.isDemo)
        #expect(state.demoReturnHost == nil)
    }
}
