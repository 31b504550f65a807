#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// How often each host's Running list refreshes, and its Models list.
public let runningRefreshInterval: TimeInterval = 2
public let modelsRefreshInterval: TimeInterval = 15
/// The longest wait between reconnect attempts.
public let maxRetryDelay: TimeInterval = 30

/// The effects to run when the dashboard starts: every host asked at once.
public func startupEffects(_ state: inout AppState) -> [Effect] {
    state.hosts.indices.flatMap { refreshAll(&state.hosts[$0]) }
}

/// Version, models and running models of one host.
func refreshAll(_ host: inout HostState) -> [Effect] {
    host.pendingRequests += 3
    return [.fetchVersion(host: host.name), .fetchModels(host: host.name), .fetchRunning(host: host.name)]
}

/// A host's answer folded into its state. Answers from a host no longer known are dropped.
func hostReported(_ state: inout AppState, _ msg: Msg) -> [Effect] {
    switch msg {
    case .versionLoaded(let name, let result):
        guard let index = state.hostIndex(name) else { return [] }
        state.hosts[index].pendingRequests = max(0, state.hosts[index].pendingRequests - 1)
        switch result {
        case .success(let version):
            state.hosts[index].connection = .online(version: version)
            state.hosts[index].retryDelay = 1
            state.hosts[index].serverProblems["version"] = nil
            return []
        case .failure(let error):
            return failed(&state.hosts[index], "version", error, now: state.now)
        }
    case .modelsLoaded(let name, let result, let skipped):
        guard let index = state.hostIndex(name) else { return [] }
        state.hosts[index].pendingRequests = max(0, state.hosts[index].pendingRequests - 1)
        switch result {
        case .success(let models):
            let previousRow = state.modelsPane.selectedIndex
            let changed = state.hosts[index].models != models
            state.hosts[index].models = models
            if changed { state.modelsPane.hostsChanged(state.hosts) }
            state.hosts[index].modelsLoadedOnce = true
            state.hosts[index].modelsStale = false
            state.hosts[index].serverProblems["models"] = skippedProblem("/api/tags", skipped)
            let names = Set(models.map(\.name))
            state.modelsPane.marked = state.modelsPane.marked.filter { $0.host != name || names.contains($0.name) }
            keepModelSelection(&state, nearRow: previousRow)
            rehomeChats(&state)
            return []
        case .failure(let error):
            state.hosts[index].modelsStale = true
            return failed(&state.hosts[index], "models", error, now: state.now)
        }
    case .modelsUnchanged(let name):
        guard let index = state.hostIndex(name) else { return [] }
        state.hosts[index].pendingRequests = max(0, state.hosts[index].pendingRequests - 1)
        // The list shown is current again (it may have been marked stale while the host was away).
        state.hosts[index].modelsStale = !state.hosts[index].modelsLoadedOnce
        return []
    case .runningLoaded(let name, let result, let skipped, let roundTrip):
        guard let index = state.hostIndex(name) else { return [] }
        state.hosts[index].pendingRequests = max(0, state.hosts[index].pendingRequests - 1)
        switch result {
        case .success(let models):
            runningLoaded(&state.hosts[index], models, skipped: skipped, roundTrip: roundTrip, now: state.now)
            keepRunningSelection(&state)
            return []
        case .failure(let error):
            state.hosts[index].runningStale = true
            return failed(&state.hosts[index], "running", error, now: state.now)
        }
    default:
        return []
    }
}

func runningLoaded(_ host: inout HostState, _ models: [RunningModel], skipped: [SkippedEntry], roundTrip: TimeInterval?, now: Date) {
    let before = Set(host.running.map(\.name))
    let after = Set(models.map(\.name))
    let gone = before.subtracting(after)
    for name in gone.sorted() { host.vanished.append(VanishedModel(name: name, at: now)) }
    if !gone.isEmpty { host.evictionSinceSample = true }
    // The first list is what was loaded already, not a load.
    if !after.subtracting(before).isEmpty, host.runningLoadedOnce { host.loadSinceSample = true }
    host.runningLoadedOnce = true
    host.running = models
    host.runningStale = false
    host.roundTrip = roundTrip ?? host.roundTrip
    host.serverProblems["running"] = skippedProblem("/api/ps", skipped)
}

/// Keeps the Running pane's selection on a row that exists.
func keepRunningSelection(_ state: inout AppState) {
    let rows = state.runningRows
    if let selected = state.selectedRunning, rows.contains(where: { $0.ref == selected }) { return }
    state.selectedRunning = rows.first?.ref
}

/// A refresh failed. A server that answered, but oddly (a body that is not the JSON expected, an
/// HTTP error), is reachable: it stays online with the problem shown, and is asked again at the
/// usual pace. Only a server that cannot be reached is offline.
func failed(_ host: inout HostState, _ what: String, _ error: OllamaError, now: Date) -> [Effect] {
    switch error {
    case .malformedResponse, .http:
        let endpoint = ["version": "/api/version", "models": "/api/tags", "running": "/api/ps"][what] ?? what
        host.serverProblems[what] = "\(endpoint): \(error.serverMessage ?? error.description)"
        switch host.connection {
        case .offline, .connecting: host.connection = .online(version: "?")
        case .online: break
        }
        return []
    default:
        return wentOffline(&host, error, now: now)
    }
}

/// "/api/tags: 2 entries could not be read (x: modified_at: …)" or nil.
func skippedProblem(_ endpoint: String, _ skipped: [SkippedEntry]) -> String? {
    guard let first = skipped.first else { return nil }
    let count = skipped.count == 1 ? "1 entry" : "\(skipped.count) entries"
    return "\(endpoint): \(count) could not be read and \(skipped.count == 1 ? "is" : "are") not shown (\(first.description))"
}

/// Marks a host down and schedules its retry with exponential backoff (its own: the other hosts
/// go on at their pace).
func wentOffline(_ host: inout HostState, _ error: OllamaError, now: Date) -> [Effect] {
    let reason: String
    switch error {
    case .connection(_, let why): reason = why
    case .timeout: reason = "no answer in time"
    case .http(let status, let message): reason = message.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(message)"
    default: reason = error.description
    }
    if case .offline(_, let retryAt) = host.connection, retryAt > now {
        host.connection = .offline(reason: reason, retryAt: retryAt)
        return []
    }
    host.connection = .offline(reason: reason, retryAt: now.addingTimeInterval(host.retryDelay))
    host.retryDelay = min(maxRetryDelay, host.retryDelay * 2)
    host.modelsStale = host.modelsLoadedOnce || host.modelsStale
    host.runningStale = true
    return []
}

/// A host's share of the once-a-second tick: its sample, its vanished notes, and its refreshes
/// or its retry when they are due.
func tickHost(_ host: inout HostState, now: Date) -> [Effect] {
    host.vanished.removeAll { now.timeIntervalSince($0.at) > 10 }
    if now.timeIntervalSince(host.lastSampleAt) >= 1 { host.takeSample(now: now) }
    var effects: [Effect] = []
    switch host.connection {
    case .offline(_, let retryAt):
        if now >= retryAt, host.pendingRequests == 0 {
            host.connection = .connecting
            effects += refreshAll(&host)
            host.nextRunningRefresh = now.addingTimeInterval(runningRefreshInterval)
            host.nextModelsRefresh = now.addingTimeInterval(modelsRefreshInterval)
        }
    case .online, .connecting:
        if now >= host.nextRunningRefresh, host.pendingRequests < 4 {
            host.nextRunningRefresh = now.addingTimeInterval(runningRefreshInterval)
            host.pendingRequests += 1
            effects.append(.fetchRunning(host: host.name))
        }
        if now >= host.nextModelsRefresh, host.pendingRequests < 4 {
            host.nextModelsRefresh = now.addingTimeInterval(modelsRefreshInterval)
            host.pendingRequests += 1
            effects.append(.fetchModels(host: host.name))
        }
    }
    return effects
}

/// `r`: every host asked again now (an offline one retried).
func refreshHosts(_ state: inout AppState) -> [Effect] {
    state.hosts.indices.flatMap { index -> [Effect] in
        if case .offline = state.hosts[index].connection { state.hosts[index].connection = .connecting }
        return refreshAll(&state.hosts[index])
    }
}

/// The host an action without a row of its own goes to: the focused row's host (Models, Running,
/// Hosts), else the default host.
func focusedHost(_ state: AppState) -> String {
    switch state.focus {
    case .models: return state.modelsPane.selected?.host ?? state.defaultHost
    case .running: return state.selectedRunning?.host ?? state.defaultHost
    case .hosts: return state.selectedHost ?? state.defaultHost
    case .chat: return state.chat.host ?? state.defaultHost
    case .pulls:
        let job = state.pulls.first { $0.id == state.selectedPull }
        return job?.host ?? state.defaultHost
    }
}

/// The next host after `name` (Tab in the pull prompt), wrapping round.
func hostAfter(_ state: AppState, _ name: String, step: Int = 1) -> String {
    guard let index = state.hostIndex(name) else { return state.defaultHost }
    let count = state.hosts.count
    return state.hosts[((index + step) % count + count) % count].name
}

/// The Hosts pane's list moves.
func moveHostSelection(_ state: inout AppState, _ action: Action, page: Int) {
    let names = state.hosts.map(\.name)
    let current = state.selectedHost.flatMap { names.firstIndex(of: $0) } ?? 0
    state.selectedHost = names[moved(current, action, count: names.count, page: page)]
}

/// The banner line's host: the first one unreachable, or answering oddly.
public func bannerHost(_ state: AppState) -> HostState? {
    state.hosts.first { if case .offline = $0.connection { return true } else { return false } }
        ?? state.hosts.first { $0.serverProblem != nil }
}
