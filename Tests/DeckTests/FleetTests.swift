import Foundation
import DeckCore
import DeckUI
import OllamaKit
import TermUI
import Testing

/// Three hosts: `ws` and `gpu` share two models (gpu's qwen3 is another version), `lab` has one.
func fleetState(loaded: Bool = true) -> AppState {
    var state = AppState(hosts: [
        HostEndpoint(name: "ws", url: "http://127.0.0.1:11501"),
        HostEndpoint(name: "gpu", url: "http://127.0.0.1:11502"),
        HostEndpoint(name: "lab", url: "http://127.0.0.1:11503"),
    ], now: epoch)
    guard loaded else { return state }
    let all = sampleModels()
    var gpuModels = Array(all.prefix(2))
    gpuModels[0].digest = String(repeating: "b", count: 64)  // another qwen3:8b
    for (host, models) in [("ws", all), ("gpu", gpuModels), ("lab", [all[2]])] {
        _ = update(&state, .versionLoaded(host: host, .success("0.32.15")))
        _ = update(&state, .modelsLoaded(host: host, .success(models)))
        _ = update(&state, .runningLoaded(host: host, .success([]), roundTrip: 0.004))
    }
    return state
}

/// Moves the Models selection to a row.
func select(_ state: inout AppState, _ name: String, on host: String) {
    state.focus = .models
    state.modelsPane.selected = ModelRef(host: host, name: name)
    #expect(state.modelsPane.selectedIndex != nil, "no row \(name)@\(host)")
}

@Suite("Fleet: per-host state, routing, @host filtering")
struct FleetTests {
    @Test("startup asks every host; one host's answer changes only that host")
    func perHostState() {
        var state = fleetState(loaded: false)
        let effects = startupEffects(&state)
        #expect(effects.count == 9)
        for host in ["ws", "gpu", "lab"] {
            #expect(effects.contains(.fetchModels(host: host)))
            #expect(effects.contains(.fetchVersion(host: host)))
            #expect(effects.contains(.fetchRunning(host: host)))
        }
        _ = update(&state, .modelsLoaded(host: "gpu", .success(sampleModels())))
        #expect(state.host(named: "gpu")?.models.count == 4)
        #expect(state.host(named: "ws")?.models.isEmpty == true)
        #expect(state.modelsPane.visible.allSatisfy { $0.host == "gpu" })
        // An answer from a host nobody named is dropped, not put anywhere.
        _ = update(&state, .modelsLoaded(host: "ghost", .success(sampleModels())))
        #expect(state.hosts.map(\.models.count) == [0, 4, 0])
    }

    @Test("one dead host backs off on its own; the others refresh on their schedule")
    func independentBackoff() {
        var state = fleetState()
        _ = update(&state, .versionLoaded(host: "lab", .failure(.connection(host: "lab", reason: "connection refused"))))
        guard case .offline(let reason, let retryAt)? = state.host(named: "lab")?.connection else {
            Issue.record("lab should be offline")
            return
        }
        #expect(reason == "connection refused")
        #expect(state.host(named: "ws")?.connection == .online(version: "0.32.15"))
        #expect(state.host(named: "lab")?.modelsStale == true)
        #expect(state.host(named: "ws")?.modelsStale == false)
        // Two seconds on: ws and gpu ask for their running models; lab retries once its backoff ends.
        let later = epoch.addingTimeInterval(2)
        let effects = update(&state, .ticked(later))
        #expect(effects.contains(.fetchRunning(host: "ws")))
        #expect(effects.contains(.fetchRunning(host: "gpu")))
        #expect(later >= retryAt)
        #expect(effects.contains(.fetchVersion(host: "lab")))
        // lab fails again: its delay doubles, the others' do not move.
        _ = update(&state, .versionLoaded(host: "lab", .failure(.connection(host: "lab", reason: "connection refused"))))
        #expect(state.host(named: "lab")?.retryDelay == 4)
        #expect(state.host(named: "ws")?.retryDelay == 1)
        #expect(bannerHost(state)?.name == "lab")
    }

    @Test("every model operation goes to the selected row's host, and names it")
    func routing() {
        var state = fleetState()
        select(&state, "llama3.2:latest", on: "gpu")
        press(&state, .character("D"))
        guard case .confirmDelete(let candidates)? = state.overlay else {
            Issue.record("no delete question")
            return
        }
        #expect(candidates.map(\.host) == ["gpu"])
        #expect(press(&state, .character("y")) == [.modelOperation(.delete("llama3.2:latest"), host: "gpu")])

        press(&state, .character("l"))
        #expect(state.notice == "loading llama3.2:latest on gpu…")
        #expect(press(&state, .character("u")) == [.modelOperation(.unload("llama3.2:latest"), host: "gpu")])
        #expect(press(&state, .character("i")) == [.fetchDetails(host: "gpu", model: "llama3.2:latest")])
        press(&state, .escape)
        press(&state, .character("K"))
        #expect(openPrompt(state)?.title(fleet: true) == "Keep llama3.2:latest on gpu loaded for")
        press(&state, .control("u"))
        for character in "forever" { press(&state, .character(character)) }
        #expect(press(&state, .enter) == [.modelOperation(.keepAlive("llama3.2:latest", .forever), host: "gpu")])
        press(&state, .character("c"))
        for character in "mine:v1" { press(&state, .character(character)) }
        #expect(press(&state, .enter) == [.modelOperation(.copy(source: "llama3.2:latest", destination: "mine:v1"), host: "gpu")])
        press(&state, .character("m"))
        #expect(openPrompt(state)?.title(fleet: true) == "Rename llama3.2:latest on gpu to")
        for character in "renamed:v1" { press(&state, .character(character)) }
        #expect(press(&state, .enter) == [.modelOperation(.rename(source: "llama3.2:latest", destination: "renamed:v1"), host: "gpu")])
        press(&state, .character("P"))
        #expect(press(&state, .character("y")) == [.startPush(job: 1, host: "gpu", model: "llama3.2:latest", id: 1)])
        press(&state, .character("C"))
        for character in "pirate" { press(&state, .character(character)) }
        guard case .startCreate(_, let host, let request, _)? = press(&state, .enter).first else {
            Issue.record("no create")
            return
        }
        #expect(host == "gpu")
        #expect(request.from == "llama3.2:latest")
        // The result refreshes only that host.
        #expect(update(&state, .operationFinished(.load("llama3.2:latest"), host: "gpu", nil)) == [.fetchRunning(host: "gpu")])
        #expect(state.notice == "loaded llama3.2:latest on gpu")
    }

    @Test("rename onto a name that exists on the same host asks; the same name on another host does not")
    func replaceIsPerHost() {
        var state = fleetState()
        select(&state, "mistral:7b", on: "lab")
        press(&state, .character("c"))
        for character in "qwen3:8b" { press(&state, .character(character)) }  // on ws and gpu, not on lab
        #expect(press(&state, .enter) == [.modelOperation(.copy(source: "mistral:7b", destination: "qwen3:8b"), host: "lab")])
        select(&state, "llama3.2:latest", on: "gpu")
        press(&state, .character("c"))
        for character in "qwen3:8b" { press(&state, .character(character)) }
        #expect(press(&state, .enter).isEmpty)
        guard case .confirmReplace(_, let host, let existing)? = state.overlay else {
            Issue.record("no replace question")
            return
        }
        #expect(host == "gpu")
        #expect(existing.host == "gpu")
    }

    @Test("p asks which host: the focused row's by default, Tab moves to the next")
    func pullAsksHost() {
        var state = fleetState()
        select(&state, "mistral:7b", on: "lab")
        press(&state, .character("p"))
        guard case .pullPrompt(let prompt)? = state.overlay else {
            Issue.record("no pull prompt")
            return
        }
        #expect(prompt.host == "lab")
        #expect(keyContexts(state) == [.overlay(.pullPrompt), .textInput])
        press(&state, .tab)
        for character in "phi4" { press(&state, .character(character)) }
        #expect(press(&state, .enter) == [.startPull(job: 1, host: "ws", model: "phi4", id: 1)])
        #expect(state.pulls.first?.host == "ws")
        // A finished pull refreshes the host it ran on.
        _ = update(&state, .pullProgressed(job: 1, ProgressResponse(status: "success")))
        #expect(update(&state, .pullFinished(job: 1, nil)) == [.fetchModels(host: "ws")])
        // From the Hosts pane, p pulls onto the selected host.
        press(&state, .character("5"), .down)
        #expect(state.focus == .hosts)
        press(&state, .character("p"))
        if case .pullPrompt(let fromHosts)? = state.overlay { #expect(fromHosts.host == "gpu") } else { Issue.record("no prompt") }
    }

    @Test("@name narrows the list to hosts whose name starts with it; words still match models")
    func hostFilter() {
        var state = fleetState()
        #expect(state.modelsPane.visible.count == 7)
        press(&state, .character("/"))
        // The empty filter says what it takes.
        #expect(DashboardView.render(state).buffer.text.contains("name or family · @host narrows to a host"))
        for character in "@gp" { press(&state, .character(character)) }
        #expect(Set(state.modelsPane.visible.map(\.host)) == ["gpu"])
        for character in " llama" { press(&state, .character(character)) }
        #expect(state.modelsPane.visible.map(\.ref) == [ModelRef(host: "gpu", name: "llama3.2:latest")])
        press(&state, .control("u"))
        for character in "@lab @ws mistral" { press(&state, .character(character)) }
        #expect(Set(state.modelsPane.visible.map(\.host)) == ["lab", "ws"])
        #expect(ModelFilter("@nowhere").admits(host: "ws") == false)
        // Enter on a host in the Hosts pane shows its models.
        press(&state, .enter, .character("5"), .down, .down, .enter)
        #expect(state.focus == .models)
        #expect(state.modelsPane.filter.text == "@lab")
        #expect(state.modelsPane.visible.map(\.host) == ["lab"])
    }

    @Test("sort by host exists with several hosts only")
    func sortByHost() {
        var state = fleetState()
        var seen: [ModelSort] = []
        for _ in 0..<4 {
            press(&state, .character("s"))
            seen.append(state.modelsPane.sort)
        }
        #expect(seen == [.name, .size, .host, .modified])
        press(&state, .character("s"), .character("s"), .character("s"))
        #expect(state.modelsPane.visible.map(\.host) == ["ws", "ws", "ws", "ws", "gpu", "gpu", "lab"])
        var single = loadedState()
        for _ in 0..<3 { press(&single, .character("s")) }
        #expect(single.modelsPane.sort == .modified)
    }

    @Test("details say where else the model is, and whether the digest matches")
    func whereElse() {
        var state = fleetState()
        select(&state, "qwen3:8b", on: "ws")
        press(&state, .character("i"))
        guard case .details(let details)? = state.overlay else {
            Issue.record("no details")
            return
        }
        #expect(details.host == "ws")
        let text = details.elsewhere.map(\.text)
        #expect(text.contains("  ws  (this one)"))
        #expect(text.contains { $0.hasPrefix("  gpu  another version") })
        #expect(!text.contains { $0.contains("lab") })
        press(&state, .escape)
        select(&state, "llama3.2:latest", on: "ws")
        press(&state, .character("i"))
        if case .details(let other)? = state.overlay {
            #expect(other.elsewhere.map(\.text).contains { $0.hasPrefix("  gpu  same model") })
        } else {
            Issue.record("no details")
        }
    }

    @Test("a chat pane is bound to a model on a host; compare puts one model on two hosts side by side")
    func chatAcrossHosts() {
        var state = fleetState()
        select(&state, "llama3.2:latest", on: "gpu")
        press(&state, .enter)
        #expect(state.chat.host == "gpu")
        for character in "hi" { press(&state, .character(character)) }
        guard case .startChat(_, let host, _, _)? = requests(press(&state, .enter)).first else {
            Issue.record("no chat")
            return
        }
        #expect(host == "gpu")
        // Tokens streamed count for that host's tokens/s.
        for _ in 0..<5 { _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "llama3.2:latest", message: .assistant("x"), done: false))) }
        _ = update(&state, .ticked(epoch.addingTimeInterval(1)))
        #expect(state.host(named: "gpu")?.tokensPerSecond == 5)
        #expect(state.host(named: "ws")?.tokensPerSecond == 0)
        _ = update(&state, .chatFinished(pane: 1, nil))
        // A second pane on the same model on ws; compare sends to both hosts.
        press(&state, .control("n"))
        select(&state, "llama3.2:latest", on: "ws")
        press(&state, .enter, .control("g"))
        for character in "race" { press(&state, .character(character)) }
        let hosts = requests(press(&state, .enter)).compactMap { effect -> String? in
            if case .startChat(_, let host, _, _) = effect { return host }
            return nil
        }
        #expect(hosts.sorted() == ["gpu", "ws"])
    }

    @Test("/model NAME@HOST moves a pane to another host; an unknown host is named, nothing changes")
    func modelAtHost() {
        var state = fleetState()
        select(&state, "llama3.2:latest", on: "ws")
        press(&state, .enter)
        for character in "/model mistral:7b@lab" { press(&state, .character(character)) }
        press(&state, .enter)
        #expect(state.chat.model == "mistral:7b")
        #expect(state.chat.host == "lab")
        #expect(state.chat.entries.last?.content == "— now chatting with mistral:7b@lab —")
        for character in "/model llama3.2@nowhere" { press(&state, .character(character)) }
        press(&state, .enter)
        #expect(state.chat.host == "lab")
        #expect(state.chat.entries.last?.content == "no host named 'nowhere' (hosts: ws, gpu, lab)")
        for character in "/model mistral:7b@gpu" { press(&state, .character(character)) }
        press(&state, .enter)
        #expect(state.chat.entries.last?.content == "no installed model 'mistral:7b' on gpu — p pulls one")
    }

    @Test("a saved chat remembers its host; one whose host is gone moves to a host that has the model, and says so")
    func savedChatsKeepHosts() {
        var state = fleetState()
        select(&state, "mistral:7b", on: "lab")
        press(&state, .enter)
        for character in "hello" { press(&state, .character(character)) }
        let saved = press(&state, .enter).compactMap { effect -> SessionHeader? in
            if case .saveSession(let header) = effect { return header }
            return nil
        }
        #expect(saved.first?.host == "lab")
        // Reopened in a fleet without "old": it waits for a host with the model, then moves there.
        var reopened = fleetState(loaded: false)
        let record = SessionRecord(
            summary: SessionSummary(key: "k", title: "t", model: "mistral:7b", updatedAt: epoch, messageCount: 1, host: "old"),
            system: nil, options: [:], entries: [ChatEntry(role: .user, content: "hello")])
        restoreSessions(&reopened, [record])
        #expect(reopened.chats[0].host == nil)
        _ = update(&reopened, .modelsLoaded(host: "lab", .success([sampleModels()[2]])))
        #expect(reopened.chats[0].host == "lab")
        #expect(reopened.chats[0].entries.last?.content == "this chat ran on old, which is not named now: it continues on lab, which has mistral:7b")
        // A host that is still named keeps the chat.
        var same = fleetState(loaded: false)
        var onGPU = record
        onGPU.summary.host = "gpu"
        restoreSessions(&same, [onGPU])
        #expect(same.chats[0].host == "gpu")
    }

    @Test("the Hosts pane shows only with several hosts; 5 says why elsewhere")
    func hostsPaneOnlyForFleets() {
        var single = loadedState()
        press(&single, .character("5"))
        #expect(single.focus == .models)
        #expect(single.notice?.contains("--host NAME=URL") == true)
        var fleet = fleetState()
        var order: [Pane] = []
        for _ in 0..<5 {
            press(&fleet, .tab)
            order.append(fleet.focus)
        }
        #expect(order == [.running, .pulls, .chat, .hosts, .models])
        var alone = loadedState()
        var singleOrder: [Pane] = []
        for _ in 0..<4 {
            press(&alone, .tab)
            singleOrder.append(alone.focus)
        }
        #expect(singleOrder == [.running, .pulls, .chat, .models])
    }

    @Test("an unchanged list answers the refresh: nothing in flight, not stale, the rows as they were")
    func modelsUnchanged() {
        var state = fleetState()
        _ = update(&state, .versionLoaded(host: "gpu", .failure(.connection(host: "gpu", reason: "connection refused"))))
        #expect(state.host(named: "gpu")?.modelsStale == true)
        let rows = state.modelsPane.visible.map(\.ref)
        state.hosts[1].pendingRequests = 1
        _ = update(&state, .modelsUnchanged(host: "gpu"))
        #expect(state.host(named: "gpu")?.modelsStale == false)
        #expect(state.host(named: "gpu")?.pendingRequests == 0)
        #expect(state.modelsPane.visible.map(\.ref) == rows)
    }

    @Test("loads and evictions are marked on the host's samples")
    func samplesMarkLoads() {
        var state = fleetState()
        let running = RunningModel(name: "mistral:7b", size: 4_000_000_000, digest: "", expiresAt: epoch.addingTimeInterval(300),
                                   sizeVRAM: 3_000_000_000, contextLength: 4096)
        _ = update(&state, .runningLoaded(host: "lab", .success([running]), roundTrip: 0.012))
        _ = update(&state, .ticked(epoch.addingTimeInterval(1)))
        let lab = state.host(named: "lab")
        #expect(lab?.samples.last?.loaded == true)
        #expect(lab?.samples.last?.memory == 4_000_000_000)
        #expect(lab?.samples.last?.vram == 3_000_000_000)
        #expect(lab?.roundTrip == 0.012)
        _ = update(&state, .runningLoaded(host: "lab", .success([])))
        _ = update(&state, .ticked(epoch.addingTimeInterval(2)))
        #expect(state.host(named: "lab")?.samples.last?.evicted == true)
        #expect(state.host(named: "ws")?.samples.contains { $0.loaded || $0.evicted } == false)
    }
}
