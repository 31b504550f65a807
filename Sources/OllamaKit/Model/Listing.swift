#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A list the server sent, read entry by entry: the entries that could be read, and what was
/// wrong with the others. One odd entry (a date without a zone, a number sent as a string) costs
/// that entry, never the whole list.
public struct Listing<Entry: Sendable & Equatable>: Sendable, Equatable {
    public var entries: [Entry]
    public var skipped: [SkippedEntry]

    public init(entries: [Entry], skipped: [SkippedEntry] = []) {
        self.entries = entries
        self.skipped = skipped
    }
}

/// An entry of a list that could not be read.
public struct SkippedEntry: Sendable, Equatable {
    /// Its place in the list, from 0.
    public var index: Int
    /// Its `name`, when that much could be read.
    public var name: String?
    /// What was wrong, in words: the field and the problem.
    public var reason: String

    public init(index: Int, name: String?, reason: String) {
        self.index = index
        self.name = name
        self.reason = reason
    }

    /// `llama3:8b: modified_at: not a date` (or `entry 3: …` without a name).
    public var description: String { "\(name ?? "entry \(index + 1)"): \(reason)" }
}

extension Listing where Entry: Decodable {
    /// Reads a `/api/tags` or `/api/ps` body as the client does: entry by entry, `null` or a
    /// missing list as empty.
    public static func decodeModels(from data: Data) throws -> Listing<Entry> {
        try OllamaJSON.makeDecoder().decode(LenientModelList<Entry>.self, from: data).listing
    }
}

/// `{"models": [...]}` read leniently: `null` or a missing list is empty, and each entry is decoded
/// on its own.
struct LenientModelList<Entry: Decodable & Sendable & Equatable>: Decodable {
    let listing: Listing<Entry>

    enum CodingKeys: String, CodingKey { case models }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let items = try c.decodeIfPresent([LenientEntry<Entry>].self, forKey: .models) ?? []
        var entries: [Entry] = []
        var skipped: [SkippedEntry] = []
        entries.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            switch item.result {
            case .success(let entry): entries.append(entry)
            case .failure(let problem): skipped.append(SkippedEntry(index: index, name: problem.name, reason: problem.reason))
            }
        }
        listing = Listing(entries: entries, skipped: skipped)
    }
}

/// One entry, or why it could not be read (decoding never fails past it).
struct LenientEntry<Entry: Decodable>: Decodable {
    struct Problem: Error {
        var name: String?
        var reason: String
    }

    let result: Result<Entry, Problem>

    private enum NameKey: String, CodingKey { case name }

    init(from decoder: any Decoder) {
        do {
            result = .success(try Entry(from: decoder))
        } catch {
            let name = (try? decoder.container(keyedBy: NameKey.self)).flatMap { try? $0.decode(String.self, forKey: .name) }
            result = .failure(Problem(name: name, reason: Self.explain(error, below: decoder.codingPath.count)))
        }
    }

    /// A decoding error as a field and a problem: `modified_at: not a date with a time zone`.
    /// `depth` keys of the path lead to the entry itself and are left out.
    static func explain(_ error: any Error, below depth: Int = 0) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.dropFirst(depth).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the entry" : keys.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)): missing \(Self.typeName(type))"
        case .keyNotFound(let key, _):
            return "\(key.stringValue): missing"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return "\(type)"
        }
    }
}

