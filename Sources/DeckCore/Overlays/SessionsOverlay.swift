import Algorithms
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit
import TermUI

/// The session list overlay: saved chats, search hits, rename and delete.
public struct SessionListState: Sendable, Equatable {
    public var sessions: [SessionSummary]?
    public var hits: [SearchHit]?
    public var selected = 0
    public var search = TextInput()
    public var isSearching = false
    public var renaming: TextInput?
    public var confirmingDelete = false
    public var error: String?

    public init() {}

    public var rowCount: Int { hits?.count ?? sessions?.count ?? 0 }
}

/// Effects that save a pane's session header (creating the session on its first message).
func sessionEffects(_ state: inout AppState, index: Int) -> [Effect] {
    var pane = state.chats[index]
    var effects: [Effect] = []
    if pane.sessionKey == nil {
        // The salt (random per run) keeps keys apart even if the clock was set back since an
        // earlier run: a new chat never writes into an old one.
        pane.sessionKey = "s\(Int64(state.now.timeIntervalSince1970 * 1000))-\(state.sessionKeySalt)\(pane.id)"
        let first = pane.entries.first { $0.role == .user }?.content ?? "chat"
        pane.sessionTitle = DisplayWidth.truncate(first.replacingNewlinesWithSpaces(), toWidth: 48, ellipsis: true)
        state.chats[index] = pane
        effects.append(.saveOpenPanes(state.chats.compactMap(\.sessionKey)))
    }
    guard let key = pane.sessionKey else { return effects }
    let header = SessionHeader(key: key, title: pane.sessionTitle ?? "chat", model: pane.model, system: pane.system,
                               options: pane.options, updatedAt: state.wallNow, host: paneHost(state, index))
    return [.saveSession(header)] + effects
}

/// The effect that saves entry `entryIndex` of pane `index`.
func entryEffect(_ state: AppState, index: Int, entryIndex: Int, complete: Bool) -> Effect? {
    let pane = state.chats[index]
    guard let key = pane.sessionKey, entryIndex < pane.entries.count, pane.entries[entryIndex].isStored,
        pane.entries[entryIndex].role != .unreadable else { return nil }
    return .saveEntry(session: key, position: pane.storedPosition(of: entryIndex), entry: pane.entries[entryIndex], complete: complete)
}

/// Saves the partial replies of streaming panes (each tick), so a killed process keeps them.
func partialReplyEffects(_ state: AppState) -> [Effect] {
    state.chats.indices.compactMap { index in
        guard state.chats[index].isStreaming, let last = state.chats[index].entries.indices.last,
            state.chats[index].entries[last].role == .assistant
        else { return nil }
        return entryEffect(state, index: index, entryIndex: last, complete: false)
    }
}

/// Keys in the saved-chats overlay: the list, its search, rename, and the delete question.
func performSessionList(_ state: inout AppState, _ list: SessionListState, _ action: Action, _ key: Key) -> [Effect] {
    var list = list
    defer { if state.overlay != nil { state.overlay = .sessions(list) } }
    if var name = list.renaming {
        switch action {
        case .cancel: list.renaming = nil
        case .submit:
            let title = String(name.text.trimming(while: \.isWhitespace))
            list.renaming = nil
            guard !title.isEmpty, let sessions = list.sessions, list.selected < sessions.count else { return [] }
            let key = sessions[list.selected].key
            for index in state.chats.indices where state.chats[index].sessionKey == key { state.chats[index].sessionTitle = title }
            return [.renameSession(key, title: title), .listSessions]
        default:
            _ = name.handle(key)
            list.renaming = name
        }
        return []
    }
    if list.confirmingDelete {
        list.confirmingDelete = false
        guard action == .confirm, let sessions = list.sessions, list.selected < sessions.count else { return [] }
        let doomed = sessions[list.selected]
        let effects = closePanes(&state, showing: doomed)
        return effects + [.deleteSession(doomed.key), .listSessions]
    }
    if list.isSearching {
        switch action {
        case .cancel:
            list.isSearching = false
            list.search.clear()
            list.hits = nil
            list.selected = 0
        case .submit:
            list.isSearching = false
        default:
            _ = list.search.handle(key)
            list.selected = 0
            if list.search.isEmpty {
                list.hits = nil
                return []
            }
            return [.searchSessions(list.search.text)]
        }
        return []
    }
    let page = max(1, (state.height - 6) / 2)
    switch action {
    case .cancel:
        if list.hits != nil {
            list.hits = nil
            list.search.clear()
            list.selected = 0
        } else {
            state.overlay = nil
        }
    case .moveUp, .moveDown, .pageUp, .pageDown:
        let step = action == .moveUp ? -1 : action == .moveDown ? 1 : action == .pageUp ? -page : page
        list.selected = max(0, min(max(0, list.rowCount - 1), list.selected + step))
    case .search:
        list.isSearching = true
    case .renameSession:
        guard list.hits == nil, let sessions = list.sessions, list.selected < sessions.count else { return [] }
        list.renaming = TextInput(selecting: sessions[list.selected].title)
    case .deleteSession:
        guard list.hits == nil, let sessions = list.sessions, list.selected < sessions.count else { return [] }
        list.confirmingDelete = true
    case .submit:
        guard !state.chat.isStreaming else {
            list.error = "the pane is streaming: Esc stops it first"
            return []
        }
        if let hits = list.hits, list.selected < hits.count {
            state.overlay = nil
            return [.openSession(key: hits[list.selected].sessionKey, pane: state.chat.id, jumpTo: hits[list.selected].position)]
        }
        if let sessions = list.sessions, list.selected < sessions.count {
            state.overlay = nil
            return [.openSession(key: sessions[list.selected].key, pane: state.chat.id, jumpTo: nil)]
        }
    default: break
    }
    return []
}

func sessionMessage(_ state: inout AppState, _ msg: Msg) -> [Effect] {
    switch msg {
    case .sessionsListed(let result):
        guard case .sessions(var list)? = state.overlay else { return [] }
        switch result {
        case .success(let sessions):
            list.sessions = sessions
            list.selected = min(list.selected, max(0, sessions.count - 1))
        case .failure(let error): list.error = error.message
        }
        state.overlay = .sessions(list)
    case .searchFinished(let query, let result):
        guard case .sessions(var list)? = state.overlay, list.search.text == query else { return [] }
        switch result {
        case .success(let hits): list.hits = hits
        case .failure(let error): list.error = error.message
        }
        state.overlay = .sessions(list)
    case .sessionOpened(let pane, let result, let jumpTo):
        guard let index = state.chatIndex(id: pane) else { return [] }
        switch result {
        case .failure(let error): addNotice(&state, index: index, error.message)
        case .success(let record):
            state.chats[index].load(record)
            placeReopenedPane(&state, index: index)
            if let jumpTo {
                // Stored positions count only stored entries, which is all of a freshly loaded pane.
                state.chats[index].jumpToEntry = min(jumpTo, max(0, record.entries.count - 1))
            }
            state.focus = .chat
            return [.saveOpenPanes(state.chats.compactMap(\.sessionKey))]
        }
    case .storeFailed(let reason):
        setNotice(&state, "chat history unavailable: \(reason) — chats go on without it")
    case .storeRecovered:
        // Writes may have failed meanwhile: write every open chat again, whole.
        setNotice(&state, "chat history is saved again")
        var effects: [Effect] = []
        for index in state.chats.indices where state.chats[index].sessionKey != nil {
            effects += sessionEffects(&state, index: index)
            for entryIndex in state.chats[index].entries.indices {
                let complete = !(state.chats[index].isStreaming && entryIndex == state.chats[index].entries.count - 1)
                if let save = entryEffect(state, index: index, entryIndex: entryIndex, complete: complete) { effects.append(save) }
            }
        }
        return effects
    default: break
    }
    return []
}

/// Closes every pane showing a saved chat that is being deleted (stopping its reply first), so
/// nothing is written under the deleted key again; says which panes closed.
func closePanes(_ state: inout AppState, showing session: SessionSummary) -> [Effect] {
    let doomed = state.chats.indices.filter { state.chats[$0].sessionKey == session.key }
    guard !doomed.isEmpty else { return [] }
    let activeID = state.chat.id
    var effects: [Effect] = doomed.compactMap { state.chats[$0].streamEffect.map { .cancel($0) } }
    let model = state.chats[doomed[0]].model
    state.chats.removeAll { $0.sessionKey == session.key }
    if state.chats.isEmpty {
        state.chats = [ChatPane(id: state.nextChatID, model: model)]
        state.nextChatID += 1
    }
    state.activeChat = state.chatIndex(id: activeID) ?? min(state.activeChat, state.chats.count - 1)
    let panes = doomed.count == 1 ? "its pane" : "its \(doomed.count) panes"
    let text = "deleted “\(session.title)” and closed \(panes)"
    setNotice(&state, text)
    addNotice(&state, index: state.activeChat, text)  // the status line may be too narrow for it
    effects.append(.saveOpenPanes(state.chats.compactMap(\.sessionKey)))
    return effects
}

/// Builds the initial panes from the sessions that were open when the app last ran.
public func restoreSessions(_ state: inout AppState, _ records: [SessionRecord]) {
    guard !records.isEmpty else { return }
    state.chats = records.prefix(AppState.maxChatPanes).enumerated().map { offset, record in
        var pane = ChatPane(id: offset + 1)
        pane.load(record)
        return pane
    }
    state.nextChatID = state.chats.count + 1
    state.activeChat = 0
    for index in state.chats.indices { placeReopenedPane(&state, index: index) }
}

/// A reopened chat goes back to its host. When that host is not named now, it goes to a host that
/// has its model (as soon as one is known, see ``rehomeChats(_:)``), and says so; with one server
/// it simply runs there, as before fleets.
func placeReopenedPane(_ state: inout AppState, index: Int) {
    guard let host = state.chats[index].host, state.hostIndex(host) == nil else { return }
    state.chats[index].host = nil
    if state.isFleet { state.chats[index].savedOnMissingHost = host }
    rehomeChats(&state)
}

/// Moves reopened chats whose host is gone to the first host that has their model.
func rehomeChats(_ state: inout AppState) {
    for index in state.chats.indices {
        guard let missing = state.chats[index].savedOnMissingHost, let model = state.chats[index].model else { continue }
        guard let host = state.hosts.first(where: { $0.installedModel(named: model) != nil }) else { continue }
        state.chats[index].host = host.name
        state.chats[index].savedOnMissingHost = nil
        addNotice(&state, index: index, "this chat ran on \(missing), which is not named now: it continues on \(host.name), which has \(model)")
    }
}

extension String {
    func replacingNewlinesWithSpaces() -> String { String(map { $0 == "\n" ? " " : $0 }) }
}
