import Foundation
import DeckCore
import DeckUI
import OllamaKit
import Testing

@Suite("Thinking levels")
struct ThinkingTests {
    @Test("/set think takes a level, checked against the model; gpt-oss gets a level for on and off")
    func thinkingLevels() {
        var state = loadedState()
        state.modelsPane.selected = ModelRef(host: testHost, name: "qwen3:8b")  // it thinks
        press(&state, .enter)
        for character in "/set think high" { press(&state, .character(character)) }
        press(&state, .enter)
        #expect(state.chat.think == .level("high"))
        #expect(state.chat.thinkTitle == "think high")
        for character in "hi" { press(&state, .character(character)) }
        guard case .startChat(_, _, let request, _)? = requests(press(&state, .enter)).first else {
            Issue.record("no chat")
            return
        }
        #expect(request.think == .level("high"))
        _ = update(&state, .chatFinished(pane: 1, nil))
        // A model without the thinking capability refuses a level, as it refuses on.
        state.modelsPane.selected = ModelRef(host: testHost, name: "mistral:7b")
        press(&state, .tab)
        #expect(state.focus == .models)
        press(&state, .enter)
        for character in "/set think max" { press(&state, .character(character)) }
        press(&state, .enter)
        #expect(state.chat.think == nil)
        #expect(state.chat.entries.last?.content == "mistral:7b cannot think; thinking stays off")
        // gpt-oss: on becomes medium, off becomes low.
        var gptState = AppState(host: "http://127.0.0.1:11434", now: epoch)
        let gpt = InstalledModel(name: "gpt-oss:20b", modifiedAt: epoch, size: 1, digest: "d",
                                 details: ModelDetails(family: "gptoss"), capabilities: ["completion", "thinking"])
        _ = update(&gptState, .modelsLoaded(host: testHost, .success([gpt])))
        press(&gptState, .enter)
        for character in "/set think on" { press(&gptState, .character(character)) }
        press(&gptState, .enter)
        #expect(gptState.chat.think == .level("medium"))
        for character in "/set think off" { press(&gptState, .character(character)) }
        press(&gptState, .enter)
        #expect(gptState.chat.think == .level("low"))
    }
}

@Suite("Cloud models")
struct CloudModelTests {
    static let cloud = InstalledModel(name: "gpt-oss:120b-cloud", modifiedAt: epoch, size: 384, digest: String(repeating: "c", count: 64),
                                      details: ModelDetails(family: "gptoss"), capabilities: ["completion", "thinking"])

    @Test("a cloud stub is known by remote_host or by its tag")
    func recognised() throws {
        #expect(Self.cloud.isCloud)
        #expect(InstalledModel(name: "kimi-k2:cloud", modifiedAt: epoch, size: 0, digest: "").isCloud)
        #expect(!InstalledModel(name: "cloudy:7b", modifiedAt: epoch, size: 1, digest: "").isCloud)
        #expect(!InstalledModel(name: "llama3.2", modifiedAt: epoch, size: 1, digest: "").isCloud)
        let json = #"{"name":"deepseek-v3","model":"deepseek-v3","modified_at":"2026-11-01T10:00:00Z","size":384,"digest":"d","remote_model":"deepseek-v3.1:671b","remote_host":"https://ollama.com:443","details":{}}"#
        let decoded = try OllamaJSON.makeDecoder().decode(InstalledModel.self, from: Data(json.utf8))
        #expect(decoded.isCloud)
    }

    @Test("never loaded, unloaded or kept loaded: the key says why; the size column says cloud")
    func notLoaded() {
        var state = AppState(host: "http://127.0.0.1:11434", now: epoch)
        _ = update(&state, .modelsLoaded(host: testHost, .success([Self.cloud])))
        for key in ["l", "u", "K"] {
            #expect(press(&state, .character(Character(key))).isEmpty)
            #expect(state.notice == "gpt-oss:120b-cloud is a cloud model: it runs on its own server and is never loaded here")
            #expect(state.overlay == nil)
        }
        let screen = DashboardView.render(state).buffer.text
        let row = screen.split(separator: "\n").first { $0.contains("gpt-oss:120b-cloud") }.map(String.init) ?? ""
        #expect(row.contains("☁ gpt-oss:120b-cloud"))
        #expect(row.contains("cloud") && !row.contains("384 B"))
        press(&state, .enter)
        state.width = 120
        state.height = 40
        #expect(DashboardView.render(state).buffer.text.contains("gpt-oss:120b-cloud ☁ cloud"))
    }
}

@Suite("Context you can see")
struct ContextUseTests {
    /// A 120×40 dashboard chatting with qwen3:8b, loaded with a context of `allocated` tokens.
    func chatting(allocated: Int) -> AppState {
        var state = loadedState()
        state.width = 120
        state.height = 40
        let loaded = RunningModel(name: "qwen3:8b", size: 1, digest: "", expiresAt: epoch.addingTimeInterval(300),
                                  sizeVRAM: 1, contextLength: allocated)
        _ = update(&state, .runningLoaded(host: testHost, .success([loaded])))
        press(&state, .enter)
        return state
    }

    func reply(_ state: inout AppState, prompt: Int, eval: Int) {
        for character in "hi" { press(&state, .character(character)) }
        press(&state, .enter)
        let done = ChatResponse(model: "qwen3:8b", message: .assistant("ok"), done: true, doneReason: "stop",
                                metrics: GenerationMetrics(promptEvalCount: prompt, evalCount: eval))
        _ = update(&state, .chatChunkReceived(pane: 1, done))
        _ = update(&state, .chatFinished(pane: 1, nil))
    }

    func title(_ state: AppState) -> String {
        DashboardView.render(state).buffer.text.split(separator: "\n").first { $0.contains("4 Chat") }.map(String.init) ?? ""
    }

    @Test("the title says how full the context is, against what the server allocated or num_ctx")
    func fill() {
        var state = chatting(allocated: 8192)
        #expect(!title(state).contains("ctx"))
        reply(&state, prompt: 3000, eval: 200)
        #expect(state.chat.contextUse(allocated: 8192)?.used == 3200)
        #expect(title(state).contains("ctx 3.2k/8.2k 39%"))
        #expect(!title(state).contains("⚠"))
        // num_ctx set in the pane wins over the allocation.
        for character in "/set parameter num_ctx 4096" { press(&state, .character(character)) }
        press(&state, .enter)
        #expect(title(state).contains("ctx 3.2k/4.1k 78%"))
    }

    @Test("past 90 % the title warns that the oldest messages will be cut")
    func warning() {
        var state = chatting(allocated: 4096)
        reply(&state, prompt: 3700, eval: 100)
        #expect(title(state).contains("ctx 3.8k/4.1k 92% ⚠"))
        #expect(state.chat.entries.last?.content.hasPrefix("the context is 92% full (3.8k of 4.1k tokens): the server will cut the oldest messages") == true)
        // Below 90 %, no warning.
        var roomy = chatting(allocated: 8192)
        reply(&roomy, prompt: 3700, eval: 100)
        #expect(roomy.chat.entries.last?.role == .assistant)
    }

    @Test("a follow-up read from the server's cache adds to the fill; a prompt read whole replaces it")
    func cachedFollowUps() {
        var state = chatting(allocated: 8192)
        reply(&state, prompt: 3000, eval: 200)
        // Only the new message was evaluated: the context holds the earlier turn too.
        reply(&state, prompt: 40, eval: 160)
        #expect(state.chat.contextUse(allocated: 8192)?.used == 3400)
        #expect(title(state).contains("ctx 3.4k/8.2k 41%"))
        // The model was reloaded: the whole conversation was read again.
        reply(&state, prompt: 3500, eval: 100)
        #expect(state.chat.contextUse(allocated: 8192)?.used == 3600)
        #expect(state.chat.contextUse(allocated: 8192)?.truncated == false)
    }

    @Test("when the conversation outgrows the context the pane says the server cut it")
    func truncation() {
        var state = chatting(allocated: 4096)
        reply(&state, prompt: 3000, eval: 200)
        #expect(state.chat.entries.last?.role == .assistant)
        reply(&state, prompt: 300, eval: 900)
        let use = state.chat.contextUse(allocated: 4096)
        #expect(use?.truncated == true)
        #expect(use?.used == 4096)
        #expect(title(state).contains("100% ⚠ cut"))
        #expect(state.chat.entries.last?.content.hasPrefix("the conversation no longer fits the context (4.1k tokens): the server dropped the oldest messages") == true)
        // The next reply is cut again (the history only grows): the fill is the prompt read, and
        // the pane does not say it again.
        let notices = state.chat.entries.filter { $0.role == .notice }.count
        reply(&state, prompt: 2500, eval: 100)
        #expect(state.chat.contextUse(allocated: 4096)?.used == 2600)
        #expect(state.chat.contextUse(allocated: 4096)?.truncated == true)
        #expect(state.chat.entries.filter { $0.role == .notice }.count == notices)
        // ^L starts afresh: nothing is cut.
        press(&state, .control("l"))
        reply(&state, prompt: 100, eval: 50)
        #expect(state.chat.contextUse(allocated: 4096)?.truncated == false)
    }

    @Test("waiting on a loaded model is reading the prompt, with a timer; on one not loaded, loading")
    func readingPrompt() {
        var state = chatting(allocated: 4096)
        for character in "a long prompt" { press(&state, .character(character)) }
        press(&state, .enter)
        _ = update(&state, .clockAdvanced(epoch.addingTimeInterval(7)))
        #expect(title(state).contains("[reading prompt 7s · Esc stops]"))
        _ = update(&state, .runningLoaded(host: testHost, .success([])))
        _ = update(&state, .clockAdvanced(epoch.addingTimeInterval(1)))
        #expect(title(state).contains("[loading model…]"))
    }
}
