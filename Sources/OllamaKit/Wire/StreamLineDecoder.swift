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
        // Most lines are one plain chunk: read them without JSONDecoder.
        if let value = line.withUnsafeBufferPointer({ Element.decodeCommonShape($0) }) {
            if value.isTerminal { sawTerminal = true }
            return value
        }
        // Most others carry no "error" key at all: decode them straight, without the wrapper.
        if !Self.mentionsError(line), let value = try? decoder.decode(Element.self, from: Data(line)) {
            if value.isTerminal { sawTerminal = true }
            return value
        }
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

    /// True when the bytes contain `"error"` (a quoted key or value).
    static func mentionsError(_ line: [UInt8]) -> Bool {
        let needle: [UInt8] = Array("\"error\"".utf8)
        guard line.count >= needle.count else { return false }
        var i = 0
        let last = line.count - needle.count
        while i <= last {
            if line[i] == 0x22, line[i + 1] == needle[1], line[i + 6] == 0x22,
                line[i + 2] == needle[2], line[i + 3] == needle[3], line[i + 4] == needle[4], line[i + 5] == needle[5]
            {
                return true
            }
            i += 1
        }
        return false
    }

    static func snippet(_ line: [UInt8]) -> String {
        let text = String(decoding: line.prefix(80), as: UTF8.self)
        return line.count > 80 ? text + "…" : text
    }
}
