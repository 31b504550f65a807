import OllamaKit

// The tool-call loop, as pure state changes: a reply that asks for tools gets one `tool` entry per
// call; the calls are asked about and run one after another (y once, a always for this tool in
// this pane, n refuses); when every call of the round has its answer, the transcript goes back to
// the model, for as many rounds as it asks up to the per-turn cap. Esc stops the loop anywhere.

/// Whether a pane's model takes tools and there are tool servers to offer them from.
func offersTools(_ state: AppState, index: Int) -> Bool {
    guard !state.tools.servers.isEmpty, let model = state.chats[index].model,
        let installed = paneModels(state, index).first(where: { $0.name == model })
    else { return false }
    return installed.capabilities.contains("tools")
}

/// Asks the pane's model for its next reply to the transcript as it stands (the first reply of a
/// turn, or the one after a round of tool results). Tool servers not started yet start first: the
/// request waits for them.
func requestReply(_ state: inout AppState, index: Int) -> [Effect] {
    guard let model = state.chats[index].model else { return [] }
    var effects: [Effect] = []
    let withTools = offersTools(state, index: index)
    if withTools {
        let idle = state.tools.servers.indices.filter { state.tools.servers[$0].state == .idle }
        for server in idle { state.tools.servers[server].state = .starting }
        if !idle.isEmpty { effects.append(.startToolServers(idle.map { state.tools.servers[$0].name })) }
        if state.tools.isStarting {
            state.chats[index].awaitingToolServers = true
            state.chats[index].status = .waiting
            state.chats[index].sentAt = state.now
            return effects
        }
    }
    state.chats[index].awaitingToolServers = false
    let id = state.makeEffectID()
    let host = paneHost(state, index)
    var pane = state.chats[index]
    let tools = withTools ? state.tools.wireTools : []
    let request = ChatRequest(
        model: model, messages: pane.requestMessages, tools: tools.isEmpty ? nil : tools,
        options: pane.options.isEmpty ? nil : pane.options, think: pane.think)
    pane.entries.append(ChatEntry(role: .assistant, content: ""))
    pane.status = .waiting
    pane.sentAt = state.now
    pane.firstTokenAt = nil
    pane.scrollBack = 0
    pane.jumpToEntry = nil
    pane.streamEffect = id
    state.chats[index] = pane
    return effects + [.startChat(pane: pane.id, host: host, request: request, id: id)]
}

/// A reply ended asking for tools: one `tool` entry per call, then the first call is asked about.
func beginToolCalls(_ state: inout AppState, index: Int, reply: Int) -> [Effect] {
    let offered = offersTools(state, index: index) ? state.tools.offered : []
    var effects: [Effect] = []
    for call in state.chats[index].entries[reply].toolCalls {
        let match = offered.first { $0.exposedName == call.function.name }
        var record = ToolCallRecord(
            name: call.function.name, id: call.id, server: match?.server, tool: match?.tool.name,
            arguments: call.function.arguments, state: .pending)
        var content = ""
        if match == nil {
            record.state = .failed
            let names = offered.map(\.exposedName)
            content = "error: no tool named '\(call.function.name)' is offered"
                + (names.isEmpty ? "" : " (tools: \(names.joined(separator: ", ")))")
        }
        var entry = ChatEntry(role: .tool, content: content)
        entry.tool = record
        state.chats[index].entries.append(entry)
        if let save = entryEffect(state, index: index, entryIndex: state.chats[index].entries.count - 1, complete: record.state.isFinished) {
            effects.append(save)
        }
    }
    return effects + advanceToolCalls(&state, index: index)
}

/// The `tool` entries of the pane's current round (after its last assistant reply).
func currentRound(_ pane: ChatPane) -> Range<Int> {
    guard let reply = pane.entries.lastIndex(where: { $0.role == .assistant }) else { return pane.entries.endIndex..<pane.entries.endIndex }
    return (reply + 1)..<pane.entries.endIndex
}

/// The key a pane's "always" and the config's trust are kept under.
func toolKey(_ record: ToolCallRecord) -> String { "\(record.server ?? "")/\(record.tool ?? record.name)" }

/// Moves the round on: runs the next pending call if it may run without asking, asks about it
/// otherwise; with every call answered, sends the results back (or stops at the cap).
func advanceToolCalls(_ state: inout AppState, index: Int) -> [Effect] {
    let round = currentRound(state.chats[index])
    if let next = round.first(where: { state.chats[index].entries[$0].tool?.state == .pending }) {
        let record = state.chats[index].entries[next].tool!
        let trusted = record.server.flatMap { state.tools.serverIndex($0) }.map {
            state.tools.servers[$0].trusted.contains(record.tool ?? record.name)
        } ?? false
        if trusted || state.chats[index].alwaysAllowed.contains(toolKey(record)) {
            return runToolCall(&state, index: index, entry: next)
        }
        state.chats[index].status = .awaitingApproval
        state.chats[index].streamEffect = nil
        state.chats[index].scrollBack = 0
        return []
    }
    // Every call has its answer.
    let states = round.compactMap { state.chats[index].entries[$0].tool?.state }
    if states.contains(.cancelled) {
        state.chats[index].status = .stopped
        return []
    }
    state.chats[index].toolRounds += 1
    if state.chats[index].toolRounds >= state.tools.maxRoundsPerTurn {
        state.chats[index].status = .done
        addNotice(&state, index: index, "stopped after \(state.tools.maxRoundsPerTurn) rounds of tool calls for one message "
            + "(the limit): send a message to go on")
        return []
    }
    return requestReply(&state, index: index)
}

/// Starts the call in entry `entry` of pane `index`.
func runToolCall(_ state: inout AppState, index: Int, entry: Int) -> [Effect] {
    guard var record = state.chats[index].entries[entry].tool, let server = record.server, let tool = record.tool else { return [] }
    let id = state.makeEffectID()
    record.state = .running
    state.chats[index].entries[entry].tool = record
    state.chats[index].status = .runningTool
    state.chats[index].streamEffect = id
    state.chats[index].sentAt = state.now
    return [.callTool(pane: state.chats[index].id, server: server, tool: tool, arguments: record.arguments,
                      timeout: state.tools.callTimeout, id: id)]
}

/// `y` (once), `a` (always, for this tool in this pane) or `n` on the call being asked about.
func answerApproval(_ state: inout AppState, _ action: Action) -> [Effect] {
    let index = state.activeChat
    guard let entry = state.chat.callAwaitingApproval, var record = state.chat.entries[entry].tool else { return [] }
    switch action {
    case .approveAlways:
        state.chat.alwaysAllowed.insert(toolKey(record))
        return runToolCall(&state, index: index, entry: entry)
    case .approveOnce:
        return runToolCall(&state, index: index, entry: entry)
    case .refuseTool:
        record.state = .refused
        state.chat.entries[entry].tool = record
        state.chat.entries[entry].content = "refused"
        var effects: [Effect] = []
        if let save = entryEffect(state, index: index, entryIndex: entry, complete: true) { effects.append(save) }
        return effects + advanceToolCalls(&state, index: index)
    case .explainApproval:
        addNotice(&state, index: index, "the model asks to run \(record.name): y runs it once, a always in this pane, n refuses, Esc stops")
        return []
    default:
        return []
    }
}

/// Esc in a pane whose turn is at the tools: stop waiting for servers, or stop the round (a
/// running call is cancelled by its effect and answers `.cancelled`).
func stopToolLoop(_ state: inout AppState, index: Int) -> [Effect] {
    if state.chats[index].awaitingToolServers {
        state.chats[index].awaitingToolServers = false
        state.chats[index].status = .stopped
        addNotice(&state, index: index, "stopped before the request was sent (tool servers were starting)")
        return []
    }
    guard state.chats[index].status == .awaitingApproval else { return [] }
    return cancelPendingCalls(&state, index: index)
}

/// Marks the round's unanswered calls cancelled and saves them.
func cancelPendingCalls(_ state: inout AppState, index: Int) -> [Effect] {
    var effects: [Effect] = []
    for entry in currentRound(state.chats[index]) where state.chats[index].entries[entry].tool?.state.isFinished == false {
        state.chats[index].entries[entry].tool?.state = .cancelled
        state.chats[index].entries[entry].content = "stopped"
        if let save = entryEffect(state, index: index, entryIndex: entry, complete: true) { effects.append(save) }
    }
    state.chats[index].status = .stopped
    state.chats[index].streamEffect = nil
    return effects
}

/// A call's answer arrived: it goes under the call (cut to the limit), then the round moves on.
func toolCallFinished(_ state: inout AppState, pane: Int, id: EffectID, _ outcome: ToolCallOutcome) -> [Effect] {
    guard let index = state.chatIndex(id: pane), state.chats[index].streamEffect == id,
        let entry = currentRound(state.chats[index]).first(where: { state.chats[index].entries[$0].tool?.state == .running })
    else { return [] }
    state.chats[index].streamEffect = nil
    var record = state.chats[index].entries[entry].tool!
    var content: String
    switch outcome {
    case .result(let text, let isError):
        record.state = isError ? .toolError : .done
        content = cutResult(text, limit: state.tools.resultLimit)
    case .failed(let reason):
        record.state = .failed
        content = "error: " + reason
    case .timedOut(let seconds):
        record.state = .timedOut
        content = "no answer within \(Format.elapsed(seconds: Int(seconds.rounded())))"
    case .cancelled:
        record.state = .cancelled
        content = "stopped"
    }
    state.chats[index].entries[entry].tool = record
    state.chats[index].entries[entry].content = content
    var effects: [Effect] = []
    if let save = entryEffect(state, index: index, entryIndex: entry, complete: true) { effects.append(save) }
    if outcome == .cancelled { return effects + cancelPendingCalls(&state, index: index) }
    return effects + advanceToolCalls(&state, index: index)
}

/// A result longer than `limit` characters keeps its start, with a note of what was cut.
func cutResult(_ text: String, limit: Int) -> String {
    guard text.utf8.count > limit else { return text }
    let total = text.count
    guard total > limit else { return text }
    return String(text.prefix(limit)) + "\n… (cut: the tool returned \(Format.count(total)) characters; the first \(Format.count(limit)) are kept)"
}

/// A tool server is up (or could not start): panes waiting for it send their requests once no
/// server is starting any more.
func toolServerStarted(_ state: inout AppState, name: String, _ result: Result<[ToolInfo], ToolFailure>) -> [Effect] {
    guard let server = state.tools.serverIndex(name) else { return [] }
    switch result {
    case .success(let tools):
        state.tools.servers[server].state = .ready
        state.tools.servers[server].tools = tools
    case .failure(let failure):
        state.tools.servers[server].state = .failed(failure.message)
        state.tools.servers[server].tools = []
        for index in state.chats.indices where state.chats[index].awaitingToolServers {
            addNotice(&state, index: index, "tool server \(name) did not start: \(failure.message) — /tools shows it; the chat goes on without its tools")
        }
    }
    guard !state.tools.isStarting else { return [] }
    var effects: [Effect] = []
    for index in state.chats.indices where state.chats[index].awaitingToolServers {
        effects += requestReply(&state, index: index)
    }
    return effects
}

/// A running tool server ended or broke the protocol. Its call in flight (if any) ends through
/// its own effect; the server shows as failed until restarted.
func toolServerFailed(_ state: inout AppState, name: String, reason: String, stderr: String) {
    guard let server = state.tools.serverIndex(name) else { return }
    state.tools.servers[server].state = .failed(reason)
    state.tools.servers[server].stderrTail = stderr
    setNotice(&state, "tool server \(name) stopped: \(reason)")
}
