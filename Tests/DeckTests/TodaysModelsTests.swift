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
