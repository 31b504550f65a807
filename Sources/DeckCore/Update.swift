#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit
import TermUI

/// Folds one message into the state and returns the effects to run. Pure: no I/O, no clock.
public func update(_ state: inout AppState, _ msg: Msg) -> [Effect] {
    switch msg {
    case .keyPressed(let key):
        return handleKey(&state, key)
    case .resized(let width, let height):
        state.width = max(0, width)
        state.height = max(0, height)
        return []
    case .ticked(let now):
        return tick(&state, now: now)
    case .clockAdvanced(let now):
        state.now = now
        return []
    case .wallClockMoved(let offset):
        state.wallClockOffset = offset
        return []
    case .versionLoaded, .modelsLoaded, .modelsUnchanged, .runningLoaded:
        return hostReported(&state, msg)
    case .pullProgressed(let job, let line):
        guard let index = state.pulls.firstIndex(where: { $0.id == job }) else { return [] }
        state.pulls[index].apply(line, now: state.now)
        return []
    case .pullFinished(let job, let error):
        guard let index = state.pulls.firstIndex(where: { $0.id == job }) else { return [] }
        if let error {
            if error == .cancelled {
                state.pulls[index].phase = .cancelled
            } else {
                state.pulls[index].phase = .failed
                state.pulls[index].error = error.serverMessage ?? error.description
            }
            return []
        }
        if state.pulls[index].phase != .done {
            state.pulls[index].phase = .failed
            state.pulls[index].error = OllamaError.unexpectedEndOfStream.description
            return []
        }
        // The host's list now has the model.
        guard let host = state.hostIndex(state.pulls[index].host) else { return [] }
        state.hosts[host].pendingRequests += 1
        return [.fetchModels(host: state.hosts[host].name)]
    case .chatChunkReceived(let pane, let chunk):
        applyChatChunk(&state, pane: pane, chunk)
        return []
    case .chatFinished(let pane, let error):
        return finishChat(&state, pane: pane, error: error)
    case .chatLinesSkipped(let pane, let count, let example):
        guard let index = state.chatIndex(id: pane) else { return [] }
        let lines = count == 1 ? "a line" : "\(count) lines"
        addNotice(&state, index: index, "the server sent \(lines) that were not JSON (skipped; the reply went on): \(example)")
        return []
    case .chatScrollSettled(let report):
        guard let index = state.chatIndex(id: report.pane), state.chats[index].scrollBack > 0 else { return [] }
        state.chats[index].scrollBack = report.scrollBack
        state.chats[index].scrollAnchorLines = report.scrollBack > 0 ? report.replyLines : nil
        return []
    case .imageRead(let pane, let result):
        imageRead(&state, pane: pane, result)
        return []
    case .embedded(let pane, let text, let result):
        return embedded(&state, pane: pane, text: text, result)
    case .sessionsListed, .searchFinished, .sessionOpened, .storeFailed, .storeRecovered:
        return sessionMessage(&state, msg)
    case .exported(let pane, let path, let error):
        // Said in the pane that asked, where it is seen.
        let text = error.map { "export failed: \($0)" } ?? "exported to \(path)"
        if let index = state.chatIndex(id: pane) { addNotice(&state, index: index, text) } else { setNotice(&state, text) }
        return []
    case .operationFinished(let operation, let host, let error):
        return operationFinished(&state, operation, host: host, error)
    case .modelShown(let host, let name, let result):
        modelShown(&state, host: host, name: name, result)
        return []
    case .demoStarted(let url):
        // The demo stands in for the one server of a single-host dashboard, under its name.
        state.demoReturnHost = state.hosts[0].url
        state.hosts[0].url = url
        state.isDemo = true
        state.hosts[0].connection = .connecting
        state.hosts[0].retryDelay = 1
        state.notice = nil
        return startupEffects(&state)
    case .demoStopped(let url):
        state.hosts[0].url = url
        state.isDemo = false
        state.demoReturnHost = nil
        state.hosts[0].connection = .connecting
        state.hosts[0].serverProblems = [:]
        state.hosts[0].retryDelay = 1
        return startupEffects(&state)
    case .demoFailed(let reason):
        setNotice(&state, "demo failed: \(reason)")
        return []
    case .toolServerStarted(let name, let result):
        return toolServerStarted(&state, name: name, result)
    case .toolServerFailed(let name, let reason, let stderr):
        toolServerFailed(&state, name: name, reason: reason, stderr: stderr)
        return []
    case .toolCallFinished(let pane, let id, let outcome):
        return toolCallFinished(&state, pane: pane, id: id, outcome)
    case .terminationRequested:
        state.wantsQuit = true
        return cancelAll(&state) + [.quit]
    }
}

func tick(_ state: inout AppState, now: Date) -> [Effect] {
    state.now = now
    if let noticeAt = state.noticeAt, now.timeIntervalSince(noticeAt) > 8 {
        state.notice = nil
        state.noticeAt = nil
    }
    var effects: [Effect] = partialReplyEffects(state)
    for index in state.hosts.indices { effects += tickHost(&state.hosts[index], now: now) }
    return effects
}

func setNotice(_ state: inout AppState, _ text: String) {
    state.notice = text
    state.noticeAt = state.now
}

/// Keeps the selection on the same model across refreshes, filtering and sorting; falls back to
/// the nearest row when it disappeared.
func keepModelSelection(_ state: inout AppState, nearRow previousRow: Int? = nil) {
    let visible = state.modelsPane.visible
    if let selected = state.modelsPane.selected, visible.firstIndex(of: selected) != nil { return }
    guard !visible.isEmpty else {
        state.modelsPane.selected = nil
        return
    }
    state.modelsPane.selected = visible[min(previousRow ?? 0, visible.count - 1)].ref
}

func cancelAll(_ state: inout AppState) -> [Effect] {
    var effects: [Effect] = []
    for pane in state.chats { if let id = pane.streamEffect { effects.append(.cancel(id)) } }
    for job in state.pulls where job.isActive { if let id = job.effect { effects.append(.cancel(id)) } }
    return effects
}
