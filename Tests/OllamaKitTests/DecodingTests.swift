import Foundation
import OllamaKit
import Testing

@Suite("Decoding the reference's fixtures")
struct DecodingTests {
    func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try OllamaJSON.makeDecoder().decode(T.self, from: Data(try fixture(name)))
    }

    /// A fixture read as the client reads list bodies.
    func listing<Entry: Decodable & Sendable & Equatable>(_ type: Entry.Type, _ name: String) throws -> Listing<Entry> {
        try Listing<Entry>.decodeModels(from: Data(try fixture(name)))
    }

    @Test("tags: null families, cloud stubs, unknown fields, offsets")
    func tags() throws {
        let read = try listing(InstalledModel.self, "tags.json")
        #expect(read.skipped.isEmpty)
        let models = read.entries
        #expect(models.count == 3)
        #expect(models[0].details.families == [])
        #expect(models[0].size == 4_920_738_944)
        #expect(models[0].capabilities == ["completion", "tools"])
        #expect(models[1].capabilities == [])
        #expect(models[2].remoteHost == "https://ollama.com:443")
        #expect(models[1].modifiedAt.timeIntervalSince1970 == 1_746_748_800)
    }

    @Test("ps: far-future expiry, CPU/GPU split, missing context length")
    func ps() throws {
        let models = try listing(RunningModel.self, "ps.json").entries
        #expect(models[0].staysLoadedForever())
        #expect(models[0].processorDescription == "52%/48% CPU/GPU")
        #expect(models[1].processorDescription == "100% GPU")
        #expect(models[1].contextLength == 0)
    }

    @Test("processor column as ollama ps prints it")
    func processor() {
        func model(_ size: Int64, _ vram: Int64) -> RunningModel {
            RunningModel(name: "m", size: size, digest: "", expiresAt: Date(), sizeVRAM: vram, contextLength: 0)
        }
        #expect(model(100, 0).processorDescription == "100% CPU")
        #expect(model(100, 100).processorDescription == "100% GPU")
        #expect(model(100, 52).processorDescription == "48%/52% CPU/GPU")
        #expect(model(100, 200).processorDescription == "Unknown")
    }

    @Test("show: model_info values of every kind, zero modified_at, escaped template")
    func show() throws {
        let show = try decode(ShowResponse.self, "show.json")
        #expect(show.architecture == "llama")
        #expect(show.contextLength == 131_072)
        #expect(show.embeddingLength == 3072)
        #expect(show.modelInfo["general.parameter_count"] == .integer(3_212_749_888))
        #expect(show.modelInfo["llama.rope.scaling.factor"] == .number(32.5))
        #expect(show.modelInfo["tokenizer.ggml.add_bos_token"] == .bool(true))
        #expect(show.template.hasPrefix("<|start_header_id|>"))
        #expect(show.modifiedAt?.timeIntervalSince1970 == -62_135_596_800)
        #expect(show.tensors.first?.shape == [3072, 128_256])
        #expect(show.system == "")
    }

    @Test("chat: thinking-only chunks, a tool call with object arguments, final metrics")
    func chatStream() throws {
        let result = decodeStream(try fixture("chat-thinking-tools.ndjson"), as: ChatResponse.self)
        #expect(result.error == nil)
        #expect(result.sawTerminal)
        #expect(result.values.count == 4)
        #expect(result.values.compactMap(\.message.thinking).joined() == "The user wants")
        #expect(result.values.allSatisfy { $0.message.content.isEmpty })
        let call = try #require(result.values[2].message.toolCalls?.first)
        #expect(call.id == "call_k3v9x2qa")
        #expect(call.function.arguments["city"] == .string("Tokyo"))
        let final = try #require(result.values.last)
        #expect(final.doneReason == "stop")
        #expect(final.metrics.evalCount == 115)
        #expect(final.metrics.totalDuration == 1_182_242_375)
        let rate = try #require(final.metrics.evalRate)
        #expect(abs(rate - 113.193) < 0.01)
        #expect(result.values[0].metrics.isEmpty)
    }

    @Test("generate: context on the final line, 64-bit durations")
    func generateStream() throws {
        let result = decodeStream(try fixture("generate.ndjson"), as: GenerateResponse.self)
        #expect(result.values.map(\.response).joined() == "The sky")
        #expect(result.values.last?.context == [128_006, 9125, 128_007, 271, 38766])
        #expect(result.values.last?.metrics.totalDuration == 10_706_818_083)
    }

    @Test("pull: omitted completed, last tick below total, then success")
    func pullStream() throws {
        let result = decodeStream(try fixture("pull.ndjson"), as: ProgressResponse.self)
        #expect(result.error == nil)
        #expect(result.sawTerminal)
        #expect(result.values.count == 12)
        #expect(result.values[1].completed == nil)
        #expect(result.values[1].total == 2_019_377_376)
        #expect(result.values[3].completed == 2_011_234_304)
        #expect(result.values.last?.status == "success")
    }

    @Test("an error line inside a 200 stream is thrown after the values before it")
    func errorInsideStream() throws {
        let result = decodeStream(try fixture("pull-unknown.ndjson"), as: ProgressResponse.self)
        #expect(result.values.map(\.status) == ["pulling manifest"])
        #expect(result.error == .stream(message: "pull model manifest: file does not exist"))
        #expect(result.sawTerminal == false)
    }

    @Test("the fixtures decode the same at every split offset")
    func splitEverywhere() throws {
        let bytes = try fixture("chat-thinking-tools.ndjson")
        let whole = decodeStream(bytes, as: ChatResponse.self).values
        for offset in stride(from: 1, to: bytes.count, by: 7) {
            #expect(decodeStream(bytes, as: ChatResponse.self, splitAt: [offset, offset + 3]).values == whole)
        }
    }

    @Test("a chunk whose text says \"error\" is still a value, and a real error line is still an error")
    func errorWordInContent() {
        let lines = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\\\"error\\\"\"},\"done\":false}\n"
            + "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"x\"},\"done\":false,\"error\":\"boom\"}\n"
        let result = decodeStream(Array(lines.utf8), as: ChatResponse.self)
        #expect(result.values.map(\.message.content) == ["\"error\""])
        #expect(result.error == .stream(message: "boom"))
    }

    @Test("a malformed line is a typed error naming the text")
    func malformedLine() {
        let result = decodeStream(Array("{\"status\":\"a\"}\nnot json\n".utf8), as: ProgressResponse.self)
        #expect(result.values.count == 1)
        guard case .malformedResponse(_, let snippet)? = result.error else {
            Issue.record("expected malformedResponse, got \(String(describing: result.error))")
            return
        }
        #expect(snippet == "not json")
    }

    @Test("invalid UTF-8 inside a string becomes U+FFFD instead of failing")
    func invalidUTF8() throws {
        var bytes = Array("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"a".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array("b\"},\"done\":false}\n".utf8)
        let result = decodeStream(bytes, as: ChatResponse.self)
        #expect(result.error == nil)
        #expect(result.values.first?.message.content == "a\u{FFFD}\u{FFFD}b")
    }

    @Test("models: null and a missing list read as empty")
    func nullModels() throws {
        for body in ["{\"models\":[]}", "{\"models\":null}", "{}"] {
            #expect(try Listing<InstalledModel>.decodeModels(from: Data(body.utf8)) == Listing(entries: []))
        }
        #expect(throws: (any Error).self) { try Listing<InstalledModel>.decodeModels(from: Data("{\"models\":5}".utf8)) }
    }

    @Test("one odd entry (a date without a zone, a size sent as a string) costs that entry, not the list")
    func oddEntries() throws {
        let body = """
            {"models":[
            {"name":"good:1","model":"good:1","modified_at":"2025-05-09T00:00:00Z","size":1,"digest":"a","details":{}},
            {"name":"nozone:1","model":"nozone:1","modified_at":"2025-05-09T00:00:00","size":1,"digest":"b","details":{}},
            {"name":"stringsize:1","model":"stringsize:1","modified_at":"2025-05-09T00:00:00Z","size":"12","digest":"c","details":{}},
            {"name":5,"model":"numbered","size":1},
            {"name":"good:2","model":"good:2","modified_at":"2025-05-09T00:00:00Z","size":2,"digest":"d","details":{}}
            ]}
            """
        let read = try Listing<InstalledModel>.decodeModels(from: Data(body.utf8))
        #expect(read.entries.map(\.name) == ["good:1", "good:2"])
        #expect(read.skipped.map(\.index) == [1, 2, 3])
        #expect(read.skipped.map(\.name) == ["nozone:1", "stringsize:1", nil])
        #expect(read.skipped[1].reason == "size: expected a whole number")
        #expect(read.skipped[0].reason.hasPrefix("modified_at:"))
        #expect(read.skipped[2].description == "entry 4: name: expected a string")
    }

    @Test("keep_alive encodes as the server expects and parses what users type")
    func keepAlive() throws {
        let encoder = JSONEncoder()
        #expect(String(decoding: try encoder.encode(KeepAlive.forever), as: UTF8.self) == "-1")
        #expect(String(decoding: try encoder.encode(KeepAlive.duration("5m")), as: UTF8.self) == "\"5m\"")
        #expect(KeepAlive.parse("forever") == .forever)
        #expect(KeepAlive.parse("1h30m")?.seconds == 5400)
        #expect(KeepAlive.parse("300") == .seconds(300))
        #expect(KeepAlive.parse("5x") == nil)
        #expect(KeepAlive.parse("") == nil)
    }

    @Test("requests encode with snake_case keys and without absent fields")
    func requestEncoding() throws {
        let request = ChatRequest(
            model: "qwen3:8b", messages: [.user("hi")], keepAlive: .duration("10m"), options: ["temperature": 0.5],
            think: .enabled(false))
        let json = String(decoding: try OllamaJSON.makeEncoder().encode(request), as: UTF8.self)
        #expect(json.contains("\"keep_alive\":\"10m\""))
        #expect(json.contains("\"think\":false"))
        #expect(!json.contains("tools"))
        #expect(!json.contains("images"))
    }
}
