import Algorithms
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit
import TermUI

/// Enter in a chat pane: a slash command, or a prompt (to every pane in compare mode).
func sendChat(_ state: inout AppState) -> [Effect] {
    let text = String(state.chat.input.text.trimming(while: \.isWhitespace))
    if text.isEmpty { return [] }
    if let parsed = ChatCommand.parse(text) {
        state.chat.input.clear()
        switch parsed {
        case .failure(let error):
            addNotice(&state, index: state.activeChat, error.message)
            return []
        case .success(let command):
            return runCommand(&state, command)
        }
    }
    let targets = state.compareMode ? Array(state.chats.indices) : [state.activeChat]
    var effects: [Effect] = []
    var sent = false
    for index in targets {
        if state.chats[index].isStreaming {
            addNotice(&state, index: index, "a reply is still streaming: Esc stops it")
            continue
        }
        guard state.chats[index].model != nil else {
            addNotice(&state, index: index, "pick a model first: Enter on a model in the Models pane")
            continue
        }
        effects += send(&state, index: index, prompt: text)
        sent = true
    }
    if sent {
        remember(&state, text)
        state.chat.input.clear()
    }
    return effects
}

/// Sends `prompt` from the pane at `index` (chat, or embed for embedding models).
func send(_ state: inout AppState, index: Int, prompt: String) -> [Effect] {
    var pane = state.chats[index]
    guard let model = pane.model else { return [] }
    let host = paneHost(state, index)
    if isEmbeddingModel(state, host: host, model) {
        let id = state.makeEffectID()
        pane.entries.append(ChatEntry(role: .user, content: prompt))
        pane.status = .waiting
        pane.streamEffect = id
        state.chats[index] = pane
        var effects = sessionEffects(&state, index: index)
        if let save = entryEffect(state, index: index, entryIndex: pane.entries.count - 1, complete: true) { effects.append(save) }
        return effects + [.startEmbed(pane: pane.id, host: host, model: model, text: prompt, id: id)]
    }
    var user = ChatEntry(role: .user, content: prompt)
    user.images = pane.pendingImages
    pane.pendingImages = []
    pane.entries.append(user)
    pane.toolRounds = 0
    state.chats[index] = pane
    var effects = sessionEffects(&state, index: index)
    if let save = entryEffect(state, index: index, entryIndex: state.chats[index].entries.count - 1, complete: true) { effects.append(save) }
    return effects + requestReply(&state, index: index)
}

/// The host a pane's replies come from.
func paneHost(_ state: AppState, _ index: Int) -> String { state.chats[index].host ?? state.defaultHost }

/// The models installed on a pane's host.
func paneModels(_ state: AppState, _ index: Int) -> [InstalledModel] { state.host(named: paneHost(state, index))?.models ?? [] }

func isEmbeddingModel(_ state: AppState, host: String, _ name: String) -> Bool {
    guard let model = state.host(named: host)?.models.first(where: { $0.name == name || $0.name == name + ":latest" }) else { return false }
    return model.capabilities.contains("embedding") && !model.capabilities.contains("completion")
}

func remember(_ state: inout AppState, _ text: String) {
    if state.chat.history.last != text { state.chat.history.append(text) }
    if state.chat.history.count > 200 { state.chat.history.removeFirst() }
    state.chat.historyIndex = nil
}

func addNotice(_ state: inout AppState, index: Int, _ text: String) {
    state.chats[index].entries.append(ChatEntry(role: .notice, content: text))
    state.chats[index].scrollBack = 0
}

func runCommand(_ state: inout AppState, _ command: ChatCommand) -> [Effect] {
    let index = state.activeChat
    switch command {
    case .setSystem(let text):
        state.chat.system = text.isEmpty ? nil : text
        addNotice(&state, index: index, text.isEmpty ? "system prompt cleared" : "system prompt set")
    case .setParameter(let name, let value):
        state.chat.options[name] = value
        addNotice(&state, index: index, "\(name) = \(value.displayText)")
    case .setThink(let setting):
        let model = state.chat.model
        let installed = model.flatMap { name in paneModels(state, index).first { $0.name == name } }
        let wantsThinking = setting != .enabled(false)
        if wantsThinking, let model, let installed, !installed.capabilities.isEmpty, !installed.capabilities.contains("thinking") {
            addNotice(&state, index: index, "\(model) cannot think; thinking stays off")
            state.chat.think = nil
            return []
        }
        // gpt-oss thinks at a level and cannot stop: on and off become the levels nearest them.
        if let installed, ThinkLevels.onlyLevels(installed), case .enabled(let on) = setting {
            let level = on ? "medium" : "low"
            state.chat.think = .level(level)
            addNotice(&state, index: index, "\(installed.name) thinks at a level (low, medium, high): \(level)\(on ? "" : ", the least it thinks")")
            return []
        }
        state.chat.think = setting
        addNotice(&state, index: index, "thinking \(ThinkLevels.label(setting))")
    case .image(let path):
        return [.readImage(pane: state.chat.id, path: path)]
    case .model(let name, let named):
        if let named, state.hostIndex(named) == nil {
            let known = state.hosts.map(\.name).joined(separator: ", ")
            addNotice(&state, index: index, "no host named '\(named)' (hosts: \(known))")
            return []
        }
        let host = named ?? paneHost(state, index)
        let resolved = state.host(named: host)?.models.first { $0.name == name || $0.name == name + ":latest" }?.name
        guard let model = resolved else {
            let on = state.isFleet ? " on \(host)" : ""
            addNotice(&state, index: index, "no installed model '\(name)'\(on) — p pulls one")
            return []
        }
        state.chat.model = model
        state.chat.host = host
        addNotice(&state, index: index, "— now chatting with \(state.isFleet ? "\(model)@\(host)" : model) —")
    case .clear:
        return clearChat(&state, index: index)
    case .save:
        addNotice(&state, index: index, state.chat.sessionKey == nil
            ? "nothing to save yet: the chat is saved as you go from its first message"
            : "saved as you go — ^S lists saved chats")
    case .export(let path, let replace):
        return [.exportMarkdown(pane: state.chat.id, path: path, markdown: transcriptMarkdown(state.chat), replace: replace)]
    case .tools:
        return openToolsOverlay(&state)
    case .help:
        addNotice(&state, index: index, ChatCommand.helpText)
    }
    return []
}

/// ^L and `/clear`: an empty transcript that the next message saves as a new chat. The old chat
/// stays saved whole (its key is never written again from this pane).
func clearChat(_ state: inout AppState, index: Int) -> [Effect] {
    guard !state.chats[index].isStreaming else {
        addNotice(&state, index: index, "a reply is still streaming: Esc stops it, then clear")
        return []
    }
    let hadSession = state.chats[index].sessionKey != nil
    state.chats[index].entries.removeAll()
    state.chats[index].embeddings.removeAll()
    state.chats[index].status = .idle
    state.chats[index].scrollBack = 0
    state.chats[index].jumpToEntry = nil
    state.chats[index].sessionKey = nil
    state.chats[index].sessionTitle = nil
    guard hadSession else { return [] }
    addNotice(&state, index: index, "cleared — the earlier chat stays saved (^S); your next message starts a new one")
    return [.saveOpenPanes(state.chats.compactMap(\.sessionKey))]
}

func applyChatChunk(_ state: inout AppState, pane: Int, _ chunk: ChatResponse) {
    guard let index = state.chatIndex(id: pane), state.chats[index].streamEffect != nil,
        let last = state.chats[index].entries.indices.last, state.chats[index].entries[last].role == .assistant
    else { return }
    // Each chunk is about one token: counted for the host's tokens/s.
    if let host = state.hostIndex(paneHost(state, index)) { state.hosts[host].tokensSinceSample += 1 }
    // Mutate the reply in place: copying it out and back would copy the whole text on every token.
    if let thinking = chunk.message.thinking, !thinking.isEmpty {
        state.chats[index].entries[last].thinking += thinking
        state.chats[index].status = .thinking
    }
    let content = chunk.message.content
    if !content.isEmpty {
        splitThinkTags(&state.chats[index].entries[last], content)
        let hasContent = !state.chats[index].entries[last].content.isEmpty
        if hasContent, state.chats[index].firstTokenAt == nil {
            state.chats[index].firstTokenAt = state.now
            state.chats[index].entries[last].timeToFirstToken = state.chats[index].sentAt.map { state.now.timeIntervalSince($0) }
        }
        state.chats[index].status = hasContent ? .streaming : .thinking
    }
    // Tool calls may come in several chunks, the final one included: each adds to the list.
    if let calls = chunk.message.toolCalls, !calls.isEmpty { state.chats[index].entries[last].toolCalls += calls }
    if chunk.done { state.chats[index].entries[last].metrics = chunk.metrics }
}

/// Older models put their reasoning in the content between `<think>` and `</think>`: move it to
/// the thinking section.
func splitThinkTags(_ entry: inout ChatEntry, _ text: String) {
    // Nearly every token has no tag at all: append it without searching.
    if !entry.insideThinkTag, !text.utf8.contains(UInt8(ascii: "<")) {
        entry.content += text
        trimLeadingWhitespaceAfterThinking(&entry)
        return
    }
    var rest = Substring(text)
    while !rest.isEmpty {
        if entry.insideThinkTag {
            if let close = rest.firstRange(of: "</think>") {
                entry.thinking += rest[rest.startIndex..<close.lowerBound]
                rest = rest[close.upperBound...]
                entry.insideThinkTag = false
            } else {
                entry.thinking += rest
                rest = ""
            }
        } else if let open = rest.firstRange(of: "<think>"), entry.content.allSatisfy(\.isWhitespace) {
            entry.content += rest[rest.startIndex..<open.lowerBound]
            rest = rest[open.upperBound...]
            entry.insideThinkTag = true
        } else {
            entry.content += rest
            rest = ""
        }
    }
    trimLeadingWhitespaceAfterThinking(&entry)
}

/// The answer after a thinking section starts at its first visible character.
private func trimLeadingWhitespaceAfterThinking(_ entry: inout ChatEntry) {
    if !entry.insideThinkTag, entry.content.hasPrefix("\n") || entry.content.hasPrefix(" "),
        !entry.content.allSatisfy(\.isWhitespace), !entry.thinking.isEmpty
    {
        entry.content = String(entry.content.trimmingPrefix(while: { $0 == " " || $0 == "\n" }))
    }
}

func finishChat(_ state: inout AppState, pane: Int, error: OllamaError?) -> [Effect] {
    guard let index = state.chatIndex(id: pane) else { return [] }
    state.chats[index].streamEffect = nil
    guard let entryIndex = state.chats[index].entries.lastIndex(where: { $0.role == .assistant }) else { return [] }
    switch error {
    case nil:
        state.chats[index].status = .done
    case .cancelled?:
        state.chats[index].status = .stopped
        state.chats[index].entries[entryIndex].interruption = "stopped"
    case let error?:
        let message = error.serverMessage ?? error.description
        state.chats[index].status = .failed(message)
        state.chats[index].entries[entryIndex].interruption = message
    }
    var effects = sessionEffects(&state, index: index)
    if let save = entryEffect(state, index: index, entryIndex: entryIndex, complete: true) { effects.append(save) }
    if error == nil, !state.chats[index].entries[entryIndex].toolCalls.isEmpty {
        effects += beginToolCalls(&state, index: index, reply: entryIndex)
    }
    if error == nil, let use = contextUse(state, pane: index) {
        let size = Format.count(use.size)
        var before = state.chats[index]
        before.entries = Array(before.entries[..<entryIndex])
        let wasCut = before.contextUse(allocated: use.size)?.truncated ?? false
        if use.truncated, !wasCut {
            addNotice(&state, index: index, "the conversation no longer fits the context (\(size) tokens): the server dropped the oldest "
                + "messages to fit this reply, so the model no longer sees them (/set parameter num_ctx N gives more room; ^L starts afresh)")
        } else if !use.truncated, use.used * 10 >= use.size * 9 {
            let percent = use.used * 100 / use.size
            addNotice(&state, index: index, "the context is \(percent)% full (\(Format.count(use.used)) of \(size) tokens): "
                + "the server will cut the oldest messages to fit the next one (/set parameter num_ctx N gives more room)")
        }
    }
    return effects
}

/// How full a pane's context was after its last reply (see ``ChatPane/contextUse(allocated:)``),
/// against what its host allocated for the model when it is loaded there.
public func contextUse(_ state: AppState, pane index: Int) -> (used: Int, size: Int, truncated: Bool)? {
    let chat = state.chats[index]
    let loaded = chat.model.flatMap { model in state.host(named: paneHost(state, index))?.running.first { $0.name == model } }
    return chat.contextUse(allocated: loaded.flatMap { $0.contextLength > 0 ? $0.contextLength : nil })
}

func embedded(_ state: inout AppState, pane: Int, text: String, _ result: Result<[Float], OllamaError>) -> [Effect] {
    guard let index = state.chatIndex(id: pane) else { return [] }
    state.chats[index].streamEffect = nil
    switch result {
    case .failure(let error):
        state.chats[index].status = .failed(error.serverMessage ?? error.description)
        addNotice(&state, index: index, "embed failed: \(error.serverMessage ?? error.description)")
    case .success(let vector):
        var lines = ["\(vector.count) dimensions"]
        for previous in state.chats[index].embeddings.suffix(5).reversed() {
            let similarity = cosineSimilarity(vector, previous.vector)
            lines.append("cosine \(similarityText(similarity)) vs “\(DisplayWidth.truncate(previous.text, toWidth: 30, ellipsis: true))”")
        }
        state.chats[index].embeddings.append(EmbeddedInput(text: text, vector: vector))
        state.chats[index].entries.append(ChatEntry(role: .assistant, content: lines.joined(separator: "\n")))
        state.chats[index].status = .done
        if let save = entryEffect(state, index: index, entryIndex: state.chats[index].entries.count - 1, complete: true) {
            return [save]
        }
    }
    return []
}

func similarityText(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let sign = thousandths < 0 ? "-" : ""
    let magnitude = abs(thousandths)
    return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - String(magnitude % 1000).count))\(magnitude % 1000)"
}

func imageRead(_ state: inout AppState, pane: Int, _ result: Result<AttachedImage, ChatInputError>) {
    guard let index = state.chatIndex(id: pane) else { return }
    switch result {
    case .failure(let error):
        addNotice(&state, index: index, error.message)
    case .success(let image):
        state.chats[index].pendingImages.append(image)
        var note = "attached \(image.label) — it goes with your next message"
        if let model = state.chats[index].model, let installed = paneModels(state, index).first(where: { $0.name == model }),
            !installed.capabilities.isEmpty, !installed.capabilities.contains("vision")
        {
            note += " (warning: \(model) has no vision capability; the server will refuse it)"
        }
        addNotice(&state, index: index, note)
    }
}

/// Chat-pane actions that are not typing.
func performChatAction(_ state: inout AppState, _ action: Action) -> [Effect] {
    switch action {
    case .sessions:
        state.overlay = .sessions(SessionListState())
        return [.listSessions]
    case .newPane:
        guard state.chats.count < AppState.maxChatPanes else {
            addNotice(&state, index: state.activeChat, "at most \(AppState.maxChatPanes) chat panes: ^X closes one")
            return []
        }
        var pane = ChatPane(id: state.nextChatID, model: state.chat.model)
        pane.host = state.chat.host
        pane.system = state.chat.system
        state.nextChatID += 1
        state.chats.insert(pane, at: state.activeChat + 1)
        state.activeChat += 1
    case .closePane:
        var effects: [Effect] = []
        if let id = state.chat.streamEffect { effects.append(.cancel(id)) }
        if state.chats.count == 1 {
            let host = state.chat.host
            state.chats = [ChatPane(id: state.nextChatID, model: state.chat.model)]
            state.chats[0].host = host
            state.nextChatID += 1
        } else {
            state.chats.remove(at: state.activeChat)
            state.activeChat = min(state.activeChat, state.chats.count - 1)
        }
        return effects + [.saveOpenPanes(state.chats.compactMap(\.sessionKey))]
    case .nextPane:
        state.activeChat = (state.activeChat + 1) % state.chats.count
    case .toggleCompare:
        state.compareMode.toggle()
        setNotice(&state, state.compareMode ? "compare: Enter sends to every pane" : "compare off")
    case .toggleThinking:
        state.chat.thinkingCollapsed.toggle()
    case .toggleToolResults:
        state.chat.toolResultsShown.toggle()
    case .regenerate:
        guard !state.chat.isStreaming, let lastUser = state.chat.entries.lastIndex(where: { $0.role == .user }) else {
            return []
        }
        let prompt = state.chat.entries[lastUser].content
        let images = state.chat.entries[lastUser].images
        let position = state.chat.storedPosition(of: lastUser)
        state.chat.entries.removeSubrange(lastUser...)
        state.chat.pendingImages = images
        let truncate: [Effect] = state.chat.sessionKey.map { [.truncateSession($0, from: position)] } ?? []
        return truncate + send(&state, index: state.activeChat, prompt: prompt)
    case .historyUp, .historyDown:
        let history = state.chat.history
        guard !history.isEmpty else { return [] }
        var index = state.chat.historyIndex ?? history.count
        index += action == .historyUp ? -1 : 1
        if index >= history.count {
            state.chat.historyIndex = nil
            state.chat.input = TextInput()
        } else {
            index = max(0, index)
            state.chat.historyIndex = index
            state.chat.input = TextInput(history[index])
        }
    case .newline:
        state.chat.input.insert("\n")
    case .copyReply:
        guard let reply = state.chat.entries.last(where: { $0.role == .assistant && !$0.content.isEmpty }) else {
            addNotice(&state, index: state.activeChat, "no reply to copy yet")
            return []
        }
        setNotice(&state, "copied the last reply")
        return [.copyToClipboard(reply.content)]
    case .copyCode:
        guard let reply = state.chat.entries.last(where: { $0.role == .assistant && !$0.content.isEmpty }),
            let code = lastCodeBlock(reply.content)
        else {
            addNotice(&state, index: state.activeChat, "no code block in the last reply")
            return []
        }
        setNotice(&state, "copied the last code block")
        return [.copyToClipboard(code)]
    default: break
    }
    return []
}

/// The body of the last fenced code block.
func lastCodeBlock(_ text: String) -> String? {
    var blocks: [[Substring]] = []
    var current: [Substring]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("```") {
            if let open = current {
                blocks.append(open)
                current = nil
            } else {
                current = []
            }
        } else {
            current?.append(line)
        }
    }
    if let open = current { blocks.append(open) }
    return blocks.last.map { $0.joined(separator: "\n") }
}

/// The pane's transcript as Markdown, for `/export`.
public func transcriptMarkdown(_ pane: ChatPane) -> String {
    var out = "# Chat with \(pane.model ?? "no model")\n\n"
    if let system = pane.system { out += "> system: \(system)\n\n" }
    for entry in pane.entries {
        switch entry.role {
        case .user:
            out += "## You\n\n\(entry.content)\n\n"
            for image in entry.images { out += "_image: \(image.label)_\n\n" }
        case .assistant:
            out += "## \(pane.model ?? "Assistant")\n\n"
            if !entry.thinking.isEmpty {
                out += entry.thinking.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }
                    .joined(separator: "\n") + "\n\n"
            }
            if !entry.content.isEmpty { out += entry.content + "\n\n" }
            if let interruption = entry.interruption { out += "_(\(interruption))_\n\n" }
            if let metrics = entry.metrics, let rate = metrics.evalRate {
                out += "_\(metrics.evalCount) tokens · \(Format.tokensPerSecond(rate))_\n\n"
            }
        case .tool:
            guard let call = entry.tool else { continue }
            let server = call.server.map { " on \($0)" } ?? ""
            out += "### Tool call: \(call.name)\(server) — \(ToolCallText.stateLabel(call.state))\n\n"
            out += "```json\n\(call.argumentsText)\n```\n\n"
            if !entry.content.isEmpty {
                // A fence longer than any run of backticks in the result keeps it one block.
                let fence = String(repeating: "`", count: max(3, longestBacktickRun(entry.content) + 1))
                out += "\(fence)\n\(entry.content)\n\(fence)\n\n"
            }
        case .unreadable:
            out += "_(\(entry.content))_\n\n"
        case .notice, .system:
            continue
        }
    }
    return out
}

/// The longest run of backticks in `text`.
func longestBacktickRun(_ text: String) -> Int {
    var longest = 0
    var run = 0
    for byte in text.utf8 {
        run = byte == UInt8(ascii: "`") ? run + 1 : 0
        longest = max(longest, run)
    }
    return longest
}

/// Thinking levels as the pane shows and checks them.
enum ThinkLevels {
    /// Models that take only a level (gpt-oss): `think: true` or `false` is not what they expect.
    static func onlyLevels(_ model: InstalledModel) -> Bool {
        let family = model.details.family.lowercased()
        return family == "gptoss" || family == "gpt-oss" || model.name.lowercased().hasPrefix("gpt-oss")
    }

    /// "on", "off", "high".
    static func label(_ setting: ThinkSetting) -> String {
        switch setting {
        case .enabled(let on): return on ? "on" : "off"
        case .level(let level): return level
        }
    }
}
