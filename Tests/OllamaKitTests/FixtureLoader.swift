import Foundation
import OllamaKit

/// Reads a file from `Fixtures/`.
func fixture(_ name: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw FixtureMissing(name: name)
    }
    return Array(try Data(contentsOf: url))
}

struct FixtureMissing: Error { let name: String }

/// Decodes every line of an NDJSON byte stream fed in the given chunk sizes, collecting the values
/// and the error that ended it, if any.
func decodeStream<Element: Decodable & StreamTerminating>(
    _ bytes: [UInt8], as type: Element.Type, splitAt offsets: [Int] = []
) -> (values: [Element], error: OllamaError?, sawTerminal: Bool) {
    var framer = LineFramer()
    var decoder = StreamLineDecoder<Element>()
    var values: [Element] = []
    var chunks: [ArraySlice<UInt8>] = []
    var start = 0
    for offset in offsets.sorted() where offset > start && offset < bytes.count {
        chunks.append(bytes[start..<offset])
        start = offset
    }
    chunks.append(bytes[start...])
    do {
        for chunk in chunks {
            for line in framer.append(chunk).lines { values.append(try decoder.decode(line)) }
        }
        if let rest = framer.finish() { values.append(try decoder.decode(rest)) }
    } catch {
        return (values, error as? OllamaError, decoder.sawTerminal)
    }
    return (values, nil, decoder.sawTerminal)
}
