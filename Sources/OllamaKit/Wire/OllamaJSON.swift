#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON coders OllamaKit uses: Go-style RFC 3339 dates both ways.
public enum OllamaJSON {
    /// A decoder that reads Go's RFC 3339 timestamps with 0–9 fractional digits and any offset.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = OllamaDate.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "not an RFC 3339 timestamp: \(text)")
            }
            return date
        }
        return decoder
    }

    /// An encoder that writes dates as Go does (UTC, trimmed fraction).
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(OllamaDate.format(date))
        }
        return encoder
    }
}

/// A coding key made from any string, for reading keys not known in advance.
struct AnyCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { self.stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

/// One line of a stream: either a value or the server's `{"error": "..."}` line.
/// Decoding it reads the line once.
struct StreamLine<Value: Decodable>: Decodable {
    let value: Value?
    let error: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        if let message = try container.decodeIfPresent(String.self, forKey: AnyCodingKey("error")) {
            error = message
            value = nil
        } else {
            error = nil
            value = try Value(from: decoder)
        }
    }
}

/// The body of an error response: `{"error": "..."}`.
struct ErrorBody: Decodable {
    let error: String
}
