import DeckCore
import DeckUI
import Foundation
import OllamaKit
import TermUI
import Testing

/// While replies stream, the loop redraws only the chat pane over the last frame. That must give
/// exactly the cells a whole redraw gives, token after token, or the screen would drift.
@Suite("Redrawing only the chat pane while replies stream")
struct ChatOnlyRenderTests {
    /// What the partial frames draw from (a whole frame is drawn with fresh caches, from scratch).
    let caches = RenderCaches()

    static let reply = """
        The sky looks **blue** because air scatters short wavelengths more. 天空之所以是蓝色的，是因为瑞利散射。

        - one point
        - another point that is long enough to wrap in a narrow pane, and then some more words

        ```swift
        let sky = "blue"
        ```

        | colour | nm |
        |---|---|
        | 蓝 | 450 |

        Done. 🦙

        """

    static func streamingState(panes: Int) -> AppState {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        var state = AppState(host: "http://127.0.0.1:11434", now: now)
        _ = update(&state, .resized(width: 120, height: 40))
        _ = update(&state, .versionLoaded(host: testHost, .success("0.32.15")))
        let models = (0..<7).map { i in
            InstalledModel(
                name: "model-\(i):7b", modifiedAt: now.addingTimeInterval(-Double(i) * 3600), size: Int64(i + 1) * 1_000_000_000,
                digest: String(repeating: "a", count: 64),
                details: ModelDetails(family: "llama", parameterSize: "7B", quantizationLevel: "Q4_K_M"), capabilities: ["completion"])
        }
        _ = update(&state, .modelsLoaded(host: testHost, .success(models)))
        _ = update(&state, .keyPressed(.enter))
        for _ in 1..<panes { _ = update(&state, .keyPressed(.control("n"))) }
        if panes > 1 { _ = update(&state, .keyPressed(.control("g"))) }
        for character in "hello" { _ = update(&state, .keyPressed(.character(character))) }
        _ = update(&state, .keyPressed(.enter))
        return state
    }

    /// Feeds the reply a few characters per chunk to every pane, checking each partial frame.
    func check(_ initial: AppState, thinkingFirst: Bool = false) {
        var state = initial
        var frame = DashboardView.render(state)
        var tokens: [String] = []
        var current = ""
        for character in Self.reply {
            current.append(character)
            if current.count >= 3 || character == "\n" {
                tokens.append(current)
                current = ""
            }
        }
        if thinkingFirst { tokens = ["Okay, ", "let me ", "think.\n"] + tokens }
        for (step, token) in tokens.enumerated() {
            let thinking = thinkingFirst && step < 3
            for pane in state.chats.map(\.id) {
                let message = thinking ? ChatMessage(role: "assistant", content: "", thinking: token) : ChatMessage.assistant(token)
                _ = update(&state, .chatChunkReceived(pane: pane, ChatResponse(model: "model-0:7b", message: message, done: false)))
            }
            guard let partial = DashboardView.renderChatOnly(state, over: frame, caches: caches) else {
                Issue.record("no chat-only frame at step \(step)")
                return
            }
            let whole = DashboardView.render(state)
            #expect(partial == whole, "differs after \(step + 1) chunks:\n\(partial.buffer.text)\n---\n\(whole.buffer.text)")
            if partial != whole { return }
            frame = partial
        }
    }

    @Test("one pane, focused: every partial frame equals the whole frame")
    func onePane() { check(Self.streamingState(panes: 1), thinkingFirst: true) }

    @Test("four panes comparing at once")
    func fourPanes() { check(Self.streamingState(panes: 4)) }

    @Test("chat not focused: the cursor stays where the focused pane put it")
    func unfocused() {
        var state = Self.streamingState(panes: 2)
        _ = update(&state, .keyPressed(.tab))
        #expect(state.focus != .chat)
        check(state)
    }

    @Test("an overlay or the offline banner means a whole redraw")
    func declines() {
        var state = Self.streamingState(panes: 1)
        let frame = DashboardView.render(state)
        _ = update(&state, .keyPressed(.tab))  // out of the chat input, so ? opens the help
        _ = update(&state, .keyPressed(.character("?")))
        #expect(state.overlay != nil)
        #expect(DashboardView.renderChatOnly(state, over: frame, caches: caches) == nil)
        var small = Self.streamingState(panes: 1)
        _ = update(&small, .resized(width: 90, height: 30))
        #expect(DashboardView.renderChatOnly(small, over: frame, caches: caches) == nil)  // another size
    }
}
