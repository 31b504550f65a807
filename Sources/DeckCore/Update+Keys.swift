import Algorithms
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit
import TermUI

/// The key contexts the dashboard is in, most specific first: an overlay (and its text field), or
/// the focused pane with its text field, then the keys that work everywhere. ``Keymap`` resolves
/// every key against this stack, and the help bar and `?` read the same stack.
public func keyContexts(_ state: AppState) -> [KeyContext] {
    if state.width < AppState.minimumWidth || state.height < AppState.minimumHeight { return [.tooSmall] }
    if let overlay = state.overlay {
        switch overlay {
        case .help(let help): return help.isSearching ? [.overlay(.helpSearch), .textInput] : [.overlay(.help)]
        case .confirmQuit, .confirmDelete, .confirmReplace, .confirmPush: return [.overlay(.confirm)]
        case .pullPrompt: return state.isFleet ? [.overlay(.pullPrompt), .textInput] : [.overlay(.prompt), .textInput]
        case .prompt: return [.overlay(.prompt), .textInput]
        case .createForm: return [.overlay(.createForm), .textInput]
        case .details(let details): return details.isSearching ? [.overlay(.detailsSearch), .textInput] : [.overlay(.details)]
        case .sessions(let list):
            if list.renaming != nil { return [.overlay(.sessionsRename), .textInput] }
            if list.confirmingDelete { return [.overlay(.confirm)] }
            if list.isSearching { return [.overlay(.sessionsSearch), .textInput] }
            return [.overlay(.sessions)]
        case .tools: return [.overlay(.tools)]
        }
    }
    return paneKeyContexts(state)
}

/// The key contexts of the focused pane, as they are when no overlay is open: for hints drawn in a
/// pane, which name the key that works there once the overlay closes.
public func paneKeyContexts(_ state: AppState) -> [KeyContext] {
    switch state.focus {
    case .models where state.modelsPane.isEditingFilter: return [.filterInput, .textInput]
    case .chat where state.chat.status == .awaitingApproval: return [.toolApproval, .pane(.chat), .global]
    case .chat: return [.pane(.chat), .textInput, .global]
    default: return [.pane(state.focus), .global]
    }
}

/// Key handling: the keymap decides what the key does here; then the action is performed.
func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    if case .pasteCut(let text, let dropped) = key {
        setNotice(&state, "paste too long: kept the first \(text.count) characters, left out \(dropped)")
        return handleKey(&state, .paste(text))
    }
    guard let action = Keymap.action(for: key, in: keyContexts(state)) else { return [] }
    if action == .forceQuit { return quitNow(&state) }
    if let overlay = state.overlay { return performOverlay(&state, overlay, action, key) }
    if state.focus == .models, state.modelsPane.isEditingFilter { return performFilter(&state, action, key) }
    if action == .type || action == .edit {
        if state.focus == .chat { _ = state.chat.input.handle(key) }
        return []
    }
    return perform(&state, action)
}

/// Marks streams and jobs of the server being left as stopped (their effects are cancelled).
func cancelChatsAndPulls(_ state: inout AppState) {
    for index in state.chats.indices where state.chats[index].isStreaming { state.chats[index].status = .stopped }
}

func quitNow(_ state: inout AppState) -> [Effect] {
    state.wantsQuit = true
    return cancelAll(&state) + [.quit]
}

/// An action inside an overlay; each overlay's own function handles its actions.
func performOverlay(_ state: inout AppState, _ overlay: Overlay, _ action: Action, _ key: Key) -> [Effect] {
    switch overlay {
    case .help(let help):
        return performHelp(&state, help, action, key)
    case .confirmQuit:
        state.overlay = nil
        return action == .confirm ? quitNow(&state) : []  // anything else keeps running: the default is No
    case .pullPrompt(var prompt):
        switch action {
        case .cancel:
            state.overlay = nil
        case .submit:
            let name = String(prompt.input.text.trimming(while: \.isWhitespace))
            if let problem = ModelNameCheck.problem(with: name) {
                prompt.error = problem
                state.overlay = .pullPrompt(prompt)
                return []
            }
            state.overlay = nil
            return startPull(&state, model: name, host: prompt.host)
        case .nextField, .previousField:
            prompt.host = hostAfter(state, prompt.host, step: action == .nextField ? 1 : -1)
            state.overlay = .pullPrompt(prompt)
        default:
            _ = prompt.input.handle(key)
            prompt.error = nil
            state.overlay = .pullPrompt(prompt)
        }
        return []
    case .prompt(let prompt):
        return performPrompt(&state, prompt, action, key)
    case .confirmDelete(let candidates):
        state.overlay = nil
        guard action == .confirm else {
            setNotice(&state, "nothing deleted")
            return []
        }
        state.modelsPane.marked.removeAll()
        return candidates.map { .modelOperation(.delete($0.name), host: $0.host) }
    case .confirmReplace(let operation, let host, _):
        state.overlay = nil
        guard action == .confirm else {
            setNotice(&state, "nothing replaced")
            return []
        }
        return [.modelOperation(operation, host: host)]
    case .confirmPush(let target):
        state.overlay = nil
        guard action == .confirm else { return [] }
        return startJob(&state, kind: .push, model: target.name, host: target.host, create: nil)
    case .createForm(let form):
        return performCreateForm(&state, form, action, key)
    case .details(let details):
        return performDetails(&state, details, action, key)
    case .sessions(let list):
        return performSessionList(&state, list, action, key)
    case .tools(let tools):
        return performToolsOverlay(&state, tools, action)
    }
}

/// Keys while the Models filter is typed: Enter keeps it, Esc clears it, ↑ ↓ PgUp PgDn leave it
/// and move.
func performFilter(_ state: inout AppState, _ action: Action, _ key: Key) -> [Effect] {
    switch action {
    case .submit:
        state.modelsPane.isEditingFilter = false
    case .cancel:
        state.modelsPane.isEditingFilter = false
        state.modelsPane.filter.clear()
    case .moveUp, .moveDown, .pageUp, .pageDown:
        state.modelsPane.isEditingFilter = false
        move(&state, action)
        return []
    default:
        _ = state.modelsPane.filter.handle(key)
    }
    state.modelsPane.scroll = 0
    keepModelSelection(&state)
    return []
}

func perform(_ state: inout AppState, _ action: Action) -> [Effect] {
    switch action {
    case .focusNext, .focusPrevious:
        let panes = Pane.shown(fleet: state.isFleet)
        let current = panes.firstIndex(of: state.focus) ?? 0
        state.focus = panes[(current + (action == .focusNext ? 1 : panes.count - 1)) % panes.count]
    case .focusHosts:
        guard state.isFleet else {
            setNotice(&state, "one server: the Hosts pane shows when several are named (--host NAME=URL, repeated)")
            return []
        }
        state.focus = .hosts
        if state.selectedHost == nil { state.selectedHost = state.hosts.first?.name }
    case .focusModels: state.focus = .models
    case .focusRunning: state.focus = .running
    case .focusPulls: state.focus = .pulls
    case .focusChat: state.focus = .chat
    case .help: state.overlay = .help(HelpState(underlying: keyContexts(state)))
    case .quit:
        if state.hasActiveWork {
            state.overlay = .confirmQuit
        } else {
            return quitNow(&state)
        }
    case .forceQuit: return quitNow(&state)
    case .refresh:
        return refreshHosts(&state)
    case .pull: state.overlay = .pullPrompt(PullPrompt(host: focusedHost(state)))
    case .demo:
        if let host = state.demoReturnHost {
            // A demo started from here goes back to the server it replaced.
            cancelChatsAndPulls(&state)
            setNotice(&state, "back to \(host)")
            return cancelAll(&state) + [.stopDemo]
        }
        guard state.canOfferDemo else {
            setNotice(&state, "the demo replaces only the default server; start with --demo to try it")
            return []
        }
        if case .offline = state.primary.connection, !state.isDemo, !state.isFleet { return [.startDemo] }
        setNotice(&state, "the demo starts only while the server is unreachable")
    case .moveUp, .moveDown, .pageUp, .pageDown, .moveTop, .moveBottom:
        move(&state, action)
    case .filter:
        state.modelsPane.isEditingFilter = true
    case .clearFilter:
        state.modelsPane.filter.clear()
        state.modelsPane.marked.removeAll()
        keepModelSelection(&state)
    case .cycleSort:
        state.modelsPane.sort = state.modelsPane.sort.next(fleet: state.isFleet)
        state.modelsPane.sortDescending = state.modelsPane.sort.defaultDescending
    case .reverseSort:
        state.modelsPane.sortDescending.toggle()
    case .chatWithModel:
        guard let ref = state.modelsPane.selected, let model = state.installedModel(ref) else {
            return []
        }
        let name = ref.name
        if model.capabilities.contains("embedding"), !model.capabilities.contains("completion") {
            setNotice(&state, "\(name) is an embedding model: it cannot chat")
            return []
        }
        let switching = state.chat.model != name || (state.chat.host ?? state.defaultHost) != ref.host
        state.chat.model = name
        state.chat.host = ref.host
        if switching, !state.chat.entries.isEmpty {
            let label = state.isFleet ? "\(name)@\(ref.host)" : name
            state.chat.entries.append(ChatEntry(role: .notice, content: "— now chatting with \(label) —"))
        }
        state.focus = .chat
    case .filterHost:
        // Enter on a host: the Models pane narrowed to it.
        guard let host = state.selectedHost ?? state.hosts.first?.name else { return [] }
        state.modelsPane.filter = TextInput("@\(host)")
        state.focus = .models
        keepModelSelection(&state)
    case .send: return sendChat(&state)
    case .stop:
        if state.compareMode {
            let running = state.chats.compactMap(\.streamEffect)
            if !running.isEmpty { return running.map { .cancel($0) } }
        }
        if let id = state.chat.streamEffect { return [.cancel(id)] }
        if state.chat.awaitingToolServers || state.chat.status == .awaitingApproval {
            return stopToolLoop(&state, index: state.activeChat)
        }
        if !state.chat.input.isEmpty { state.chat.input.clear() }
    case .mark, .delete, .copy, .rename, .details, .load, .unload, .keepAlive, .create, .push:
        return performModelAction(&state, action)
    case .cancelJob, .restartJob, .clearFinished, .showError:
        return performJobAction(&state, action)
    case .newPane, .closePane, .nextPane, .toggleCompare, .toggleThinking, .toggleToolResults, .regenerate, .historyUp, .historyDown,
        .newline, .copyReply, .copyCode, .sessions:
        return performChatAction(&state, action)
    case .clearChat:
        return clearChat(&state, index: state.activeChat)
    case .approveOnce, .approveAlways, .refuseTool, .explainApproval:
        return answerApproval(&state, action)
    case .tools:
        return openToolsOverlay(&state)
    case .toggleTool, .restartToolServer:
        break  // the `/tools` overlay's own
    case .type, .edit, .submit, .cancel, .confirm, .decline, .nextField, .previousField, .search, .nextMatch,
        .renameSession, .deleteSession:
        break  // overlay and text-field actions, handled before
    }
    return []
}

func move(_ state: inout AppState, _ action: Action) {
    let page = max(1, state.height / 3)
    switch state.focus {
    case .models:
        let visible = state.modelsPane.visible
        guard !visible.isEmpty else { return }
        let current = state.modelsPane.selected.flatMap { visible.firstIndex(of: $0) } ?? 0
        let target = moved(current, action, count: visible.count, page: page)
        state.modelsPane.selected = visible[target].ref
    case .running:
        let rows = state.runningRows
        guard !rows.isEmpty else { return }
        let current = rows.firstIndex { $0.ref == state.selectedRunning } ?? 0
        state.selectedRunning = rows[moved(current, action, count: rows.count, page: page)].ref
    case .hosts:
        moveHostSelection(&state, action, page: page)
    case .pulls:
        guard !state.pulls.isEmpty else { return }
        let current = state.pulls.firstIndex { $0.id == state.selectedPull } ?? 0
        state.selectedPull = state.pulls[moved(current, action, count: state.pulls.count, page: page)].id
    case .chat:
        // In compare mode the panes scroll together.
        let targets = state.compareMode ? Array(state.chats.indices) : [state.activeChat]
        for index in targets {
            switch action {
            case .pageUp:
                state.chats[index].jumpToEntry = nil
                state.chats[index].scrollBack += page
            case .pageDown: state.chats[index].scrollBack = max(0, state.chats[index].scrollBack - page)
            case .moveBottom:
                state.chats[index].jumpToEntry = nil
                state.chats[index].scrollBack = 0
                _ = state.chats[index].input.handle(.end)
            default: break
            }
        }
    }
}

func moved(_ index: Int, _ action: Action, count: Int, page: Int) -> Int {
    let target: Int
    switch action {
    case .moveUp: target = index - 1
    case .moveDown: target = index + 1
    case .pageUp: target = index - page
    case .pageDown: target = index + page
    case .moveTop: target = 0
    case .moveBottom: target = count - 1
    default: target = index
    }
    return min(max(0, target), count - 1)
}

func startPull(_ state: inout AppState, model: String, host: String) -> [Effect] {
    startJob(&state, kind: .pull, model: model, host: host, create: nil)
}

/// Checks a model name before any request: `name`, `name:tag`, `namespace/name:tag`, `host/namespace/name:tag`.
public enum ModelNameCheck {
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "type a model name, such as llama3.2 or qwen3:8b" }
        if name.contains(" ") { return "a model name has no spaces" }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > 3 { return "too many '/': use host/namespace/name:tag at most" }
        if parts.contains(where: \.isEmpty) { return "empty part between '/'" }
        let last = parts.last!
        let nameAndTag = last.split(separator: ":", omittingEmptySubsequences: false)
        if nameAndTag.count > 2 { return "only one ':' may separate name and tag" }
        if nameAndTag.contains(where: \.isEmpty) { return "empty name or tag around ':'" }
        let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || "._-".contains(c)) }
        for part in parts.dropLast() + nameAndTag where !part.allSatisfy(allowed) {
            return "'\(part)' has characters a model name cannot have"
        }
        if let first = nameAndTag[0].first, !(first.isLetter || first.isNumber) {
            return "a model name starts with a letter or digit"
        }
        return nil
    }

    /// The name as Ollama compares names: lower-cased, with `:latest` when no tag is given.
    public static func canonical(_ name: String) -> String {
        let lower = name.lowercased()
        let last = lower.split(separator: "/").last ?? Substring(lower)
        return last.contains(":") ? lower : lower + ":latest"
    }
}
