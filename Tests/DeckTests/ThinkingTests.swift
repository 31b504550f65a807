import Foundation
import DeckCore
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
