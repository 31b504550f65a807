import AsyncHTTPClient
import NIOCore
import Foundation
import OllamaKit
import OllamaSim
import Synchronization
import Testing

@Suite("Client against ollama-sim: every endpoint")
struct ClientEndpointTests {
    @Test("health, greeting and version")
    func health() async throws {
        try await withSim { _, client in
            try await client.heartbeat()
            #expect(try await client.greeting() == "Ollama is running")
            #expect(try await client.version() == "0.32.15")
        }
    }

    @Test("tags lists the installed library, newest first, with details and capabilities")
    func tags() async throws {
        try await withSim { _, client in
            let models = try await client.listModels()
            #expect(models.count == SimCatalog.installed.count)
            #expect(models.map(\.modifiedAt) == models.map(\.modifiedAt).sorted(by: >))
            let gemma = try #require(models.first { $0.name == "gemma3:4b" })
            #expect(gemma.details.families == [])  // sent as null
            #expect(gemma.capabilities.contains("vision"))
            #expect(gemma.digest.count == 64)
            let llama = try #require(models.first { $0.name == "llama3.2:latest" })
            #expect(llama.details.parameterSize == "3.2B")
            #expect(llama.size > 2_000_000_000)
        }
    }

    @Test("an unchanged model list is not decoded again; a changed one is, with repeated lists shared")
    func tagsUnlessUnchanged() async throws {
        try await withSim { _, client in
            let first = try await client.listModelsListing(unlessFingerprint: nil)
            let listing = try #require(first.listing)
            #expect(listing.entries.count == SimCatalog.installed.count)
            let again = try await client.listModelsListing(unlessFingerprint: first.fingerprint)
            #expect(again.listing == nil)
            #expect(again.fingerprint == first.fingerprint)
            try await client.copy(source: "qwen3:8b", destination: "mine:v1")
            let changed = try await client.listModelsListing(unlessFingerprint: first.fingerprint)
            #expect(changed.fingerprint != first.fingerprint)
            #expect(changed.listing?.entries.contains { $0.name == "mine:v1" } == true)
            // A copy has the source's capabilities: the two lists are equal, and shared.
            let entries = try #require(changed.listing?.entries)
            let source = try #require(entries.first { $0.name == "qwen3:8b" })
            let copy = try #require(entries.first { $0.name == "mine:v1" })
            #expect(source.capabilities == copy.capabilities)
        }
    }

    @Test("chat streams tokens, loads the model into ps, and ends with metrics")
    func chatStream() async throws {
        try await withSim { _, client in
            #expect(try await client.runningModels().isEmpty)
            let stream = try await client.chat(
                ChatRequest(model: "llama3.2", messages: [.user("Why is the sky blue?")], keepAlive: .duration("10m")))
            let (chunks, error) = await collect(stream)
            #expect(error == nil)
            #expect(chunks.count == SimConfiguration.fast.replyTokens + 1)
            let final = try #require(chunks.last)
            #expect(final.done)
            #expect(final.doneReason == "stop")
            #expect(final.metrics.evalCount == SimConfiguration.fast.replyTokens)
            #expect(final.metrics.loadDuration > 0)
            #expect(chunks.dropLast().allSatisfy { !$0.done && $0.metrics.isEmpty })
            let running = try await client.runningModels()
            let entry = try #require(running.first)
            #expect(entry.name == "llama3.2:latest")
            let remaining = entry.expiresAt.timeIntervalSinceNow
            #expect(remaining > 500 && remaining <= 600)
            #expect(entry.processorDescription == "100% GPU")
        }
    }

    @Test("a paced stream delivers every value of the reply, in order, the same as reading at once")
    func pacedStream() async throws {
        try await withSim({ $0.tokensPerSecond = 400; $0.replyTokens = 60 }) { _, client in
            let request = ChatRequest(model: "llama3.2", messages: [.user("Why is the sky blue?")])
            let (direct, directError) = await collect(try await client.chat(request))
            let (paced, pacedError) = await collect(try await client.chat(request).paced(.milliseconds(40)))
            #expect(directError == nil && pacedError == nil)
            #expect(paced.count == direct.count)
            #expect(paced.map(\.message.content) == direct.map(\.message.content))
            #expect(paced.last?.done == true)
        }
    }

    @Test("a stream paced by a pacer reads only at its ticks, and still delivers every value in order")
    func pacerStream() async throws {
        try await withSim({ $0.tokensPerSecond = 400; $0.replyTokens = 60 }) { _, client in
            let request = ChatRequest(model: "llama3.2", messages: [.user("Why is the sky blue?")])
            let (direct, _) = await collect(try await client.chat(request))
            let pacer = StreamPacer()
            let stream = try await client.chat(request).paced(by: pacer)
            let received = Mutex<[String]>([])
            let reader = Task {
                for try await chunk in stream { received.withLock { $0.append(chunk.message.content) } }
            }
            // The whole reply takes 150 ms to send; without a tick the stream stops after catching up.
            #expect(await eventually { pacer.waitingCount == 1 })
            try await Task.sleep(for: .milliseconds(400))
            #expect(received.withLock { $0.count } < direct.count)
            #expect(pacer.waitingCount == 1)
            let ticker = Task {
                while !Task.isCancelled {
                    pacer.tick()
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            try await reader.value
            ticker.cancel()
            #expect(received.withLock { $0 } == direct.map(\.message.content))
        }
    }

    @Test("cancelling the task that reads a paced stream ends it")
    func pacedStreamCancels() async throws {
        try await withSim({ $0.tokensPerSecond = 50; $0.replyTokens = 500 }) { _, client in
            let stream = try await client.chat(ChatRequest(model: "llama3.2", messages: [.user("long")])).paced(.seconds(2))
            let reader = Task { await collect(stream) }
            try await Task.sleep(for: .milliseconds(300))
            reader.cancel()
            let (values, error) = await reader.value
            #expect(error != nil)
            #expect(values.count < 500)
        }
    }

    @Test("Chinese prompts get Chinese replies, and thinking models think first")
    func chineseThinking() async throws {
        try await withSim { _, client in
            let stream = try await client.chat(
                ChatRequest(model: "qwen3:8b", messages: [.user("天空为什么是蓝色的？")]))
            let (chunks, error) = await collect(stream)
            #expect(error == nil)
            let thinking = chunks.compactMap(\.message.thinking).joined()
            let content = chunks.map(\.message.content).joined()
            #expect(thinking.contains("用户"))
            #expect(content.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) })
            let firstContent = try #require(chunks.firstIndex { !$0.message.content.isEmpty })
            let lastThinking = try #require(chunks.lastIndex { $0.message.thinking != nil })
            #expect(lastThinking < firstContent)
        }
    }

    @Test("think false turns thinking off; think true on a model that cannot think is a 400")
    func thinkSettings() async throws {
        try await withSim { _, client in
            let quiet = try await client.chat(
                ChatRequest(model: "qwen3:8b", messages: [.user("hi")], think: .enabled(false)))
            #expect(await collect(quiet).values.allSatisfy { $0.message.thinking == nil })
            await #expect(throws: OllamaError.http(status: 400, message: "\"llama3.2\" does not support thinking")) {
                _ = try await client.chat(ChatRequest(model: "llama3.2", messages: [.user("hi")], think: .enabled(true)))
            }
        }
    }

    @Test("num_predict caps the reply with done_reason length; non-streamed chat joins it")
    func lengthAndUnary() async throws {
        try await withSim { _, client in
            let capped = try await client.chat(
                ChatRequest(model: "llama3.2", messages: [.user("hi")], options: ["num_predict": 5]))
            let chunks = await collect(capped).values
            #expect(chunks.count == 6)
            #expect(chunks.last?.doneReason == "length")
            let whole = try await client.chatOnce(
                ChatRequest(model: "llama3.2", messages: [.user("hi")], options: ["num_predict": 5]))
            #expect(whole.done)
            #expect(whole.message.content == chunks.map(\.message.content).joined())
        }
    }

    @Test("tools produce a tool call with object arguments; tools on a model without them is a 400")
    func tools() async throws {
        let weather = Tool(function: .init(
            name: "get_weather", description: "Get weather",
            parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]))
        try await withSim { _, client in
            let stream = try await client.chat(
                ChatRequest(model: "qwen3:8b", messages: [.user("Weather in Tokyo?")], tools: [weather], think: .enabled(false)))
            let calls = await collect(stream).values.compactMap(\.message.toolCalls).flatMap { $0 }
            #expect(calls.first?.function.name == "get_weather")
            #expect(calls.first?.function.arguments["city"] == .string("Tokyo"))
            await #expect(throws: OllamaError.http(status: 400, message: "registry.ollama.ai/library/deepseek-r1:7b does not support tools")) {
                _ = try await client.chat(ChatRequest(model: "deepseek-r1:7b", messages: [.user("x")], tools: [weather]))
            }
        }
    }

    @Test("the simulator asks one call per place, all in one chunk, and answers from role tool messages")
    func toolRounds() async throws {
        let time = Tool(function: .init(
            name: "get_current_time", description: "Get current time in a specific timezone",
            parameters: ["type": "object", "properties": ["timezone": ["type": "string"]], "required": ["timezone"]]))
        let other = Tool(function: .init(name: "search_web", description: "Search the web", parameters: ["type": "object"]))
        try await withSim { _, client in
            let ask = [ChatMessage.user("What time is it in Taipei and Tokyo?")]
            let stream = try await client.chat(ChatRequest(model: "qwen3:8b", messages: ask, tools: [other, time], think: .enabled(false)))
            let chunks = await collect(stream).values.filter { $0.message.toolCalls != nil }
            #expect(chunks.count == 1)
            let calls = chunks.first?.message.toolCalls ?? []
            #expect(calls.map(\.function.name) == ["get_current_time", "get_current_time"])
            #expect(calls.map { $0.function.arguments["timezone"] } == [.string("Asia/Taipei"), .string("Asia/Tokyo")])
            #expect(calls.map(\.function.index) == [0, 1])
            #expect(calls.allSatisfy { ($0.id ?? "").hasPrefix("call_") && $0.id?.count == 13 })
            let back = ask + [
                ChatMessage(role: "assistant", content: "", toolCalls: calls),
                ChatMessage(role: "tool", content: "01:17 in Taipei", toolName: "get_current_time", toolCallID: calls[0].id),
                ChatMessage(role: "tool", content: "02:17 in Tokyo", toolName: "get_current_time", toolCallID: calls[1].id),
            ]
            let answer = try await client.chatOnce(ChatRequest(model: "qwen3:8b", messages: back, tools: [other, time], think: .enabled(false)))
            #expect(answer.message.toolCalls == nil)
            #expect(answer.message.content == "From the tool results: get_current_time says 01:17 in Taipei; get_current_time says 02:17 in Tokyo.")
        }
    }

    @Test("images go to vision models; a model without vision rejects them as the server does")
    func images() async throws {
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        try await withSim { _, client in
            let stream = try await client.chat(
                ChatRequest(model: "gemma3:4b", messages: [.user("What is this?", images: [png])]))
            #expect(await collect(stream).error == nil)
            await #expect(throws: OllamaError.http(status: 500, message: "this model is missing data required for image input")) {
                _ = try await client.chat(ChatRequest(model: "llama3.2", messages: [.user("x", images: [png])]))
            }
            // A vision model refuses empty data and bytes that are no image, as Ollama's decoder does.
            for bad in [Data(), Data("not an image".utf8)] {
                await #expect(throws: OllamaError.http(status: 400, message: "unsupported image format")) {
                    _ = try await client.chat(ChatRequest(model: "gemma3:4b", messages: [.user("x", images: [bad])]))
                }
            }
        }
    }

    @Test("generate streams responses and ends with context and metrics")
    func generate() async throws {
        try await withSim { _, client in
            let stream = try await client.generate(GenerateRequest(model: "llama3.2", prompt: "Why is the sky blue?"))
            let (chunks, error) = await collect(stream)
            #expect(error == nil)
            #expect(!chunks.map(\.response).joined().isEmpty)
            #expect(chunks.last?.context?.isEmpty == false)
            let once = try await client.generateOnce(GenerateRequest(model: "llama3.2", prompt: "Why is the sky blue?"))
            #expect(once.response == chunks.map(\.response).joined())
            await #expect(throws: OllamaError.http(status: 404, message: "model 'nope' not found")) {
                _ = try await client.generate(GenerateRequest(model: "nope", prompt: "x"))
            }
        }
    }

    @Test("load and unload move a model in and out of ps")
    func loadUnload() async throws {
        try await withSim { _, client in
            let loaded = try await client.load(model: "mistral:7b", keepAlive: .forever)
            #expect(loaded.doneReason == "load")
            let entry = try #require(try await client.runningModels().first { $0.name == "mistral:7b" })
            #expect(entry.staysLoadedForever())
            let unloaded = try await client.unload(model: "mistral:7b")
            #expect(unloaded.doneReason == "unload")
            #expect(try await client.runningModels().isEmpty)
        }
    }

    @Test("a model that does not fit the GPU is split between CPU and GPU")
    func cpuGpuSplit() async throws {
        try await withSim { _, client in
            try await client.load(model: "qwen3-vl:8b")
            try await client.load(model: "qwen3:8b")
            let running = try await client.runningModels()
            #expect(running.contains { $0.processorDescription.hasSuffix("CPU/GPU") })
        }
    }

    @Test("show returns details, capabilities, parameters, template and model_info")
    func show() async throws {
        try await withSim { _, client in
            let show = try await client.show(model: "qwen3:8b")
            #expect(show.capabilities.contains("thinking"))
            #expect(show.contextLength == 40_960)
            #expect(show.parameters.contains("temperature"))
            #expect(show.modelfile.contains("FROM "))
            #expect(!show.template.isEmpty)
            await #expect(throws: OllamaError.http(status: 404, message: "model 'nope:latest' not found")) {
                _ = try await client.show(model: "nope")
            }
        }
    }

    @Test("pull streams per-layer progress, installs the model, and unknown names fail inside the stream")
    func pull() async throws {
        try await withSim { _, client in
            let (lines, error) = await collect(try await client.pull(model: "phi4-mini"))
            #expect(error == nil)
            #expect(lines.first?.status == "pulling manifest")
            #expect(lines.last?.status == "success")
            let statuses = lines.map(\.status)
            #expect(statuses.contains("verifying sha256 digest"))
            #expect(statuses.contains("writing manifest"))
            let digests = lines.compactMap(\.digest)
            #expect(Set(digests).count == 5)
            #expect(digests.allSatisfy { $0.hasPrefix("sha256:") })
            #expect(lines.contains { $0.digest != nil && $0.completed == nil })  // zero omitted
            #expect(try await client.listModels().contains { $0.name == "phi4-mini:latest" })

            let (unknown, unknownError) = await collect(try await client.pull(model: "no-such-model"))
            #expect(unknown.map(\.status) == ["pulling manifest"])
            #expect(unknownError as? OllamaError == .stream(message: "pull model manifest: file does not exist"))
            await #expect(throws: OllamaError.http(status: 400, message: "invalid model name")) {
                _ = try await client.pull(model: "bad name!")
            }
        }
    }

    @Test("push needs a namespace; create derives a model; copy and delete change the library")
    func libraryOperations() async throws {
        try await withSim { _, client in
            let (_, pushError) = await collect(try await client.push(model: "llama3.2"))
            #expect((pushError as? OllamaError)?.serverMessage?.contains("not authorized") == true)

            try await client.copy(source: "llama3.2", destination: "me/llama-copy")
            let (pushed, okError) = await collect(try await client.push(model: "me/llama-copy"))
            #expect(okError == nil)
            #expect(pushed.last?.status == "success")
            #expect(pushed.contains { $0.status.hasPrefix("pushing ") && $0.completed == $0.total })

            let (created, createError) = await collect(try await client.create(
                CreateRequest(model: "pirate", from: "llama3.2", system: "Talk like a pirate.",
                              parameters: ["temperature": 0.9])))
            #expect(createError == nil)
            #expect(created.contains { $0.status.hasPrefix("using existing layer sha256:") })
            #expect(created.contains { $0.status.hasPrefix("creating new layer sha256:") })
            #expect(created.last?.status == "success")
            #expect(try await client.show(model: "pirate").system == "Talk like a pirate.")
            await #expect(throws: OllamaError.http(status: 400, message: "neither 'from' or 'files' was specified")) {
                _ = try await client.create(CreateRequest(model: "empty"))
            }

            try await client.delete(model: "pirate")
            #expect(try await client.listModels().contains { $0.name == "pirate:latest" } == false)
            await #expect(throws: OllamaError.http(status: 404, message: "model 'pirate' not found")) {
                try await client.delete(model: "pirate")
            }
            await #expect(throws: OllamaError.http(status: 404, message: "model \"ghost\" not found")) {
                try await client.copy(source: "ghost", destination: "x")
            }
        }
    }

    @Test("embed returns normalised vectors; the legacy endpoint returns one raw vector")
    func embeddings() async throws {
        try await withSim { _, client in
            let response = try await client.embed(
                EmbedRequest(model: "nomic-embed-text", input: ["the cat sat", "the cat sat", "stock prices fell"]))
            #expect(response.embeddings.count == 3)
            #expect(response.embeddings[0].count == 768)
            let norm = response.embeddings[0].reduce(0) { $0 + Double($1 * $1) }
            #expect(abs(norm - 1) < 1e-3)
            #expect(cosineSimilarity(response.embeddings[0], response.embeddings[1]) > 0.999)
            #expect(cosineSimilarity(response.embeddings[0], response.embeddings[2]) < 0.9)
            let short = try await client.embed(EmbedRequest(model: "nomic-embed-text", input: ["x"], dimensions: 16))
            #expect(short.embeddings[0].count == 16)
            let legacy = try await client.embeddings(EmbeddingsRequest(model: "nomic-embed-text", prompt: "hello"))
            #expect(legacy.embedding.count == 768)
            await #expect(throws: OllamaError.http(status: 404, message: "model 'nope' not found, try pulling it first")) {
                _ = try await client.embed(EmbedRequest(model: "nope", input: ["x"]))
            }
        }
    }

    @Test("the API key goes out as a bearer token and extra headers are sent")
    func headers() async throws {
        try await withSim({ _ in }, client: { configuration in
            configuration.apiKey = "sk-test"
            configuration.headers = [.init(name: "X-Team", value: "blue")]
        }) { sim, client in
            _ = try await client.version()
            let headers = await sim.state.stats.lastHeaders
            #expect(headers["authorization"] == "Bearer sk-test")
            #expect(headers["x-team"] == "blue")
        }
    }

    @Test("unknown paths answer with the router's plain-text 404")
    func plainTextErrors() async throws {
        try await withSim { sim, _ in
            var configuration = OllamaClientConfiguration(host: OllamaHost.resolve(sim.baseURL + "/not-here"))
            configuration.requestTimeout = .seconds(5)
            let client = OllamaClient(configuration: configuration)
            defer { Task { try? await client.shutdown() } }
            await #expect(throws: OllamaError.http(status: 404, message: "404 page not found")) {
                _ = try await client.version()
            }
        }
    }

    @Test("the simulator's request history stays bounded in a long demo; the count keeps counting")
    func boundedStats() async throws {
        try await withSim { sim, client in
            for _ in 0..<(SimStats.requestHistoryLimit + 200) { _ = try await client.version() }
            let stats = await sim.state.stats
            #expect(stats.requests.count <= SimStats.requestHistoryLimit)
            #expect(stats.requestCount >= SimStats.requestHistoryLimit + 200)
            #expect(stats.requests.last == "GET /api/version")
        }
    }

    @Test("a copy keeps its source's digest (the same manifest); a non-streamed pull answers application/json, no charset")
    func copyDigestAndPullContentType() async throws {
        try await withSim { sim, client in
            try await client.copy(source: "qwen3:8b", destination: "qwen-copy")
            let models = try await client.listModels()
            let source = try #require(models.first { $0.name == "qwen3:8b" })
            let copy = try #require(models.first { $0.name == "qwen-copy:latest" })
            #expect(copy.digest == source.digest)
            #expect(models.filter { $0.digest == source.digest }.count == 2)
            var request = HTTPClientRequest(url: sim.baseURL + "/api/pull")
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: #"{"model":"tiny","stream":false}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let status = response.status.code
            let contentType = response.headers.first(name: "content-type")
            _ = try await response.body.collect(upTo: 1 << 20)
            #expect(status == 200)
            #expect(contentType == "application/json")
        }
    }
}
