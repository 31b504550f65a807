import Foundation
import OllamaKit
import OllamaSim
import Testing

@Suite("Client against ollama-sim: injected faults, cancellation, unreachable hosts")
struct ClientFaultTests {
    static let prompt = ChatRequest(model: "llama3.2", messages: [.user("Tell me a story")], think: .enabled(false))

    func faulted(_ fault: String, after: Int = 3) -> (inout OllamaClientConfiguration) -> Void {
        { configuration in
            configuration.headers = [
                .init(name: "X-Sim-Fault", value: fault), .init(name: "X-Sim-Fault-After", value: String(after)),
            ]
        }
    }

    @Test("a dropped connection mid-stream: the values before it arrive, then a connection error")
    func drop() async throws {
        try await withSim({ _ in }, client: faulted("drop", after: 4)) { _, client in
            let (chunks, error) = await collect(try await client.chat(Self.prompt))
            #expect(chunks.count == 4)
            guard case .connection(_, let reason)? = error as? OllamaError else {
                Issue.record("expected a connection error, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("closed"))
        }
    }

    @Test("an error line mid-stream is thrown after the values before it")
    func errorLine() async throws {
        try await withSim({ _ in }, client: faulted("error", after: 5)) { _, client in
            let (chunks, error) = await collect(try await client.chat(Self.prompt))
            #expect(chunks.count == 5)
            #expect((error as? OllamaError)?.serverMessage?.hasPrefix("simulated failure") == true)
        }
    }

    @Test("an error line in a pull keeps the progress before it")
    func pullError() async throws {
        try await withSim({ _ in }, client: faulted("error", after: 2)) { _, client in
            let (lines, error) = await collect(try await client.pull(model: "llama3.1:8b"))
            #expect(lines.count == 2)
            #expect(lines.first?.status == "pulling manifest")
            guard case .stream? = error as? OllamaError else {
                Issue.record("expected a stream error, got \(String(describing: error))")
                return
            }
        }
    }

    @Test("HTTP 500 before the stream is an http error with the server's message")
    func http500() async throws {
        try await withSim({ _ in }, client: faulted("http-500")) { _, client in
            await #expect(throws: OllamaError.http(status: 500, message: "simulated server error")) {
                _ = try await client.chat(Self.prompt)
            }
            await #expect(throws: OllamaError.http(status: 500, message: "simulated server error")) {
                _ = try await client.listModels()
            }
        }
    }

    @Test("a slow first byte still completes")
    func slowFirstByte() async throws {
        try await withSim({ _ in }, client: faulted("slow")) { _, client in
            let start = ContinuousClock.now
            let (chunks, error) = await collect(try await client.chat(Self.prompt))
            #expect(error == nil)
            #expect(chunks.last?.done == true)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
        }
    }

    @Test("a malformed line ends the stream with a typed error")
    func malformed() async throws {
        try await withSim({ _ in }, client: faulted("malformed", after: 2)) { _, client in
            let (chunks, error) = await collect(try await client.chat(Self.prompt))
            #expect(chunks.count == 2)
            guard case .malformedResponse? = error as? OllamaError else {
                Issue.record("expected malformedResponse, got \(String(describing: error))")
                return
            }
        }
    }

    @Test("with skipsMalformedLines a line that is not JSON is skipped and counted; the reply goes on to its end")
    func malformedSkipped() async throws {
        try await withSim({ _ in }, client: { configuration in
            self.faulted("malformed", after: 2)(&configuration)
            configuration.skipsMalformedLines = true
        }) { _, client in
            let stream = try await client.chat(Self.prompt)
            let (chunks, error) = await collect(stream)
            #expect(error == nil)
            #expect(chunks.last?.done == true)
            #expect(chunks.count > 2)
            #expect(stream.skippedLines.count == 1)
            #expect(stream.skippedLines.first?.contains("oops") == true)
        }
    }

    @Test("a line over the cap is refused with a clear error, memory bounded")
    func longLine() async throws {
        try await withSim({ $0.longLineBytes = 2 * 1024 * 1024 },
                          client: { configuration in
                              self.faulted("long-line", after: 1)(&configuration)
                              configuration.maxLineBytes = 64 * 1024
                          }) { _, client in
            let (chunks, error) = await collect(try await client.chat(Self.prompt))
            #expect(chunks.count == 1)
            #expect(error as? OllamaError == .lineTooLong(limit: 64 * 1024))
        }
    }

    @Test("invalid UTF-8 in a chunk arrives as U+FFFD and the stream goes on")
    func invalidUTF8() async throws {
        try await withSim({ _ in }, client: faulted("invalid-utf8", after: 2)) { _, client in
            let (chunks, error) = await collect(try await client.chat(Self.prompt))
            #expect(error == nil)
            #expect(chunks.contains { $0.message.content.contains("\u{FFFD}") })
            #expect(chunks.last?.done == true)
        }
    }

    @Test("a server that never answers times out with a message")
    func hang() async throws {
        try await withSim({ _ in }, client: { configuration in
            self.faulted("hang")(&configuration)
            configuration.requestTimeout = .milliseconds(300)
        }) { _, client in
            await #expect(throws: OllamaError.timeout(host: client.hostDescription)) {
                _ = try await client.listModels()
            }
        }
    }

    @Test("the generation timeout bounds load, unload, embed and chatOnce on a server that never answers")
    func generationTimeout() async throws {
        try await withSim({ _ in }, client: { configuration in
            self.faulted("hang")(&configuration)
            configuration.generationTimeout = .milliseconds(300)
        }) { _, client in
            let timeout = OllamaError.timeout(host: client.hostDescription)
            let start = ContinuousClock.now
            await #expect(throws: timeout) { _ = try await client.load(model: "llama3.2") }
            await #expect(throws: timeout) { _ = try await client.load(model: "llama3.2", keepAlive: .forever) }
            await #expect(throws: timeout) { _ = try await client.unload(model: "llama3.2") }
            await #expect(throws: timeout) { _ = try await client.embed(EmbedRequest(model: "nomic-embed-text", input: ["x"])) }
            await #expect(throws: timeout) { _ = try await client.chatOnce(Self.prompt) }
            #expect(ContinuousClock.now - start < .seconds(10))
        }
    }

    @Test("a stream that goes silent mid-reply times out after the values before it")
    func stall() async throws {
        try await withSim({ _ in }, client: { configuration in
            self.faulted("stall", after: 3)(&configuration)
            // Long enough for a loaded test machine (the whole suite runs in parallel on two cores)
            // to send the lines before the stall; the stall outlasts it anyway.
            configuration.readTimeout = .seconds(8)
        }) { _, client in
            let stream = try await client.chat(Self.prompt).paced(.milliseconds(50))
            let start = ContinuousClock.now
            let (chunks, error) = await collect(stream)
            #expect(chunks.count == 3)
            #expect(error as? OllamaError == .timeout(host: client.hostDescription))
            // The silence is timed from the last value, which may have arrived just before `start`.
            #expect(ContinuousClock.now - start >= .seconds(7))
        }
    }

    @Test("a reader that falls behind while reads are paced: the stream reads on, and silence still times out")
    func holdMeetsPause() async throws {
        try await withSim({ $0.tokensPerSecond = 100 }, client: { configuration in
            self.faulted("stall", after: 12)(&configuration)
            // Long enough for a loaded test machine (the whole suite starts at once on two cores) to
            // start the stream; the stall outlasts it anyway.
            configuration.readTimeout = .seconds(8)
            configuration.maxBufferedValues = 2
        }) { _, client in
            let stream = try await client.chat(Self.prompt).paced(.milliseconds(20))
            let outcome = await withTaskGroup(of: (Int, (any Error)?)?.self) { group in
                group.addTask {
                    var count = 0
                    do {
                        for try await _ in stream {
                            count += 1
                            try await Task.sleep(for: .milliseconds(60))  // far slower than the server
                        }
                        return (count, nil)
                    } catch {
                        return (count, error)
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(60))
                    return nil  // hung: the timeout never came
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            let (count, error) = try #require(outcome, "the stream hung instead of timing out")
            #expect(count == 12)
            #expect(error as? OllamaError == .timeout(host: client.hostDescription))
        }
    }

    @Test("a stream whose server never answers times out before any value")
    func hangingStream() async throws {
        try await withSim({ _ in }, client: { configuration in
            self.faulted("hang")(&configuration)
            configuration.readTimeout = .milliseconds(300)
        }) { _, client in
            await #expect(throws: OllamaError.timeout(host: client.hostDescription)) {
                _ = try await client.chat(Self.prompt)
            }
        }
    }

    @Test("letting go of a stream without reading it closes the connection")
    func abandonedStream() async throws {
        try await withSim({ $0.tokensPerSecond = 50; $0.replyTokens = 500 }) { sim, client in
            do {
                let stream = try await client.chat(Self.prompt)
                _ = stream
            }
            let sawDisconnect = await eventually(timeout: .seconds(20)) { await sim.state.stats.clientDisconnects >= 1 }
            #expect(sawDisconnect)
            #expect(await eventually { await sim.state.stats.activeStreams == 0 })
        }
    }

    @Test("cancelling the consuming task closes the connection, and the simulator sees it")
    func cancellation() async throws {
        try await withSim({ $0.tokensPerSecond = 50; $0.replyTokens = 500 }) { sim, client in
            let firstChunk = AsyncStream<Void>.makeStream()
            let consumer = Task {
                var count = 0
                do {
                    for try await _ in try await client.chat(Self.prompt) {
                        count += 1
                        if count == 1 { firstChunk.continuation.yield() }
                    }
                } catch {
                    return (count, error as? OllamaError)
                }
                return (count, nil)
            }
            for await _ in firstChunk.stream { break }
            consumer.cancel()
            let (count, error) = await consumer.value
            #expect(count < 500)
            #expect(error == .cancelled)
            let sawDisconnect = await eventually(timeout: .seconds(20)) { await sim.state.stats.clientDisconnects >= 1 }
            #expect(sawDisconnect)
            #expect(await sim.state.stats.activeStreams == 0)
        }
    }

    @Test("an interrupted pull resumes from the bytes already on disk")
    func pullResume() async throws {
        try await withSim({ $0.pullBytesPerSecond = 2_000_000_000; $0.progressInterval = .milliseconds(10) }) { _, client in
            let consumer = Task {
                var seen: [ProgressResponse] = []
                for try await line in try await client.pull(model: "llama3.1:8b") {
                    seen.append(line)
                    if (line.completed ?? 0) > 200_000_000 { break }
                }
                return seen
            }
            let first = try await consumer.value
            let reached = try #require(first.last?.completed)
            try await Task.sleep(for: .milliseconds(100))
            var resumedAt: Int64?
            for try await line in try await client.pull(model: "llama3.1:8b") where line.digest != nil {
                resumedAt = line.completed
                break
            }
            #expect((resumedAt ?? 0) >= reached)
        }
    }

    @Test("nothing listening: a connection error naming the host")
    func refused() async throws {
        let client = OllamaClient(configuration: OllamaClientConfiguration(host: OllamaHost.resolve("127.0.0.1:1")))
        defer { Task { try? await client.shutdown() } }
        do {
            _ = try await client.version()
            Issue.record("expected an error")
        } catch let error as OllamaError {
            guard case .connection(let host, let reason) = error else {
                Issue.record("expected connection error, got \(error)")
                return
            }
            #expect(host == "http://127.0.0.1:1")
            #expect(reason == "connection refused")
            #expect(error.description == "cannot reach http://127.0.0.1:1: connection refused")
        }
    }

    @Test("https to a plain-HTTP server fails with a typed error, not a crash")
    func httpsMismatch() async throws {
        try await withSim { sim, _ in
            var configuration = OllamaClientConfiguration(host: OllamaHost(scheme: "https", host: "127.0.0.1", port: sim.port))
            configuration.requestTimeout = .seconds(5)
            let client = OllamaClient(configuration: configuration)
            defer { Task { try? await client.shutdown() } }
            do {
                _ = try await client.version()
                Issue.record("expected a TLS failure")
            } catch let error as OllamaError {
                switch error {
                case .connection, .timeout: break
                default: Issue.record("unexpected \(error)")
                }
            }
        }
    }
}
