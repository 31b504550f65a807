import Synchronization

/// Numbers for grapheme clusters of more than one Unicode scalar (emoji sequences, flags, letters
/// with combining marks), so a `Cell` holds a number instead of a string. Each distinct cluster gets
/// one number for the life of the process; text uses few (a chat full of emoji, a few hundred).
public final class GraphemeTable: Sendable {
    public static let shared = GraphemeTable()

    /// Numbers below this are scalar values themselves.
    static let firstCode: UInt32 = 0x110000
    /// Distinct clusters kept at most; past it a new cluster shows as U+FFFD. The shared table keeps
    /// a million, far beyond any text (every emoji sequence Unicode defines is under 4,000).
    let capacity: Int

    private struct Storage {
        var codes: [String: UInt32] = [:]
        var clusters: [Character] = []
    }

    private let storage = Mutex(Storage())

    init(capacity: Int = 1 << 20) { self.capacity = capacity }

    /// The cluster's number, given one the first time it is seen.
    func code(for cluster: Character) -> UInt32 {
        let key = String(cluster)
        return storage.withLock { table in
            if let code = table.codes[key] { return code }
            guard table.clusters.count < capacity else { return 0xFFFD }
            let code = Self.firstCode + UInt32(table.clusters.count)
            table.codes[key] = code
            table.clusters.append(cluster)
            return code
        }
    }

    /// The cluster numbered `code` (U+FFFD for a number never given out).
    func cluster(_ code: UInt32) -> Character {
        storage.withLock { table in
            let index = Int(code) - Int(Self.firstCode)
            return table.clusters.indices.contains(index) ? table.clusters[index] : "\u{FFFD}"
        }
    }

    /// How many clusters have numbers.
    public var count: Int { storage.withLock { $0.clusters.count } }
}
