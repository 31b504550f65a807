#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns one NDJSON line into a typed value: throws ``OllamaError/stream(message:)`` for an
/// `{"error": ...}` line and ``OllamaError/malformedResponse(reason:snippet:)`` for a line that is
/// not JSON. Invalid UTF-8 is read with U+FFFD in place of the bad bytes.
public struct StreamLineDecoder<Element: Decodable & StreamTerminating> {
    private let decoder = OllamaJSON.makeDecoder()
    /// True once the stream's closing value (`done` / `success`) was decoded.
    public private(set) var sawTerminal = false

    public init() {}

    public mutating func decode(_ line: [UInt8]) throws -> Element {
        let parsed: StreamLine<Element>
        do {
            parsed = try decoder.decode(StreamLine<Element>.self, from: Data(line))
        } catch {
            let repaired = Array(String(decoding: line, as: UTF8.self).utf8)
            guard repaired != line, let value = try? decoder.decode(StreamLine<Element>.self, from: Data(repaired))
            else {
                throw OllamaError.malformedResponse(reason: "a line is not JSON", snippet: Self.snippet(line))
            }
            parsed = value
        }
        if let message = parsed.error {
            throw OllamaError.stream(message: message)
        }
        guard let value = parsed.value else {
            throw OllamaError.malformedResponse(reason: "an empty line", snippet: Self.snippet(line))
        }
        if value.isTerminal { sawTerminal = true }
        return value
    }

    static func snippet(_ line: [UInt8]) -> String {
        let text = String(decoding: line.prefix(80), as: UTF8.self)
        return line.count > 80 ? text + "…" : text
    }
}
