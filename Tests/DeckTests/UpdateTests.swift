import Foundation
import DeckCore
import OllamaKit
import TermUI
import Testing

let epoch = Date(timeIntervalSince1970: 1_790_000_000)

func sampleModels(now: Date = epoch) -> [InstalledModel] {
    func model(_ name: String, _ size: Int64, daysAgo: Double, family: String, capabilities: [String] = ["completion"]) -> InstalledModel {
        InstalledModel(
            name: name, modifiedAt: now.addingTimeInterval(-daysAgo * 86_400), size: size,
            digest: String(repeating: "a", count: 64),
            details: ModelDetails(family: family, families: [family], parameterSize: "7B", quantizationLevel: "Q4_K_M"),
            capabilities: capabilities)
    }
    return [
        model("qwen3:8b", 5_200_000_000, daysAgo: 1, family: "qwen3", capabilities: ["completion", "thinking"]),
        model("llama3.2:latest", 2_000_000_000, daysAgo: 3, family: "llama"),
        model("mistral:7b", 4_100_000_000, daysAgo: 400, family: "llama"),
        model("nomic-embed-text:latest", 274_000_000, daysAgo: 90, family: "nomic-bert", capabilities: ["embedding"]),
    ]
}

func loadedState() -> AppState {
    var state = AppState(host: "http://127.0.0.1:11434", now: epoch)
    _ = update(&state, .versionLoaded(host: testHost, .success("0.32.15")))
    _ = update(&state, .modelsLoaded(host: testHost, .success(sampleModels())))
    _ = update(&state, .runningLoaded(host: testHost, .success([])))
    return state
}

/// The effects that start requests (chat, embed), leaving out the store's bookkeeping.
func requests(_ effects: [Effect]) -> [Effect] {
    effects.filter {
        switch $0 {
        case .startChat, .startEmbed: return true
        default: return false
        }
    }
}

/// The one-line prompt overlay, if one is open.
func openPrompt(_ state: AppState) -> Prompt? {
    if case .prompt(let prompt)? = state.overlay { return prompt }
    return nil
}

@discardableResult
func press(_ state: inout AppState, _ keys: Key...) -> [Effect] {
    keys.flatMap { update(&state, .keyPressed($0)) }
}

@Suite("Update logic")
struct UpdateTests {
    @Test("startup asks for version, models and running models")
    func startup() {
        var state = AppState(host: "h", now: epoch)
        #expect(startupEffects(&state) == [.fetchVersion(host: "h"), .fetchModels(host: "h"), .fetchRunning(host: "h")])
    }

    @Test("Tab and Shift-Tab cycle focus; digits jump to a pane")
    func focus() {
        var state = loadedState()
        press(&state, .tab)
        #expect(state.focus == .running)
        press(&state, .backTab, .backTab)
        #expect(state.focus == .chat)
        press(&state, .tab)
        #expect(state.focus == .models)
        press(&state, .character("3"))
        #expect(state.focus == .pulls)
    }

    @Test("sorting by modified, name and size, and reversing")
    func sorting() {
        var state = loadedState()
        #expect(state.modelsPane.visible.map(\.name).first == "qwen3:8b")
        press(&state, .character("s"))
        #expect(state.modelsPane.sort == .name)
        #expect(state.modelsPane.visible.map(\.name) == ["llama3.2:latest", "mistral:7b", "nomic-embed-text:latest", "qwen3:8b"])
        press(&state, .character("s"))
        #expect(state.modelsPane.visible.first?.name == "qwen3:8b")
        press(&state, .character("S"))
        #expect(state.modelsPane.visible.first?.name == "nomic-embed-text:latest")
    }

    @Test("filtering as you type keeps the selection when it still matches")
    func filtering() {
        var state = loadedState()
        press(&state, .down)
        #expect(state.modelsPane.selected?.name == "llama3.2:latest")
        press(&state, .character("/"), .character("3"), .character("."))
        #expect(state.modelsPane.isEditingFilter)
        #expect(state.modelsPane.visible.map(\.name) == ["llama3.2:latest"])
        #expect(state.modelsPane.selected?.name == "llama3.2:latest")
        press(&state, .backspace, .backspace, .character("q"))
        #expect(state.modelsPane.selected?.name == "qwen3:8b")
        press(&state, .enter)
        #expect(!state.modelsPane.isEditingFilter)
        press(&state, .escape)
        #expect(state.modelsPane.filter.isEmpty)
        #expect(state.modelsPane.visible.count == 4)
    }

    @Test("the family matches too, and letters in the filter do not trigger keys")
    func filterTypesLetters() {
        var state = loadedState()
        press(&state, .character("/"), .character("q"), .character("s"))
        #expect(state.modelsPane.filter.text == "qs")
        #expect(!state.wantsQuit)
        #expect(state.modelsPane.sort == .modified)
    }

    @Test("the selection survives a refresh that reorders the list, and falls to the nearest row when it goes")
    func selectionSurvivesRefresh() {
        var state = loadedState()
        press(&state, .down, .down, .down)
        #expect(state.modelsPane.selected?.name == "mistral:7b")
        var refreshed = sampleModels()
        refreshed.reverse()
        refreshed.append(InstalledModel(name: "new:latest", modifiedAt: epoch, size: 1, digest: ""))
        _ = update(&state, .modelsLoaded(host: testHost, .success(refreshed)))
        #expect(state.modelsPane.selected?.name == "mistral:7b")
        // The selected model is gone: the row now where it was (the fourth) is selected.
        _ = update(&state, .modelsLoaded(host: testHost, .success(refreshed.filter { $0.name != "mistral:7b" })))
        #expect(state.modelsPane.visible.map(\.name) == ["new:latest", "qwen3:8b", "llama3.2:latest", "nomic-embed-text:latest"])
        #expect(state.modelsPane.selected?.name == "nomic-embed-text:latest")
        // At the end of a shorter list: the last row.
        _ = update(&state, .modelsLoaded(host: testHost, .success(Array(sampleModels().prefix(2)))))
        #expect(state.modelsPane.selected?.name == "llama3.2:latest")
    }

    @Test("going offline marks data stale, backs off, retries, and recovers")
    func offlineAndRecovery() {
        var state = loadedState()
        let refused = OllamaError.connection(host: "h", reason: "connection refused")
        _ = update(&state, .runningLoaded(host: testHost, .failure(refused)))
        guard case .offline(let reason, let retryAt) = state.hosts[0].connection else {
            Issue.record("expected offline")
            return
        }
        #expect(reason == "connection refused")
        #expect(retryAt == epoch.addingTimeInterval(1))
        #expect(state.hosts[0].modelsStale && state.hosts[0].runningStale)
        #expect(state.hosts[0].models.count == 4)  // nothing lost
        #expect(update(&state, .ticked(epoch.addingTimeInterval(0.5))).isEmpty)
        let retry = update(&state, .ticked(epoch.addingTimeInterval(1.1)))
        #expect(retry == [.fetchVersion(host: testHost), .fetchModels(host: testHost), .fetchRunning(host: testHost)])
        _ = update(&state, .versionLoaded(host: testHost, .failure(refused)))
        guard case .offline(_, let second) = state.hosts[0].connection else {
            Issue.record("expected offline again")
            return
        }
        #expect(second.timeIntervalSince(epoch.addingTimeInterval(1.1)) == 2)
        _ = update(&state, .modelsLoaded(host: testHost, .failure(refused)))
        _ = update(&state, .runningLoaded(host: testHost, .failure(refused)))
        _ = update(&state, .ticked(epoch.addingTimeInterval(4)))
        _ = update(&state, .versionLoaded(host: testHost, .success("0.32.15")))
        _ = update(&state, .modelsLoaded(host: testHost, .success(sampleModels())))
        _ = update(&state, .runningLoaded(host: testHost, .success([])))
        #expect(state.hosts[0].connection == .online(version: "0.32.15"))
        #expect(!state.hosts[0].modelsStale && !state.hosts[0].runningStale)
        #expect(state.hosts[0].retryDelay == 1)
    }

    @Test("the running list refreshes every two seconds while online")
    func runningRefresh() {
        var state = loadedState()
        state.hosts[0].pendingRequests = 0
        var effects = update(&state, .ticked(epoch))
        #expect(effects.contains(.fetchRunning(host: testHost)))
        state.hosts[0].pendingRequests = 0
        effects = update(&state, .ticked(epoch.addingTimeInterval(1)))
        #expect(!effects.contains(.fetchRunning(host: testHost)))
        state.hosts[0].pendingRequests = 0
        effects = update(&state, .ticked(epoch.addingTimeInterval(2.01)))
        #expect(effects.contains(.fetchRunning(host: testHost)))
    }

    @Test("a model that leaves memory is noted")
    func vanished() {
        var state = loadedState()
        let running = RunningModel(name: "qwen3:8b", size: 5, digest: "", expiresAt: epoch.addingTimeInterval(60),
                                   sizeVRAM: 5, contextLength: 4096)
        _ = update(&state, .runningLoaded(host: testHost, .success([running])))
        _ = update(&state, .runningLoaded(host: testHost, .success([])))
        #expect(state.hosts[0].vanished.map(\.name) == ["qwen3:8b"])
        _ = update(&state, .ticked(epoch.addingTimeInterval(11)))
        #expect(state.hosts[0].vanished.isEmpty)
    }

    @Test("q quits at once when idle, and asks (default No) while work runs")
    func quitting() {
        var idle = loadedState()
        #expect(press(&idle, .character("q")) == [.quit])
        var busy = loadedState()
        press(&busy, .enter)  // chat with the selected model
        busy.chat.input = TextInput("hi")
        let effects = requests(press(&busy, .enter))
        #expect(effects.count == 1)
        press(&busy, .control("q"))
        #expect(busy.overlay == .confirmQuit)
        press(&busy, .enter)
        #expect(busy.overlay == nil)
        #expect(!busy.wantsQuit)
        press(&busy, .control("q"), .character("y"))
        #expect(busy.wantsQuit)
    }

    @Test("the pull prompt checks the name before any request")
    func pullPrompt() {
        var state = loadedState()
        press(&state, .character("p"), .character("b"), .character("a"), .character("d"), .character(" "), .character("x"))
        #expect(press(&state, .enter).isEmpty)
        guard case .pullPrompt(let prompt)? = state.overlay, let error = Optional(prompt.error) else {
            Issue.record("prompt closed")
            return
        }
        #expect(error == "a model name has no spaces")
        press(&state, .control("u"))
        for character in "library/qwen3:8b" { press(&state, .character(character)) }
        let effects = press(&state, .enter)
        #expect(effects == [.startPull(job: 1, host: testHost, model: "library/qwen3:8b", id: 1)])
        #expect(state.pulls.first?.model == "library/qwen3:8b")
        #expect(ModelNameCheck.problem(with: "a:b:c") != nil)
        #expect(ModelNameCheck.problem(with: "host.io/ns/model:tag") == nil)
    }

    @Test("pull progress folds per layer; success refreshes the models")
    func pullProgress() {
        var state = loadedState()
        press(&state, .character("p"))
        for character in "tiny" { press(&state, .character(character)) }
        press(&state, .enter)
        _ = update(&state, .pullProgressed(job: 1, ProgressResponse(status: "pulling manifest")))
        _ = update(&state, .pullProgressed(job: 1, ProgressResponse(status: "pulling aaa", digest: "sha256:aaa", total: 100)))
        _ = update(&state, .pullProgressed(job: 1, ProgressResponse(status: "pulling aaa", digest: "sha256:aaa", total: 100, completed: 60)))
        _ = update(&state, .pullProgressed(job: 1, ProgressResponse(status: "pulling aaa", digest: "sha256:aaa", total: 100, completed: 40)))
        #expect(state.pulls[0].fraction == 0.6)  // never goes backwards
        _ = update(&state, .pullProgressed(job: 1, ProgressResponse(status: "pulling bbb", digest: "sha256:bbb", total: 100, completed: 100)))
        #expect(state.pulls[0].fraction == 0.8)  // the denominator grows
        _ = update(&state, .pullProgressed(job: 1, ProgressResponse(status: "verifying sha256 digest")))
        #expect(state.pulls[0].fraction == 1)
        _ = update(&state, .pullProgressed(job: 1, ProgressResponse(status: "success")))
        #expect(update(&state, .pullFinished(job: 1, nil)) == [.fetchModels(host: testHost)])
        #expect(state.pulls[0].phase == .done)
    }

    @Test("a pull error ends that job with the server's message")
    func pullError() {
        var state = loadedState()
        press(&state, .character("p"), .character("x"), .enter)
        _ = update(&state, .pullFinished(job: 1, .stream(message: "pull model manifest: file does not exist")))
        #expect(state.pulls[0].phase == .failed)
        #expect(state.pulls[0].error == "pull model manifest: file does not exist")
    }

    @Test("chat: Enter on a model opens chat, Enter sends, chunks stream in, Esc cancels")
    func chatFlow() {
        var state = loadedState()
        press(&state, .enter)
        #expect(state.focus == .chat)
        #expect(state.chat.model == "qwen3:8b")
        for character in "你好" { press(&state, .character(character)) }
        let effects = requests(press(&state, .enter))
        guard case .startChat(1, _, let request, let id)? = effects.first else {
            Issue.record("no chat effect")
            return
        }
        #expect(request.messages == [.user("你好")])
        let thinking = ChatResponse(model: "qwen3:8b", message: ChatMessage(role: "assistant", content: "", thinking: "嗯"), done: false)
        _ = update(&state, .chatChunkReceived(pane: 1, thinking))
        #expect(state.chat.status == .thinking)
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "qwen3:8b", message: .assistant("你好！"), done: false)))
        #expect(state.chat.status == .streaming)
        #expect(press(&state, .escape) == [.cancel(id)])
        _ = update(&state, .chatFinished(pane: 1, .cancelled))
        #expect(state.chat.status == .stopped)
        #expect(state.chat.entries.last?.content == "你好！")  // the partial reply is kept
        #expect(state.chat.entries.last?.interruption == "stopped")
    }

    @Test("letters typed in chat go to the prompt, not to the keymap")
    func chatTyping() {
        var state = loadedState()
        press(&state, .character("4"))
        press(&state, .character("q"), .character("p"), .character("?"))
        #expect(state.chat.input.text == "qp?")
        #expect(state.overlay == nil && !state.wantsQuit)
    }

    @Test("an embedding model cannot be picked for chat")
    func embeddingModel() {
        var state = loadedState()
        press(&state, .character("s"), .character("g"), .down, .down, .enter)  // by name: nomic-embed-text
        #expect(state.focus == .models)
        #expect(state.notice?.contains("embedding") == true)
    }

    @Test("a terminal resize is recorded; termination cancels streams and quits")
    func resizeAndTerminate() throws {
        var state = loadedState()
        _ = update(&state, .resized(width: 1, height: 1))
        #expect(state.width == 1 && state.height == 1)
        // A reply streaming and a pull running: both are cancelled, then the dashboard quits.
        _ = update(&state, .resized(width: 80, height: 24))
        press(&state, .enter)
        for character in "hi" { press(&state, .character(character)) }
        press(&state, .enter)
        let stream = try #require(state.chat.streamEffect)
        press(&state, .control("p"))
        for character in "tiny" { press(&state, .character(character)) }
        press(&state, .enter)
        let pull = try #require(state.pulls.first?.effect)
        let effects = update(&state, .terminationRequested)
        #expect(Set(effects.dropLast().map { "\($0)" }) == Set([Effect.cancel(stream), .cancel(pull)].map { "\($0)" }))
        #expect(effects.last == .quit)
        #expect(state.wantsQuit)
    }
}

@Suite("Text input by grapheme and cell")
struct TextInputTests {
    @Test("Chinese moves and deletes one character at a time")
    func chinese() {
        var input = TextInput()
        for character in "天空蓝" { _ = input.handle(.character(character)) }
        #expect(input.cursorColumn == 6)
        _ = input.handle(.left)
        #expect(input.cursorColumn == 4)
        _ = input.handle(.backspace)
        #expect(input.text == "天蓝")
        _ = input.handle(.character("e"))
        _ = input.handle(.character("\u{301}"))
        #expect(input.text == "天é蓝")
        #expect(input.cursorColumn == 3)
    }

    @Test("the prompt wraps Chinese by cells and keeps newlines; the cursor follows")
    func wrapping() {
        var input = TextInput("天空蓝色的")
        var wrapped = input.wrapped(width: 4)
        #expect(wrapped.lines == ["天空", "蓝色", "的"])
        #expect(wrapped.cursorLine == 2 && wrapped.cursorColumn == 2)
        _ = input.handle(.home)
        _ = input.handle(.right)
        wrapped = input.wrapped(width: 4)
        #expect(wrapped.cursorLine == 0 && wrapped.cursorColumn == 2)
        input = TextInput()
        _ = input.handle(.paste("line one\r\nline 二"))
        #expect(input.text == "line one\nline 二")
        #expect(input.wrapped(width: 40).lines == ["line one", "line 二"])
        #expect(input.wrapped(width: 3).lines.allSatisfy { DisplayWidth.width(of: $0) <= 3 })
    }

    @Test("the visible slice keeps the cursor in view")
    func scrolling() {
        let input = TextInput(String(repeating: "字", count: 20))
        let view = input.visible(width: 10)
        #expect(DisplayWidth.width(of: view.text) <= 10)
        #expect(view.cursorColumn <= 9)
    }
}

@Suite("Chat commands and panes")
struct ChatCommandTests {
    @Test("commands parse, with type checks and clear errors")
    func parsing() {
        #expect(ChatCommand.parse("hello") == nil)
        #expect(ChatCommand.parse("/set system You are terse.") == .success(.setSystem("You are terse.")))
        #expect(ChatCommand.parse("/set parameter temperature 0.2") == .success(.setParameter("temperature", .number(0.2))))
        #expect(ChatCommand.parse("/set parameter num_ctx 8192") == .success(.setParameter("num_ctx", .integer(8192))))
        #expect(ChatCommand.parse("/set parameter num_ctx big") == .failure(ChatInputError("num_ctx must be a whole number, not 'big'")))
        #expect(ChatCommand.parse("/set parameter stop <|end|>") == .success(.setParameter("stop", .array(["<|end|>"]))))
        guard case .failure(let unknown)? = ChatCommand.parse("/set parameter colour red") else {
            Issue.record("accepted an unknown parameter")
            return
        }
        #expect(unknown.message.hasPrefix("unknown parameter 'colour'"))
        #expect(ChatCommand.parse("/set think off") == .success(.setThink(.enabled(false))))
        #expect(ChatCommand.parse("/set think HIGH") == .success(.setThink(.level("high"))))
        #expect(ChatCommand.parse("/set think loud") == .failure(ChatInputError("usage: /set think on|off|low|medium|high|max")))
        #expect(ChatCommand.parse("/image ~/cat.png") == .success(.image(path: "~/cat.png")))
        #expect(ChatCommand.parse("/image") == .failure(ChatInputError("usage: /image PATH")))
        #expect(ChatCommand.parse("/frobnicate") == .failure(ChatInputError("unknown command /frobnicate — /help lists them")))
    }

    @Test("an unknown command gets a message, not a request; /set options go into the next request")
    func commandsInPane() {
        var state = loadedState()
        press(&state, .enter)
        for character in "/nope" { press(&state, .character(character)) }
        #expect(press(&state, .enter).isEmpty)
        #expect(state.chat.entries.last?.role == .notice)
        for command in ["/set system Be brief.", "/set parameter temperature 0.1", "/set think off"] {
            for character in command { press(&state, .character(character)) }
            #expect(press(&state, .enter).isEmpty)
        }
        for character in "hi" { press(&state, .character(character)) }
        guard case .startChat(_, _, let request, _)? = requests(press(&state, .enter)).first else {
            Issue.record("no request")
            return
        }
        #expect(request.messages.first == .system("Be brief."))
        #expect(request.options == ["temperature": .number(0.1)])
        #expect(request.think == .enabled(false))
    }

    @Test("new panes, compare mode sends to all, Esc stops all, closing a pane cancels its stream")
    func panes() {
        var state = loadedState()
        press(&state, .enter)
        press(&state, .control("n"), .control("n"), .control("n"), .control("n"))
        #expect(state.chats.count == AppState.maxChatPanes)
        press(&state, .control("g"))
        for character in "hi" { press(&state, .character(character)) }
        let effects = requests(press(&state, .enter))
        #expect(effects.count == 4)
        #expect(Set(effects.compactMap { if case .startChat(let pane, _, _, _) = $0 { return pane } else { return nil } }).count == 4)
        #expect(press(&state, .escape).count == 4)
        let streaming = state.chat.streamEffect
        #expect(press(&state, .control("x")).first == .cancel(streaming!))
        #expect(state.chats.count == 3)
    }

    @Test("<think> tags in content move to the thinking section")
    func thinkTags() {
        var state = loadedState()
        press(&state, .enter)
        for character in "hi" { press(&state, .character(character)) }
        press(&state, .enter)
        for piece in ["<think>", "Let me see.", "</think>", "\n\nHello!"] {
            _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant(piece), done: false)))
        }
        #expect(state.chat.entries.last?.thinking == "Let me see.")
        #expect(state.chat.entries.last?.content == "Hello!")
    }

    @Test("↑ recalls earlier inputs; ^R regenerates the last reply")
    func historyAndRegenerate() {
        var state = loadedState()
        press(&state, .enter)
        for character in "first" { press(&state, .character(character)) }
        press(&state, .enter)
        _ = update(&state, .chatFinished(pane: 1, nil))
        press(&state, .up)
        #expect(state.chat.input.text == "first")
        press(&state, .down)
        #expect(state.chat.input.isEmpty)
        let effects = requests(press(&state, .control("r")))
        guard case .startChat(_, _, let request, _)? = effects.first else {
            Issue.record("no regenerate")
            return
        }
        #expect(request.messages == [.user("first")])
        #expect(state.chat.entries.filter { $0.role == .user }.count == 1)
    }

    @Test("an embedding model's pane embeds and reports dimension and similarity")
    func embeddingPane() {
        var state = loadedState()
        press(&state, .character("4"))
        for character in "/model nomic-embed-text" { press(&state, .character(character)) }
        press(&state, .enter)
        #expect(state.chat.model == "nomic-embed-text:latest")
        for character in "cat" { press(&state, .character(character)) }
        guard case .startEmbed(1, _, "nomic-embed-text:latest", "cat", _)? = requests(press(&state, .enter)).first else {
            Issue.record("no embed effect")
            return
        }
        _ = update(&state, .embedded(pane: 1, text: "cat", .success([1, 0])))
        for character in "dog" { press(&state, .character(character)) }
        press(&state, .enter)
        _ = update(&state, .embedded(pane: 1, text: "dog", .success([1, 1])))
        let last = state.chat.entries.last?.content ?? ""
        #expect(last.contains("2 dimensions"))
        #expect(last.contains("cosine 0.707"))
    }

    @Test("a missing image is a clear message; a good one waits for the next message and is sent")
    func images() throws {
        var state = loadedState()
        press(&state, .enter)
        _ = update(&state, .imageRead(pane: 1, .failure(ChatInputError("no such file: x.png"))))
        #expect(state.chat.entries.last?.content == "no such file: x.png")
        let image = AttachedImage(name: "a.png", byteCount: 10, width: 1, height: 1, format: "PNG", base64: "iVBORw==")
        _ = update(&state, .imageRead(pane: 1, .success(image)))
        #expect(state.chat.entries.last?.content.contains("no vision") == true)  // qwen3:8b cannot see
        for character in "what is it" { press(&state, .character(character)) }
        let effect = try #require(requests(press(&state, .enter)).first)
        guard case .startChat(_, _, let request, _) = effect else {
            Issue.record("not a chat: \(effect)")
            return
        }
        #expect(request.messages.last?.images == ["iVBORw=="])
    }

    @Test("/export writes the transcript as Markdown")
    func export() throws {
        var state = loadedState()
        press(&state, .enter)
        for character in "/export /tmp/x.md" { press(&state, .character(character)) }
        let effect = try #require(press(&state, .enter).first)
        guard case .exportMarkdown(let pane, let path, let markdown, let replace) = effect else {
            Issue.record("not an export: \(effect)")
            return
        }
        #expect(pane == state.chat.id)
        #expect(path == "/tmp/x.md")
        #expect(!replace)
        #expect(markdown.hasPrefix("# Chat with qwen3:8b"))
        // The outcome is said in the pane, where it is seen.
        _ = update(&state, .exported(pane: pane, path: path, error: "cannot write /tmp/x.md: permission denied"))
        #expect(state.chat.entries.last?.content == "export failed: cannot write /tmp/x.md: permission denied")
    }
}
