#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit
import TermUI

/// How often the Running pane refreshes, and the Models pane.
public let runningRefreshInterval: TimeInterval = 2
public let modelsRefreshInterval: TimeInterval = 15
/// The longest wait between reconnect attempts.
public let maxRetryDelay: TimeInterval = 30

/// The effects to run when the dashboard starts.
public func startupEffects(_ state: inout AppState) -> [Effect] {
    state.pendingRequests += 3
    return [.fetchVersion, .fetchModels, .fetchRunning]
}

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
    case .versionLoaded(let result):
        state.pendingRequests = max(0, state.pendingRequests - 1)
        switch result {
        case .success(let version):
            state.connection = .online(version: version)
            state.retryDelay = 1
            state.serverProblems["version"] = nil
            return []
        case .failure(let error):
            return failed(&state, "version", error)
        }
    case .modelsLoaded(let result, let skipped):
        state.pendingRequests = max(0, state.pendingRequests - 1)
        switch result {
        case .success(let models):
            let previousRow = state.selectedModelIndex
            state.models = models
            state.modelsLoadedOnce = true
            state.modelsStale = false
            state.serverProblems["models"] = skippedProblem("/api/tags", skipped)
            keepModelSelection(&state, nearRow: previousRow)
            return []
        case .failure(let error):
            state.modelsStale = true
            return failed(&state, "models", error)
        }
    case .runningLoaded(let result, let skipped):
        state.pendingRequests = max(0, state.pendingRequests - 1)
        switch result {
        case .success(let models):
            let gone = Set(state.running.map(\.name)).subtracting(models.map(\.name))
            for name in gone.sorted() { state.vanished.append((name, state.now)) }
            state.running = models
            state.runningStale = false
            state.serverProblems["running"] = skippedProblem("/api/ps", skipped)
            if let selected = state.selectedRunning, !models.contains(where: { $0.name == selected }) {
                state.selectedRunning = models.first?.name
            } else if state.selectedRunning == nil {
                state.selectedRunning = models.first?.name
            }
            return []
        case .failure(let error):
            state.runningStale = true
            return failed(&state, "running", error)
        }
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
        state.pendingRequests += 1
        return [.fetchModels]
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
    case .operationFinished(let operation, let error):
        return operationFinished(&state, operation, error)
    case .modelShown(let name, let result):
        modelShown(&state, name: name, result)
        return []
    case .demoStarted(let host):
        state.demoReturnHost = state.host
        state.host = host
        state.isDemo = true
        state.connection = .connecting
        state.retryDelay = 1
        state.notice = nil
        return startupEffects(&state)
    case .demoStopped(let host):
        state.host = host
        state.isDemo = false
        state.demoReturnHost = nil
        state.connection = .connecting
        state.serverProblems = [:]
        state.retryDelay = 1
        return startupEffects(&state)
    case .demoFailed(let reason):
        setNotice(&state, "demo failed: \(reason)")
        return []
    case .terminationRequested:
        state.wantsQuit = true
        return cancelAll(&state) + [.quit]
    }
}

/// A refresh failed. A server that answered, but oddly (a body that is not the JSON expected, an
/// HTTP error), is reachable: it stays online with the problem shown, and is asked again at the
/// usual pace. Only a server that cannot be reached is offline.
func failed(_ state: inout AppState, _ what: String, _ error: OllamaError) -> [Effect] {
    switch error {
    case .malformedResponse, .http:
        let endpoint = ["version": "/api/version", "models": "/api/tags", "running": "/api/ps"][what] ?? what
        state.serverProblems[what] = "\(endpoint): \(error.serverMessage ?? error.description)"
        switch state.connection {
        case .offline, .connecting: state.connection = .online(version: "?")
        case .online: break
        }
        return []
    default:
        return wentOffline(&state, error)
    }
}

/// "/api/tags: 2 entries could not be read (x: modified_at: …)" or nil.
func skippedProblem(_ endpoint: String, _ skipped: [SkippedEntry]) -> String? {
    guard let first = skipped.first else { return nil }
    let count = skipped.count == 1 ? "1 entry" : "\(skipped.count) entries"
    return "\(endpoint): \(count) could not be read and \(skipped.count == 1 ? "is" : "are") not shown (\(first.description))"
}

/// Marks the connection down and schedules a retry with exponential backoff.
func wentOffline(_ state: inout AppState, _ error: OllamaError) -> [Effect] {
    let reason: String
    switch error {
    case .connection(_, let why): reason = why
    case .timeout: reason = "no answer in time"
    case .http(let status, let message): reason = message.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(message)"
    default: reason = error.description
    }
    if case .offline(_, let retryAt) = state.connection, retryAt > state.now {
        state.connection = .offline(reason: reason, retryAt: retryAt)
        return []
    }
    state.connection = .offline(reason: reason, retryAt: state.now.addingTimeInterval(state.retryDelay))
    state.retryDelay = min(maxRetryDelay, state.retryDelay * 2)
    state.modelsStale = state.modelsLoadedOnce || state.modelsStale
    state.runningStale = true
    return []
}

func tick(_ state: inout AppState, now: Date) -> [Effect] {
    state.now = now
    state.vanished.removeAll { now.timeIntervalSince($0.at) > 10 }
    if let noticeAt = state.noticeAt, now.timeIntervalSince(noticeAt) > 8 {
        state.notice = nil
        state.noticeAt = nil
    }
    var effects: [Effect] = partialReplyEffects(state)
    switch state.connection {
    case .offline(_, let retryAt):
        if now >= retryAt, state.pendingRequests == 0 {
            state.pendingRequests += 3
            state.connection = .connecting
            effects += [.fetchVersion, .fetchModels, .fetchRunning]
            state.nextRunningRefresh = now.addingTimeInterval(runningRefreshInterval)
            state.nextModelsRefresh = now.addingTimeInterval(modelsRefreshInterval)
        }
    case .online, .connecting:
        if now >= state.nextRunningRefresh, state.pendingRequests < 4 {
            state.nextRunningRefresh = now.addingTimeInterval(runningRefreshInterval)
            state.pendingRequests += 1
            effects.append(.fetchRunning)
        }
        if now >= state.nextModelsRefresh, state.pendingRequests < 4 {
            state.nextModelsRefresh = now.addingTimeInterval(modelsRefreshInterval)
            state.pendingRequests += 1
            effects.append(.fetchModels)
        }
    }
    return effects
}

func setNotice(_ state: inout AppState, _ text: String) {
    state.notice = text
    state.noticeAt = state.now
}

/// Keeps the selection on the same model across refreshes, filtering and sorting; falls back to
/// the nearest row when it disappeared.
func keepModelSelection(_ state: inout AppState, nearRow previousRow: Int? = nil) {
    let visible = state.visibleModels
    if let selected = state.selectedModel, visible.contains(where: { $0.name == selected }) { return }
    guard !visible.isEmpty else {
        state.selectedModel = nil
        return
    }
    state.selectedModel = visible[min(previousRow ?? 0, visible.count - 1)].name
}

func cancelAll(_ state: inout AppState) -> [Effect] {
    var effects: [Effect] = []
    for pane in state.chats { if let id = pane.streamEffect { effects.append(.cancel(id)) } }
    for job in state.pulls where job.isActive { if let id = job.effect { effects.append(.cancel(id)) } }
    return effects
}
