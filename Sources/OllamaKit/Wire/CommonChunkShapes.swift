#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The fast paths for the chunks that make up almost all of a streamed reply: one token, not done.
// Anything else (the final chunk with metrics, tool calls, images, errors) goes to JSONDecoder.

extension ChatResponse {
    /// `{"model":…,"created_at":…,"message":{"role":…,"content":…,"thinking":…},"done":false}`.
    public static func decodeCommonShape(_ line: UnsafeBufferPointer<UInt8>) -> ChatResponse? {
        guard let fields = ChunkScanner.scanObject(line), let top = CommonFields(fields, extra: "message") else { return nil }
        var message = ChatMessage(role: "assistant", content: "")
        if case .object(let inner)? = top.extra {
            var seen: UInt8 = 0  // one bit per key: a repeated key goes to JSONDecoder
            for (key, value) in inner {
                guard case .string(let text) = value else { return nil }
                let bit: UInt8
                switch key {
                case "role": (bit, message.role) = (1, text)
                case "content": (bit, message.content) = (2, text)
                case "thinking": (bit, message.thinking) = (4, text)
                default: return nil
                }
                guard seen & bit == 0 else { return nil }
                seen |= bit
            }
        } else if top.extra != nil {
            return nil
        }
        return ChatResponse(model: top.model, createdAt: top.createdAt, message: message, done: false)
    }
}

extension GenerateResponse {
    /// `{"model":…,"created_at":…,"response":…,"thinking":…,"done":false}`.
    public static func decodeCommonShape(_ line: UnsafeBufferPointer<UInt8>) -> GenerateResponse? {
        guard let fields = ChunkScanner.scanObject(line), let top = CommonFields(fields, extra: "response", "thinking")
        else { return nil }
        var response = ""
        var thinking: String?
        for (key, value) in top.extras {
            guard case .string(let text) = value else { return nil }
            if key == "response" { response = text } else { thinking = text }
        }
        return GenerateResponse(model: top.model, createdAt: top.createdAt, response: response, thinking: thinking, done: false)
    }
}

/// The keys every chunk shares (`model`, `created_at`, `done: false`) plus the named extra keys;
/// nil on a repeated or unknown key, a non-string model or date, an unreadable date, or `done` not false.
private struct CommonFields {
    var model = ""
    var createdAt: Date?
    var extras: [(key: String, value: ChunkScanner.Value)] = []
    var extra: ChunkScanner.Value? { extras.first?.value }

    init?(_ fields: [(key: String, value: ChunkScanner.Value)], extra names: String...) {
        var seen: UInt8 = 0  // one bit per key: a repeated key goes to JSONDecoder
        for (key, value) in fields {
            let bit: UInt8
            switch (key, value) {
            case ("model", .string(let text)):
                bit = 1
                model = text
            case ("created_at", .string(let text)):
                guard let date = OllamaDate.parse(text) else { return nil }
                bit = 2
                createdAt = date
            case ("done", .false):
                bit = 4
            case _:
                guard let position = names.firstIndex(of: key) else { return nil }
                bit = 8 << UInt8(position)
                extras.append((key, value))
            }
            guard seen & bit == 0 else { return nil }
            seen |= bit
        }
    }
}
