import Foundation
import DeckCore
import DeckRuntime
import OllamaKit
import OllamaSim
import TermUI
import Testing

@Suite("Model operations: update logic")
struct ModelOperationUpdateTests {
    @Test("delete asks first, naming each model and its size; Enter keeps them (default No)")
    func deleteDefaultsToNo() {
        var state = loadedState()
        press(&state, .character("D"))
        guard case .confirmDelete(let candidates)? = state.overlay else {
            Issue.record("no confirmation")
            return
        }
        #expect(candidates == [DeleteCandidate(name: "qwen3:8b", host: testHost, size: 5_200_000_000, loaded: false)])
        #expect(press(&state, .enter).isEmpty)
        #expect(state.overlay == nil)
        #expect(state.notice == "nothing deleted")
    }

    @Test("Space marks several models; y deletes exactly those")
    func bulkDelete() {
        var state = loadedState()
        press(&state, .character(" "))  // marks qwen3 and moves down
        press(&state, .down, .character(" "))  // marks nomic (modified order: qwen3, llama, nomic, mistral)
        #expect(state.modelsPane.marked == [ModelRef(host: testHost, name: "qwen3:8b"), ModelRef(host: testHost, name: "nomic-embed-text:latest")])
        press(&state, .character("D"))
        let effects = press(&state, .character("y"))
        #expect(effects == [.modelOperation(.delete("qwen3:8b"), host: testHost), .modelOperation(.delete("nomic-embed-text:latest"), host: testHost)])
        #expect(state.modelsPane.marked.isEmpty)
    }

    @Test("rename checks the new name and sends a rename (copy, then delete)")
    func rename() {
        var state = loadedState()
        press(&state, .character("m"))
        #expect(press(&state, .enter).isEmpty)  // unchanged name
        guard case .prompt(let prompt)? = state.overlay else {
            Issue.record("prompt closed")
            return
        }
        #expect(prompt.error == "that is the model's own name")
        press(&state, .control("u"))
        for character in "qwen-copy:v2" { press(&state, .character(character)) }
        #expect(press(&state, .enter) == [.modelOperation(.rename(source: "qwen3:8b", destination: "qwen-copy:v2"), host: testHost)])
    }

    @Test("keep-alive accepts durations and forever, rejects the rest, and 0 unloads")
    func keepAlive() {
        var state = loadedState()
        press(&state, .character("K"), .control("u"), .character("5"), .character("x"), .enter)
        guard case .prompt(let prompt)? = state.overlay else {
            Issue.record("prompt closed")
            return
        }
        #expect(prompt.error != nil)
        press(&state, .control("u"))
        for character in "forever" { press(&state, .character(character)) }
        #expect(press(&state, .enter) == [.modelOperation(.keepAlive("qwen3:8b", .forever), host: testHost)])
        press(&state, .character("K"), .control("u"), .character("0"))
        #expect(press(&state, .enter) == [.modelOperation(.unload("qwen3:8b"), host: testHost)])
    }

    @Test("an operation's result is shown, and the lists refresh")
    func operationResult() {
        var state = loadedState()
        let effects = update(&state, .operationFinished(.delete("ghost"), host: testHost, .http(status: 404, message: "model 'ghost' not found")))
        #expect(state.notice == "delete failed: model 'ghost' not found")
        #expect(effects == [.fetchModels(host: testHost), .fetchRunning(host: testHost)])
        #expect(update(&state, .operationFinished(.load("qwen3:8b"), host: testHost, nil)) == [.fetchRunning(host: testHost)])
        #expect(state.notice == "loaded qwen3:8b")
    }

    @Test("create parameters are type-checked")
    func createParameters() throws {
        #expect(try CreateParameters.parse("temperature=0.7 num_ctx=8192 stop=<|end|>").get()
            == ["temperature": .number(0.7), "num_ctx": .integer(8192), "stop": .array(["<|end|>"])])
        #expect(throws: CreateParameters.Problem.self) { try CreateParameters.parse("num_ctx=big").get() }
        #expect(throws: CreateParameters.Problem.self) { try CreateParameters.parse("colour=red").get() }
        #expect(throws: CreateParameters.Problem.self) { try CreateParameters.parse("temperature").get() }
    }

    @Test("the create form starts a create job with the system prompt and parameters")
    func createForm() {
        var state = loadedState()
        press(&state, .character("C"))
        for character in "pirate" { press(&state, .character(character)) }
        press(&state, .tab)
        for character in "Talk like a pirate" { press(&state, .character(character)) }
        press(&state, .tab)
        for character in "temperature=x" { press(&state, .character(character)) }
        #expect(press(&state, .enter).isEmpty)
        press(&state, .backspace, .character("1"))
        let effects = press(&state, .enter)
        #expect(effects == [.startCreate(
            job: 1, host: testHost, request: CreateRequest(model: "pirate", from: "qwen3:8b", system: "Talk like a pirate",
                                           parameters: ["temperature": .number(1)]), id: 1)])
        #expect(state.pulls.first?.kind == .create)
    }

    @Test("details: loading, then sections; / searches and n finds the next match")
    func details() throws {
        var state = loadedState()
        state.height = 30
        #expect(press(&state, .character("i")) == [.fetchDetails(host: testHost, model: "qwen3:8b")])
        let json = """
            {"license":"LLAMA 3.2 COMMUNITY LICENSE","modelfile":"FROM x","parameters":"stop \\"<|eot_id|>\\"",            "template":"{{ .Prompt }}","details":{"parent_model":"","format":"gguf","family":"llama","families":null,            "parameter_size":"3.2B","quantization_level":"Q4_K_M"},"model_info":{"general.architecture":"llama",            "llama.context_length":131072,"llama.embedding_length":3072},"capabilities":["completion"]}
            """
        let show = try OllamaJSON.makeDecoder().decode(ShowResponse.self, from: Data(json.utf8))
        _ = update(&state, .modelShown(host: testHost, name: "qwen3:8b", .success(show)))
        guard case .details(let details)? = state.overlay, let lines = details.lines else {
            Issue.record("no details")
            return
        }
        #expect(lines.contains { $0.isHeading && $0.text == "Model info" })
        #expect(lines.contains { $0.text.contains("context length") && $0.text.contains("131072") })
        press(&state, .character("/"))
        for character in "license" { press(&state, .character(character)) }
        press(&state, .enter)
        let searched = try #require({ if case .details(let d)? = state.overlay { return d } else { return nil } }())
        #expect(searched.lines?[searched.scroll].text.lowercased().contains("license") == true)
        press(&state, .escape)
        #expect(state.overlay == nil)
    }

    @Test("jobs: x cancels, a cancelled pull restarts with R, a stalled one can be restarted")
    func jobs() {
        var state = loadedState()
        press(&state, .character("p"))
        for character in "tiny" { press(&state, .character(character)) }
        press(&state, .enter, .character("3"))
        #expect(press(&state, .character("x")) == [.cancel(1)])
        _ = update(&state, .pullFinished(job: 1, .cancelled))
        #expect(state.pulls[0].phase == .cancelled)
        #expect(press(&state, .character("R")) == [.startPull(job: 2, host: testHost, model: "tiny", id: 2)])
        #expect(press(&state, .character("R")).isEmpty)  // running: not stalled yet
        _ = update(&state, .ticked(epoch.addingTimeInterval(31)))
        #expect(state.pulls[0].isStalled(now: state.now, after: state.stallSeconds))
        #expect(press(&state, .character("R")) == [.cancel(2), .startPull(job: 3, host: testHost, model: "tiny", id: 3)])
        _ = update(&state, .pullFinished(job: 3, nil))
        press(&state, .character("c"))
        #expect(state.pulls.isEmpty)
    }
}

@Suite("Model operations against ollama-sim")
struct ModelOperationRuntimeTests {
    func withClient(_ body: (OllamaClient, SimServer) async throws -> Void) async throws {
        let sim = try await SimServer.start(configuration: .fast)
        let client = OllamaClient(configuration: OllamaClientConfiguration(host: OllamaHost.resolve(sim.baseURL)))
        do { try await body(client, sim) } catch {
            try? await client.shutdown()
            await sim.stop()
            throw error
        }
        try await client.shutdown()
        await sim.stop()
    }

    @Test("rename copies, then deletes the source")
    func rename() async throws {
        try await withClient { client, _ in
            try await EffectRunner.perform(.rename(source: "mistral:7b", destination: "mistral-old"), client: client)
            let names = try await client.listModels().map(\.name)
            #expect(names.contains("mistral-old:latest"))
            #expect(!names.contains("mistral:7b"))
        }
    }

    @Test("a rename whose copy fails keeps the source")
    func renameFailureKeepsSource() async throws {
        try await withClient { client, _ in
            await #expect(throws: OllamaError.self) {
                try await EffectRunner.perform(.rename(source: "ghost", destination: "x"), client: client)
            }
            let count = try await client.listModels().count
            #expect(count == SimCatalog.installed.count)
        }
    }

    @Test("delete unloads a loaded model first; deleting a missing model is an error")
    func delete() async throws {
        try await withClient { client, _ in
            try await client.load(model: "llama3.2")
            #expect(try await client.runningModels().count == 1)
            try await EffectRunner.perform(.delete("llama3.2"), client: client)
            #expect(try await client.runningModels().isEmpty)
            #expect(!(try await client.listModels().contains { $0.name == "llama3.2:latest" }))
            await #expect(throws: OllamaError.http(status: 404, message: "model 'llama3.2' not found")) {
                try await EffectRunner.perform(.delete("llama3.2"), client: client)
            }
        }
    }

    @Test("load, keep-alive forever, and unload show in ps")
    func memory() async throws {
        try await withClient { client, _ in
            try await EffectRunner.perform(.load("gemma3:4b"), client: client)
            try await EffectRunner.perform(.keepAlive("gemma3:4b", .forever), client: client)
            #expect(try await client.runningModels().first?.staysLoadedForever() == true)
            try await EffectRunner.perform(.unload("gemma3:4b"), client: client)
            #expect(try await client.runningModels().isEmpty)
        }
    }
}
