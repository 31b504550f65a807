import Foundation
import OllamaKit
import Testing

/// The fast path for ordinary stream chunks must take the common lines and agree with JSONDecoder
/// on every line it takes; everything else must be left to JSONDecoder.
@Suite("Fast path for common chunks")
struct CommonShapeTests {
    static let decoder = OllamaJSON.makeDecoder()

    func fastChat(_ text: String) -> ChatResponse? {
        Array(text.utf8).withUnsafeBufferPointer { ChatResponse.decodeCommonShape($0) }
    }

    func slowChat(_ text: String) -> ChatResponse? {
        try? Self.decoder.decode(ChatResponse.self, from: Data(text.utf8))
    }

    static let taken: [String] = [
        #"{"model":"qwen3:8b","created_at":"2026-08-21T18:02:11.114310012Z","message":{"role":"assistant","content":"The"},"done":false}"#,
        #"{"model":"m","created_at":"2025-05-10T08:06:48.639712648-07:00","message":{"role":"assistant","content":"","thinking":"hmm"},"done":false}"#,
        #"{"model":"m","message":{"role":"assistant","content":"\u003cb\u003e \"q\" \\ \/ \n\t\r\b\f é 天 \ud83d\ude00"},"done":false}"#,
        #" { "model" : "m" , "message" : { "content" : "x" } , "done" : false } "#,
        #"{"model":"m","message":{"content":"天空之所以是蓝色的"},"done":false}"#,
        #"{"message":{},"done":false}"#,
        #"{}"#,
    ]

    static let leftToDecoder: [String] = [
        // The final chunk carries numbers and done:true.
        #"{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":5}"#,
        #"{"error":"model runner has unexpectedly stopped"}"#,
        #"{"model":"m","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{}}}]},"done":false}"#,
        #"{"model":"m","message":{"content":"a"},"done":false,"extra":"x"}"#,
        #"{"model":"m","model":"n","message":{"content":"a"},"done":false}"#,
        #"{"model":"m","message":{"content":"a","content":"b"},"done":false}"#,
        #"{"model":"m","message":{"content":"\ud83d"},"done":false}"#,
        #"{"model":"m","message":{"content":"\udc00x"},"done":false}"#,
        #"{"model":"m","message":{"content":"a\qb"},"done":false}"#,
        #"{"model":"m","created_at":"yesterday","message":{"content":"a"},"done":false}"#,
        #"{"model":"m","message":{"content":"a"},"done":false} trailing"#,
        #"{"model":"m","message":{"content":"a"},"done":false"#,
        #"{"model":"m","message":"flat","done":false}"#,
        #"{"model":null,"message":{"content":"a"},"done":false}"#,
        "{\"model\":\"m\",\"message\":{\"content\":\"raw\ttab\"},\"done\":false}",
        #"[1,2]"#,
        "",
    ]

    @Test("ordinary chunks take the fast path and match JSONDecoder", arguments: taken)
    func takesAndAgrees(line: String) throws {
        let fast = try #require(fastChat(line))
        #expect(fast == slowChat(line))
    }

    @Test("anything outside the common shape is left to JSONDecoder", arguments: leftToDecoder)
    func leavesTheRest(line: String) {
        #expect(fastChat(line) == nil)
    }

    @Test("invalid UTF-8 is left to the decoder, which repairs it")
    func invalidUTF8() throws {
        var bytes = Array(#"{"model":"m","message":{"content":"a"#.utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(#""},"done":false}"#.utf8)
        #expect(bytes.withUnsafeBufferPointer { ChatResponse.decodeCommonShape($0) } == nil)
        var lineDecoder = StreamLineDecoder<ChatResponse>()
        #expect(try lineDecoder.decode(bytes).message.content == "a\u{FFFD}\u{FFFD}")
    }

    @Test("generate chunks: response and thinking")
    func generate() throws {
        let line = #"{"model":"m","created_at":"2026-08-21T18:02:11Z","response":"Hi \u0026","thinking":"t","done":false}"#
        let fast = try #require(Array(line.utf8).withUnsafeBufferPointer { GenerateResponse.decodeCommonShape($0) })
        #expect(fast == (try Self.decoder.decode(GenerateResponse.self, from: Data(line.utf8))))
        #expect(fast.response == "Hi &")
        let final = #"{"model":"m","response":"","done":true,"context":[1,2]}"#
        #expect(Array(final.utf8).withUnsafeBufferPointer { GenerateResponse.decodeCommonShape($0) } == nil)
    }

    @Test("the stream decoder still reports the terminal chunk and in-stream errors")
    func streamDecoderBehaviour() throws {
        var lineDecoder = StreamLineDecoder<ChatResponse>()
        _ = try lineDecoder.decode(Array(Self.taken[0].utf8))
        #expect(!lineDecoder.sawTerminal)
        #expect(throws: OllamaError.stream(message: "model runner has unexpectedly stopped")) {
            try lineDecoder.decode(Array(Self.leftToDecoder[1].utf8))
        }
        _ = try lineDecoder.decode(Array(Self.leftToDecoder[0].utf8))
        #expect(lineDecoder.sawTerminal)
    }
}
