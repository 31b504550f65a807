import DeckCore
import DeckUI
import Foundation
import OllamaKit
import Testing

/// A dashboard with one tool-capable model in a chat pane and one configured tool server.
func toolState(trusted: Set<String> = [], servers: [String] = ["time"]) -> AppState {
    var state = AppState(host: "http://127.0.0.1:11434", now: epoch)
    let model = InstalledModel(name: "qwen3:8b", modifiedAt: epoch, size: 1, digest: "d",
                               details: ModelDetails(family: "qwen3"), capabilities: ["completion", "tools"])
    _ = update(&state, .modelsLoaded(host: testHost, .success([model])))
    state.tools = ToolsState(servers: servers.map { ToolServer(name: $0, summary: "uvx mcp-server-\($0)", trusted: trusted) })
    state.chat.model = "qwen3:8b"
    state.focus = .chat
    return state
}

let timeTool = ToolInfo(
    name: "get_current_time", description: "Get current time in a specific timezone",
    parameters: ["type": "object", "properties": ["timezone": ["type": "string"]], "required": ["timezone"]])

func type(_ state: inout AppState, _ text: String) -> [Effect] {
    for character in text { press(&state, .character(character)) }
    return press(&state, .enter)
}

func call(_ name: String, _ zone: String, id: String) -> ToolCall {
    ToolCall(id: id, function: .init(index: 0, name: name, arguments: ["timezone": .string(zone)]))
}

/// The chat request among effects.
func chatRequest(_ effects: [Effect]) -> ChatRequest? {
    for case .startChat(_, _, let request, _) in effects { return request }
    return nil
}

/// The tool calls among effects.
func toolCalls(_ effects: [Effect]) -> [(tool: String, arguments: [String: JSONValue], id: EffectID)] {
    effects.compactMap { effect in
        if case .callTool(_, _, let tool, let arguments, _, let id) = effect { return (tool, arguments, id) }
        return nil
    }
}

/// Sends a prompt, lets the server start, and streams a reply that asks for `calls`.
func replyWithCalls(_ state: inout AppState, _ calls: [ToolCall], prompt: String = "what time is it in Taipei?") -> [Effect] {
    let sent = type(&state, prompt)
    var effects = sent
    if sent.contains(.startToolServers(["time"])) {
        effects += update(&state, .toolServerStarted(name: "time", .success([timeTool])))
    }
    _ = update(&state, .chatChunkReceived(pane: state.chat.id, ChatResponse(
        model: "qwen3:8b", message: ChatMessage(role: "assistant", content: "", toolCalls: calls), done: false)))
    return effects + update(&state, .chatFinished(pane: state.chat.id, nil))
}

@Suite("Tool calls: the loop, approvals and the round cap")
struct ToolCallTests {
    @Test("the first chat that offers tools starts the servers and waits; then the request carries their schemas")
    func lazyStart() throws {
        var state = toolState()
        let sent = type(&state, "what time is it in Taipei?")
        #expect(sent.contains(.startToolServers(["time"])))
        #expect(chatRequest(sent) == nil)
        #expect(state.chat.awaitingToolServers)
        #expect(state.tools.servers[0].state == .starting)
        let started = update(&state, .toolServerStarted(name: "time", .success([timeTool])))
        let request = try #require(chatRequest(started))
        #expect(request.tools?.map(\.function.name) == ["get_current_time"])
        #expect(request.tools?.first?.function.parameters == timeTool.parameters)
        #expect(!state.chat.awaitingToolServers)
        // The next message does not start the server again.
        _ = update(&state, .chatFinished(pane: state.chat.id, nil))
        let again = type(&state, "and now?")
        #expect(!again.contains(where: { if case .startToolServers = $0 { return true } else { return false } }))
        #expect(chatRequest(again)?.tools?.count == 1)
    }

    @Test("a model without the tools capability gets no tools and starts no server")
    func notOffered() throws {
        var state = toolState()
        let plain = InstalledModel(name: "llama3.2", modifiedAt: epoch, size: 1, digest: "e", capabilities: ["completion"])
        _ = update(&state, .modelsLoaded(host: testHost, .success([plain])))
        state.chat.model = "llama3.2"
        let sent = type(&state, "hi")
        #expect(chatRequest(sent)?.tools == nil)
        #expect(state.tools.servers[0].state == .idle)
    }

    @Test("a server that cannot start is said in the pane, and the chat goes on without its tools")
    func serverFails() throws {
        var state = toolState()
        _ = type(&state, "hi")
        let effects = update(&state, .toolServerStarted(name: "time", .failure(ToolFailure("command not found: uvx"))))
        #expect(chatRequest(effects)?.tools == nil)
        #expect(state.chat.entries.contains { $0.content.contains("tool server time did not start: command not found: uvx") })
        #expect(state.tools.servers[0].state == .failed("command not found: uvx"))
    }

    @Test("y runs a call; its result goes back as a tool message with tool_name and the call's id; the answer streams")
    func approveOnce() throws {
        var state = toolState()
        let effects = replyWithCalls(&state, [call("get_current_time", "Asia/Taipei", id: "call_k3v9x2qa")])
        #expect(toolCalls(effects).isEmpty)
        #expect(state.chat.status == .awaitingApproval)
        #expect(keyContexts(state) == [.toolApproval, .pane(.chat), .global])
        // The call shows with its server, arguments and the choices the keymap gives.
        state.width = 160
        state.height = 40
        let screen = DashboardView.render(state).buffer.text
        #expect(screen.contains("⚙ get_current_time · time {\"timezone\":\"Asia/Taipei\"}"))
        #expect(screen.contains("run this tool call?  y run · a always here · n refuse · Esc stop"))
        // Typing other letters does not run it or type: it says what the choices are.
        press(&state, .character("x"))
        #expect(state.chat.input.isEmpty)
        #expect(state.chat.entries.last?.content.contains("y runs it once") == true)
        let run = press(&state, .character("y"))
        let started = try #require(toolCalls(run).first)
        #expect(started.tool == "get_current_time")
        #expect(started.arguments == ["timezone": .string("Asia/Taipei")])
        #expect(state.chat.status == .runningTool)
        let result = #"{"timezone":"Asia/Taipei","datetime":"2026-12-05T01:17:04+08:00"}"#
        let next = update(&state, .toolCallFinished(pane: state.chat.id, id: started.id, .result(result, isError: false)))
        let request = try #require(chatRequest(next))
        let messages = request.messages
        #expect(messages.map(\.role) == ["user", "assistant", "tool"])
        #expect(messages[1].toolCalls?.first?.id == "call_k3v9x2qa")
        #expect(messages[2].content == result)
        #expect(messages[2].toolName == "get_current_time")
        #expect(messages[2].toolCallID == "call_k3v9x2qa")
        #expect(state.chat.toolRounds == 1)
        // A stale answer (an id that is not the running call's) changes nothing.
        #expect(update(&state, .toolCallFinished(pane: state.chat.id, id: 999, .result("late", isError: false))).isEmpty)
    }

    @Test("a always allows the tool in this pane: the next call of it runs without asking")
    func approveAlways() throws {
        var state = toolState()
        _ = replyWithCalls(&state, [call("get_current_time", "Asia/Taipei", id: "call_1")])
        let run = press(&state, .character("a"))
        let first = try #require(toolCalls(run).first)
        _ = update(&state, .toolCallFinished(pane: state.chat.id, id: first.id, .result("01:17", isError: false)))
        _ = update(&state, .chatChunkReceived(pane: state.chat.id, ChatResponse(
            model: "qwen3:8b", message: ChatMessage(role: "assistant", content: "", toolCalls: [call("get_current_time", "Asia/Tokyo", id: "call_2")]),
            done: true)))
        let second = update(&state, .chatFinished(pane: state.chat.id, nil))
        #expect(toolCalls(second).first?.arguments == ["timezone": .string("Asia/Tokyo")])
        #expect(state.chat.alwaysAllowed == ["time/get_current_time"])
        // Another pane still asks.
        press(&state, .control("n"))
        #expect(state.chat.alwaysAllowed.isEmpty)
    }

    @Test("n refuses: the model is told, and the loop goes on")
    func refuse() throws {
        var state = toolState()
        _ = replyWithCalls(&state, [call("get_current_time", "Asia/Taipei", id: "call_1")])
        let next = press(&state, .character("n"))
        #expect(toolCalls(next).isEmpty)
        let request = try #require(chatRequest(next))
        #expect(request.messages.last?.role == "tool")
        #expect(request.messages.last?.content == "The user declined to run this tool call.")
        #expect(state.chat.entries.first { $0.role == .tool }?.tool?.state == .refused)
    }

    @Test("Esc while asking stops the loop: nothing runs, nothing is sent, the call is marked stopped")
    func escapeStops() {
        var state = toolState()
        _ = replyWithCalls(&state, [call("get_current_time", "Asia/Taipei", id: "call_1"), call("get_current_time", "Asia/Tokyo", id: "call_2")])
        let effects = press(&state, .escape)
        #expect(toolCalls(effects).isEmpty)
        #expect(chatRequest(effects) == nil)
        #expect(state.chat.status == .stopped)
        #expect(state.chat.entries.filter { $0.role == .tool }.map { $0.tool?.state } == [.cancelled, .cancelled])
        // The prompt takes letters again.
        press(&state, .character("y"))
        #expect(state.chat.input.text == "y")
    }

    @Test("Esc while a call runs cancels its effect; the cancelled answer ends the loop")
    func escapeWhileRunning() throws {
        var state = toolState()
        _ = replyWithCalls(&state, [call("get_current_time", "Asia/Taipei", id: "call_1")])
        let running = try #require(toolCalls(press(&state, .character("y"))).first)
        #expect(press(&state, .escape) == [.cancel(running.id)])
        let after = update(&state, .toolCallFinished(pane: state.chat.id, id: running.id, .cancelled))
        #expect(chatRequest(after) == nil)
        #expect(state.chat.status == .stopped)
    }

    @Test("parallel calls in one chunk are all shown and asked about in order")
    func parallel() throws {
        var state = toolState()
        _ = replyWithCalls(&state, [call("get_current_time", "Asia/Taipei", id: "call_1"), call("get_current_time", "Asia/Tokyo", id: "call_2")])
        #expect(state.chat.entries.filter { $0.role == .tool }.count == 2)
        let first = try #require(toolCalls(press(&state, .character("y"))).first)
        #expect(first.arguments == ["timezone": .string("Asia/Taipei")])
        let afterFirst = update(&state, .toolCallFinished(pane: state.chat.id, id: first.id, .result("Taipei 01:17", isError: false)))
        #expect(chatRequest(afterFirst) == nil)
        #expect(state.chat.status == .awaitingApproval)
        let second = try #require(toolCalls(press(&state, .character("y"))).first)
        #expect(second.arguments == ["timezone": .string("Asia/Tokyo")])
        let done = update(&state, .toolCallFinished(pane: state.chat.id, id: second.id, .failed("the tool server stopped: it exited with status 1")))
        let request = try #require(chatRequest(done))
        #expect(request.messages.filter { $0.role == "tool" }.map(\.content) == ["Taipei 01:17", "error: the tool server stopped: it exited with status 1"])
    }

    @Test("the round cap stops a model that keeps calling, with a notice")
    func roundCap() throws {
        var state = toolState(trusted: ["get_current_time"])
        state.tools.maxRoundsPerTurn = 3
        var effects = replyWithCalls(&state, [call("get_current_time", "Asia/Taipei", id: "call_0")])
        var rounds = 0
        while let running = toolCalls(effects).first {
            rounds += 1
            #expect(rounds <= 3)
            effects = update(&state, .toolCallFinished(pane: state.chat.id, id: running.id, .result("again", isError: false)))
            guard chatRequest(effects) != nil else { break }
            _ = update(&state, .chatChunkReceived(pane: state.chat.id, ChatResponse(
                model: "qwen3:8b", message: ChatMessage(role: "assistant", content: "", toolCalls: [call("get_current_time", "Asia/Taipei", id: "call_\(rounds)")]),
                done: true)))
            effects = update(&state, .chatFinished(pane: state.chat.id, nil))
        }
        #expect(rounds == 3)
        #expect(state.chat.status == .done)
        #expect(state.chat.entries.last?.content.contains("stopped after 3 rounds of tool calls") == true)
        // A new message starts a new turn.
        let next = type(&state, "go on")
        #expect(chatRequest(next) != nil)
        #expect(state.chat.toolRounds == 0)
    }

    @Test("a trusted tool runs without asking; a tool nobody offers fails at once and goes back to the model")
    func trustedAndUnknown() throws {
        var state = toolState(trusted: ["get_current_time"])
        let effects = replyWithCalls(&state, [call("rm_rf", "/", id: "call_x"), call("get_current_time", "Asia/Taipei", id: "call_1")])
        let unknown = try #require(state.chat.entries.first { $0.tool?.name == "rm_rf" })
        #expect(unknown.tool?.state == .failed)
        #expect(unknown.content == "error: no tool named 'rm_rf' is offered (tools: get_current_time)")
        #expect(toolCalls(effects).first?.tool == "get_current_time")
    }

    @Test("a 10 MB result is cut to the limit with a note; a timeout says how long it waited")
    func cutAndTimeout() throws {
        var state = toolState()
        _ = replyWithCalls(&state, [call("get_current_time", "Asia/Taipei", id: "call_1")])
        let running = try #require(toolCalls(press(&state, .character("y"))).first)
        let huge = String(repeating: "x", count: 10 << 20)
        let next = update(&state, .toolCallFinished(pane: state.chat.id, id: running.id, .result(huge, isError: false)))
        let sent = try #require(chatRequest(next)?.messages.last?.content)
        #expect(sent.count < 33_000)
        #expect(sent.hasSuffix("(cut: the tool returned 10.5M characters; the first 32.0k are kept)"))
        var slow = toolState()
        _ = replyWithCalls(&slow, [call("get_current_time", "Asia/Taipei", id: "call_1")])
        let waiting = try #require(toolCalls(press(&slow, .character("y"))).first)
        _ = update(&slow, .toolCallFinished(pane: slow.chat.id, id: waiting.id, .timedOut(60)))
        #expect(slow.chat.entries.first { $0.role == .tool }?.content == "no answer within 1m00s")
        #expect(slow.chat.entries.first { $0.role == .tool }?.tool?.state == .timedOut)
    }

    @Test("escape sequences in a tool result never reach the screen")
    func sanitized() throws {
        var state = toolState()
        _ = replyWithCalls(&state, [call("get_current_time", "Asia/Taipei", id: "call_1")])
        let running = try #require(toolCalls(press(&state, .character("y"))).first)
        let hostile = "ok \u{1B}]52;c;cm0gLXJmIH4=\u{07}\u{1B}[2J\u{9B}31m done"
        _ = update(&state, .toolCallFinished(pane: state.chat.id, id: running.id, .result(hostile, isError: false)))
        state.width = 160
        state.height = 40
        press(&state, .control("f"))
        let frame = DashboardView.render(state).buffer
        #expect(!frame.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x07 })
        #expect(frame.text.contains("✓ done:"))
        #expect(frame.text.contains("31m done"))
    }

    @Test("the transcript exports tool calls with their arguments and results; a reopened chat sends them again")
    func exportAndReload() throws {
        var state = toolState()
        _ = replyWithCalls(&state, [call("get_current_time", "Asia/Taipei", id: "call_1")])
        let running = try #require(toolCalls(press(&state, .character("y"))).first)
        _ = update(&state, .toolCallFinished(pane: state.chat.id, id: running.id, .result("01:17 ```code```", isError: false)))
        let markdown = transcriptMarkdown(state.chat)
        #expect(markdown.contains("### Tool call: get_current_time on time — done"))
        #expect(markdown.contains("```json\n{\"timezone\":\"Asia/Taipei\"}\n```"))
        #expect(markdown.contains("````\n01:17 ```code```\n````"))
        // A call saved while it waited comes back stopped, and the model is told so.
        var pane = ChatPane(id: 9)
        var waiting = ChatEntry(role: .tool, content: "")
        waiting.tool = ToolCallRecord(name: "get_current_time", id: "call_9", server: "time", tool: "get_current_time",
                                      arguments: [:], state: .pending)
        var reply = ChatEntry(role: .assistant, content: "")
        reply.toolCalls = [call("get_current_time", "UTC", id: "call_9")]
        pane.load(SessionRecord(
            summary: SessionSummary(key: "k", title: "t", model: "qwen3:8b", updatedAt: epoch, messageCount: 3),
            system: nil, options: [:], entries: [ChatEntry(role: .user, content: "time?"), reply, waiting]))
        #expect(pane.requestMessages.map(\.role) == ["user", "assistant", "tool"])
        #expect(pane.requestMessages.last?.content == "The user stopped this tool call before it finished.")
    }

    @Test("/tools lists servers and tools; Space switches a tool off (not offered); r restarts a server")
    func toolsOverlay() throws {
        var state = toolState()
        _ = update(&state, .toolServerStarted(name: "time", .success([timeTool])))
        _ = type(&state, "/tools")
        #expect(keyContexts(state) == [.overlay(.tools)])
        state.width = 160
        state.height = 40
        let screen = DashboardView.render(state).buffer.text
        #expect(screen.contains("time · ready, 1 tool · uvx mcp-server-time"))
        #expect(screen.contains("● get_current_time — Get current time in a specific timezone"))
        press(&state, .down, .character(" "))
        #expect(state.tools.offered.isEmpty)
        #expect(DashboardView.render(state).buffer.text.contains("○ get_current_time"))
        press(&state, .character(" "))
        #expect(state.tools.offered.count == 1)
        #expect(press(&state, .character("r")) == [.restartToolServer("time")])
        #expect(state.tools.servers[0].state == .starting)
        press(&state, .escape)
        #expect(state.overlay == nil)
        // F4 opens it too.
        press(&state, .function(4))
        #expect(keyContexts(state) == [.overlay(.tools)])
    }

    @Test("two servers offering one name: the second is named server_tool")
    func collisions() {
        var tools = ToolsState(servers: [ToolServer(name: "a", summary: ""), ToolServer(name: "b", summary: "")])
        for index in 0..<2 {
            tools.servers[index].state = .ready
            tools.servers[index].tools = [timeTool]
        }
        #expect(tools.offered.map(\.exposedName) == ["get_current_time", "b_get_current_time"])
        #expect(tools.offered.map(\.server) == ["a", "b"])
    }

    @Test("command lines split as a shell would, without a shell")
    func commandWords() throws {
        #expect(try CommandLineWords.split("uvx mcp-server-time --local-timezone 'Asia/Taipei'").get()
            == ["uvx", "mcp-server-time", "--local-timezone", "Asia/Taipei"])
        #expect(try CommandLineWords.split(#"npx -y "@scope/server files" a\ b "x\"y" '$HOME'"#).get()
            == ["npx", "-y", "@scope/server files", "a b", "x\"y", "$HOME"])
        #expect(try CommandLineWords.split("echo ''").get() == ["echo", ""])
        #expect(CommandLineWords.split("echo 'open") == .failure(ToolFailure("the command ends inside a ' quote")))
    }
}
