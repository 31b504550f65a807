import Foundation
import OllamaKit
import Testing

/// Every input the NDJSON fuzzer kept (Tests/FuzzCorpus/FuzzNDJSON) replayed with the fuzzer's own
/// checks, so what fuzzing found stays covered in every `swift test`.
@Suite("Fuzz corpus replay: NDJSON")
struct FuzzCorpusReplayTests {
    static func corpus(_ name: String, filePath: String = #filePath) -> [URL] {
        let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus").appendingPathComponent(name)
        return ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("framing bounds and fast-path agreement hold for every kept input")
    func replay() throws {
        let inputs = Self.corpus("FuzzNDJSON")
        #expect(inputs.count > 10, "the corpus is missing")
        let decoder = OllamaJSON.makeDecoder()
        var accepted = 0
        for url in inputs {
            let bytes = Array(try Data(contentsOf: url))
            var framer = LineFramer(maxLineBytes: 256)
            let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
            var lines = framer.append(bytes[..<split]).lines + framer.append(bytes[split...]).lines
            if let last = framer.finish() { lines.append(last) }
            var chat = StreamLineDecoder<ChatResponse>()
            for line in lines {
                #expect(line.count <= 256 && !line.contains(0x0A), "\(url.lastPathComponent)")
                _ = try? chat.decode(line)
                if let fast = line.withUnsafeBufferPointer({ ChatResponse.decodeCommonShape($0) }) {
                    accepted += 1
                    #expect(fast == (try? decoder.decode(ChatResponse.self, from: Data(line))), "\(url.lastPathComponent)")
                }
            }
        }
        #expect(accepted > 0, "no kept input reaches the fast path")
    }
}
