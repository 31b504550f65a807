import Foundation
import DeckCore
@testable import DeckUI
import OllamaKit
import TermUI
import Testing

/// Two loaded models: one split between GPU and CPU, one held forever.
func sampleRunning() -> [RunningModel] {
    [
        RunningModel(name: "qwen3:8b", size: 6_654_289_920, digest: "", expiresAt: epoch.addingTimeInterval(299),
                     sizeVRAM: 3_194_059_162, contextLength: 4096),
        RunningModel(name: "llama3.2:latest", size: 2_900_000_000, digest: "", expiresAt: epoch.addingTimeInterval(1e10),
                     sizeVRAM: 2_900_000_000, contextLength: 8192),
    ]
}

/// A dashboard in a busy, deterministic state: models, a running model, a pull, a Chinese chat.
func busyState(width: Int, height: Int) -> AppState {
    var state = loadedState()
    state.width = width
    state.height = height
    _ = update(&state, .runningLoaded(host: testHost, .success(sampleRunning())))
    press(&state, .character("p"))
    for character in "phi4-mini" { press(&state, .character(character)) }
    press(&state, .enter)
    _ = update(&state, .pullProgressed(job: 1, ProgressResponse(status: "pulling 6a1b2c3d4e5f", digest: "sha256:6a1b2c3d4e5f", total: 2_491_874_688, completed: 1_000_000_000)))
    press(&state, .enter)  // chat with qwen3:8b
    for character in "天空为什么是蓝色的？" { press(&state, .character(character)) }
    press(&state, .enter)
    let chunks: [ChatResponse] = [
        ChatResponse(model: "qwen3:8b", message: ChatMessage(role: "assistant", content: "", thinking: "用户问天空的颜色。"), done: false),
        ChatResponse(model: "qwen3:8b", message: .assistant("天空之所以是蓝色的，是因为大气分子对短波长的阳光散射得更多。🌇"), done: false),
        ChatResponse(model: "qwen3:8b", message: .assistant(""), done: true, doneReason: "stop",
                     metrics: GenerationMetrics(evalCount: 42, evalDuration: 1_000_000_000)),
    ]
    for chunk in chunks { _ = update(&state, .chatChunkReceived(pane: 1, chunk)) }
    _ = update(&state, .chatFinished(pane: 1, nil))
    return state
}

@Suite("Golden snapshots of the dashboard")
struct SnapshotTests {
    @Test("busy dashboard at 80×24")
    func busy80() { assertSnapshot(DashboardView.render(busyState(width: 80, height: 24)).buffer, named: "busy-80x24") }

    @Test("busy dashboard at 120×40")
    func busy120() { assertSnapshot(DashboardView.render(busyState(width: 120, height: 40)).buffer, named: "busy-120x40") }

    @Test("offline banner with stale data at 80×24")
    func offline() {
        var state = loadedState()
        state.canOfferDemo = true
        _ = update(&state, .versionLoaded(host: testHost, .failure(.connection(host: "h", reason: "connection refused"))))
        assertSnapshot(DashboardView.render(state).buffer, named: "offline-80x24")
    }

    @Test("connecting, before any data, at 120×40")
    func connecting() {
        var state = AppState(host: "http://127.0.0.1:11434", now: epoch)
        state.width = 120
        state.height = 40
        assertSnapshot(DashboardView.render(state).buffer, named: "connecting-120x40")
    }

    @Test("filtering at 80×24, cursor in the filter field")
    func filtering() {
        var state = loadedState()
        press(&state, .character("/"), .character("q"))
        let frame = DashboardView.render(state)
        assertSnapshot(frame.buffer, named: "filter-80x24")
        #expect(frame.cursor != nil)
    }

    @Test("help overlay at 120×40")
    func help() {
        var state = loadedState()
        state.width = 120
        state.height = 40
        press(&state, .character("?"))
        assertSnapshot(DashboardView.render(state).buffer, named: "help-120x40")
    }

    @Test("help overlay at 80×24 from the chat prompt, a page down")
    func helpSmall() {
        var state = loadedState()
        state.focus = .chat
        press(&state, .function(1), .pageDown)
        assertSnapshot(DashboardView.render(state).buffer, named: "help-chat-80x24")
    }

    @Test("pull prompt with an error at 80×24")
    func pullPrompt() {
        var state = loadedState()
        press(&state, .character("p"), .character("a"), .character(":"), .enter)
        assertSnapshot(DashboardView.render(state).buffer, named: "pull-prompt-80x24")
    }

    @Test("tabs on a narrow terminal")
    func tabs() {
        var state = busyState(width: 60, height: 20)
        state.focus = .running
        assertSnapshot(DashboardView.render(state).buffer, named: "tabs-60x20")
    }

    @Test("terminal too small")
    func tooSmall() {
        var state = loadedState()
        state.width = 30
        state.height = 8
        assertSnapshot(DashboardView.render(state).buffer, named: "too-small-30x8")
    }

    @Test("every size from 1×1 to 130×45 renders without a crash, inside the buffer")
    func everySize() {
        var state = busyState(width: 1, height: 1)
        for width in stride(from: 1, through: 130, by: 3) {
            for height in stride(from: 1, through: 45, by: 2) {
                state.width = width
                state.height = height
                let frame = DashboardView.render(state)
                #expect(frame.buffer.width == width && frame.buffer.height == height)
                if let cursor = frame.cursor { #expect(cursor.x < width && cursor.y < height) }
            }
        }
    }

    @Test("chat box borders line up in every row with Chinese text")
    func alignedBorders() {
        let frame = DashboardView.render(busyState(width: 120, height: 40)).buffer
        for y in 0..<frame.height {
            #expect(DisplayWidth.width(of: frame.rowText(y)) == 120, "row \(y)")
        }
    }
}

@Suite("Golden snapshots of chat panes")
struct ChatSnapshotTests {
    @Test("two panes side by side in compare mode at 120×40")
    func comparePanes() {
        var state = loadedState()
        state.width = 120
        state.height = 40
        press(&state, .enter)  // chat with qwen3:8b
        press(&state, .control("n"))
        _ = update(&state, .keyPressed(.character("x")))
        state.chat.input.clear()
        for character in "/model llama3.2" { press(&state, .character(character)) }
        press(&state, .enter, .control("g"))
        for character in "Why?" { press(&state, .character(character)) }
        let effects = requests(press(&state, .enter))
        #expect(effects.count == 2)
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "qwen3:8b", message: .assistant("因为瑞利散射。"), done: false)))
        _ = update(&state, .chatChunkReceived(pane: 2, ChatResponse(model: "llama3.2", message: .assistant("Rayleigh scattering."), done: false)))
        _ = update(&state, .chatChunkReceived(pane: 2, ChatResponse(
            model: "llama3.2", message: .assistant(""), done: true,
            metrics: GenerationMetrics(loadDuration: 500_000_000, promptEvalCount: 20, promptEvalDuration: 100_000_000,
                                       evalCount: 3, evalDuration: 60_000_000))))
        _ = update(&state, .chatFinished(pane: 2, nil))
        assertSnapshot(DashboardView.render(state).buffer, named: "compare-120x40")
    }
}

@Suite("Markdown in replies")
struct MarkdownSnapshotTests {
    static let reply = """
        # 天空为什么是蓝色的

        **Rayleigh scattering**: short wavelengths scatter *more*; see `λ⁻⁴`.

        - 蓝光散射得更多
        - Sunsets look red because light travels through more air, and this line is long enough to wrap.
        1. First
        2. Second

        > A quote, dimmed.

        | 颜色 | wavelength |
        |------|-----------:|
        | 蓝 | 450 nm |
        | red | 700 nm |

        ```swift
        let sky = "blue"
        ```
        """

    @Test("headings, emphasis, lists, quotes, tables and code fences at 120×40")
    func markdown() {
        var state = chattingState()
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant(Self.reply), done: false)))
        _ = update(&state, .chatFinished(pane: 1, nil))
        let buffer = DashboardView.render(state).buffer
        assertSnapshot(buffer, named: "markdown-120x40")
        let text = buffer.text
        #expect(!text.contains("**"))
        #expect(!text.contains("# 天空"))
        #expect(text.contains("• 蓝光散射得更多"))
        #expect(text.contains("颜色 │ wavelength"))
        #expect(text.contains("│ let sky = \"blue\""))
    }

    @Test("an unclosed marker mid-stream shows as typed")
    func unclosed() {
        var state = chattingState()
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant("so **bol"), done: false)))
        #expect(DashboardView.render(state).buffer.text.contains("so **bol"))
    }
}

/// A 120×40 dashboard chatting with the first model, "hi" sent and the reply awaited.
func chattingState() -> AppState {
    var state = loadedState()
    state.width = 120
    state.height = 40
    press(&state, .enter)
    for character in "hi" { press(&state, .character(character)) }
    press(&state, .enter)
    return state
}

@Suite("Long histories")
struct LongHistoryTests {
    @Test("a 10 MB reply draws its last lines, the same as a short one ending the same way")
    func tailRendering() {
        let ending = "\n\n最后一段：天空是蓝色的。\nThe end."
        func frame(_ filler: Int) -> String {
            var state = chattingState()
            let body = String(repeating: "长文本 long text line\n", count: filler) + ending
            _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant(body), done: false)))
            _ = update(&state, .chatFinished(pane: 1, nil))
            return DashboardView.render(state).buffer.text
        }
        let big = frame(350_000)  // about 10 MB
        let small = frame(40)
        #expect(big.contains("The end."))
        let tailRows = { (text: String) in text.split(separator: "\n").suffix(8).joined(separator: "\n") }
        #expect(tailRows(big) == tailRows(small))
    }
}

@Suite("Drawing what changed")
struct TranscriptCacheTests {
    @Test("an entry's revision changes with every edit and is not part of equality")
    func revisions() {
        var entry = ChatEntry(role: .assistant, content: "a")
        let first = entry.revision
        entry.content += "b"
        #expect(entry.revision != first)
        let copy = ChatEntry(role: .assistant, content: "ab")
        #expect(copy == entry)
        #expect(copy.revision != entry.revision)
    }

    @Test("a regenerated reply of the same length is drawn anew, not from the cached old one")
    func sameLengthReplacement() {
        var state = chattingState()
        // Long enough (past the caches' threshold, with a finished paragraph) that the paragraph
        // caches serve it: a cache keyed by length alone would draw the old reply.
        let filler = String(repeating: "words that wrap ", count: 24)
        let first = "Hello " + filler + "\n\nthe end Alpha"
        let second = "Howdy " + filler + "\n\nthe end Omega"
        #expect(first.utf8.count == second.utf8.count && first.utf8.count > MarkdownRenderer.cachedFromBytes)
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant(first), done: false)))
        let caches = RenderCaches()  // both frames share what drawing remembers, as the loop's do
        #expect(DashboardView.render(state, caches: caches).buffer.text.contains("Hello"))
        // Regenerate: the reply is replaced by one of exactly the same byte length.
        let last = state.chats[0].entries.count - 1
        state.chats[0].entries[last] = ChatEntry(role: .assistant, content: second)
        let text = DashboardView.render(state, caches: caches).buffer.text
        #expect(text.contains("Howdy") && text.contains("Omega"))
        #expect(!text.contains("Hello") && !text.contains("Alpha"))
    }

    @Test("unmatched markers in a long reply render as typed, CRLF ends a line")
    func markdownEdges() {
        var state = chattingState()
        let body = "`**_" + String(repeating: "plain words ", count: 2_000) + "\r\nlast line\r\n"
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant(body), done: false)))
        let text = DashboardView.render(state).buffer.text
        #expect(text.contains("last line"))
        #expect(text.contains("plain words plain"))
        #expect(!text.contains("␍"))
    }
}

@Suite("Following a stream a page at a time")
struct PagedFollowTests {
    func streaming(lines count: Int) -> AppState {
        var state = chattingState()
        let body = (1...count).map { "line \($0)" }.joined(separator: "\n")
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant(body), done: false)))
        return state
    }

    /// Screen rows (0-based) on which "line N" appears, by N.
    func rows(_ state: AppState) -> [Int: Int] {
        var found: [Int: Int] = [:]
        for (row, text) in DashboardView.render(state).buffer.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = text.range(of: #"line \d+"#, options: .regularExpression), let n = Int(text[range].dropFirst(5)) {
                found[n] = row
            }
        }
        return found
    }

    @Test("a short reply sits under the prompt; a long one turns pages keeping three lines, newest line visible")
    func pages() throws {
        let short = rows(streaming(lines: 5))
        #expect(short.count == 5)
        // Grow the reply line by line: the first line's row only changes when a page turns.
        var previousTop: Int?
        var turns = 0
        var lastShownTop = 0
        for count in 6...120 {
            let shown = rows(streaming(lines: count))
            #expect(shown[count] != nil, "the newest line \(count) is not on screen")
            let top = try #require(shown.keys.min())
            if let previousTop, top != previousTop {
                turns += 1
                // After a turn, the three lines before the page are kept above it.
                #expect(top > previousTop)
                lastShownTop = top
            }
            previousTop = top
        }
        #expect(turns >= 2, "the pane never turned a page")
        #expect(lastShownTop > 0)
    }

    @Test("when the reply ends, or the user scrolls back, the pane scrolls as usual")
    func endsAndScrollBack() {
        var state = streaming(lines: 60)
        _ = update(&state, .chatFinished(pane: 1, nil))
        let done = rows(state)
        #expect(done[60] != nil)
        let bottomRow = done[60]!
        // Finished: the last line sits at the bottom of the transcript, with no empty rows under it.
        #expect(done[59] == bottomRow - 1)
        var paged = streaming(lines: 60)
        let pagedRows = rows(paged)
        press(&paged, .pageUp)
        #expect(rows(paged) != pagedRows)
    }
}
