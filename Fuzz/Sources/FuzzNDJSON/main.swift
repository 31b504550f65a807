import Foundation
import OllamaKit

/// NDJSON framing and decoding of chat, generate and progress streams. Checks, beyond not crashing:
/// the framer never returns a line longer than its cap or one containing a newline, and the fast
/// path for common chunks agrees with JSONDecoder on every line it accepts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSON(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let cap = 256
    var framer = LineFramer(maxLineBytes: cap)
    // Feed in two pieces split at a point the input chooses, as a network read might.
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var lines = framer.append(bytes[..<split]).lines
    lines += framer.append(bytes[split...]).lines
    if let last = framer.finish() { lines.append(last) }
    let decoder = OllamaJSON.makeDecoder()
    var chat = StreamLineDecoder<ChatResponse>()
    var generate = StreamLineDecoder<GenerateResponse>()
    var progress = StreamLineDecoder<ProgressResponse>()
    for line in lines {
        precondition(line.count <= cap, "the framer returned a line over its cap")
        precondition(!line.contains(0x0A), "the framer returned a line with a newline in it")
        _ = try? chat.decode(line)
        _ = try? generate.decode(line)
        _ = try? progress.decode(line)
        if let fast = line.withUnsafeBufferPointer({ ChatResponse.decodeCommonShape($0) }) {
            let slow = try? decoder.decode(ChatResponse.self, from: Data(line))
            precondition(slow == fast, "fast path and JSONDecoder disagree on \(String(decoding: line, as: UTF8.self))")
        }
        if let fast = line.withUnsafeBufferPointer({ GenerateResponse.decodeCommonShape($0) }) {
            let slow = try? decoder.decode(GenerateResponse.self, from: Data(line))
            precondition(slow == fast, "fast path and JSONDecoder disagree on \(String(decoding: line, as: UTF8.self))")
        }
    }
    return 0
}
