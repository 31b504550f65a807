import DeckCore
import DeckUI
import Foundation
import OllamaKit
import TermUI
import Testing

/// Scrolling back in a chat pane: never past the top, and still while the reply below grows.
@Suite("Chat scroll-back")
struct ChatScrollTests {
    func state(lines: Int) -> AppState {
        var state = loadedState()
        _ = update(&state, .resized(width: 80, height: 24))
        press(&state, .enter)  // chat with qwen3:8b; focus moves to the chat pane
        for n in 1...lines { state.chat.entries.append(ChatEntry(role: .notice, content: "line \(n)")) }
        return state
    }

    func screen(_ frame: DashboardView.Frame) -> String { frame.buffer.text }

    /// Renders, then folds the frame's scroll reports into the state, as the loop does.
    func settle(_ state: inout AppState) -> DashboardView.Frame {
        let frame = DashboardView.render(state)
        for report in frame.scrollReports { _ = update(&state, .chatScrollSettled(report)) }
        return frame
    }

    @Test("PgUp stops at the top: four PgUps on a short chat show its first line, and PgDn comes back at once")
    func pageUpStopsAtTop() {
        var state = state(lines: 10)  // 20 rows with the blank line after each
        for _ in 0..<4 { press(&state, .pageUp) }  // 32 rows up
        let frame = settle(&state)
        #expect(screen(frame).contains("line 1 "))
        #expect(!screen(frame).contains("line 10"))
        let top = state.chat.scrollBack
        #expect(top > 0 && top < 20)
        // Settled: drawing again reports nothing, and one PgDn moves the view.
        #expect(DashboardView.render(state).scrollReports.isEmpty)
        press(&state, .pageDown)
        #expect(state.chat.scrollBack < top)
        press(&state, .end)
        #expect(state.chat.scrollBack == 0)
        #expect(screen(settle(&state)).contains("line 10"))
    }

    @Test("while scrolled back during a stream the view stays still as the reply grows")
    func stillWhileStreaming() throws {
        var state = state(lines: 40)
        state.chat.input = TextInput()
        for character in "hi" { press(&state, .character(character)) }
        press(&state, .enter)
        _ = update(&state, .chatChunkReceived(pane: state.chat.id, ChatResponse(model: "m", message: .assistant("first line\n"), done: false)))
        press(&state, .pageUp)
        let before = screen(settle(&state))
        let firstShown = try #require(before.split(separator: "\n").first { $0.contains("line ") })
        for n in 0..<12 {
            _ = update(&state, .chatChunkReceived(pane: state.chat.id, ChatResponse(model: "m", message: .assistant("more \(n)\n\n"), done: false)))
            let after = screen(settle(&state))
            let nowShown = try #require(after.split(separator: "\n").first { $0.contains("line ") })
            #expect(nowShown == firstShown, "the view moved after chunk \(n)")
        }
    }

    @Test("End follows again and moves the prompt's cursor to the end of the line")
    func endFollows() {
        var state = state(lines: 50)
        for character in "abc" { press(&state, .character(character)) }
        press(&state, .home, .pageUp)
        #expect(state.chat.scrollBack > 0)
        #expect(state.chat.input.cursor == 0)
        press(&state, .end)
        #expect(state.chat.scrollBack == 0)
        #expect(state.chat.input.cursor == 3)
    }
}
