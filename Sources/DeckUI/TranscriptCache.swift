import DeckCore
import Synchronization

/// The wrapped, styled lines drawn for each entry, kept by the entry's revision and everything else
/// its drawing depends on. A frame re-renders only entries that changed (the reply being streamed),
/// so its cost follows what is visible and what changes, not the length of the history.
final class TranscriptCache: Sendable {
    struct Key: Hashable {
        var revision: UInt64
        var width: Int
        var thinkingCollapsed: Bool
        var showsPending: Bool
        /// A tool entry: the one asked about now (it shows the choices), and results unfolded.
        var asking = false
        var toolResultsShown = false
        /// The tail's size when the entry was cut to one (0 when drawn whole).
        var tailBytes: Int
    }

    /// Kept entries before the cache starts over: far more than any screen shows.
    let capacity: Int
    private let storage = Mutex<[Key: [ChatView.Line]]>([:])

    init(capacity: Int = 512) { self.capacity = capacity }

    /// The cached lines for `key`, or the ones `render` makes (then kept).
    func lines(for key: Key, render: () -> [ChatView.Line]) -> [ChatView.Line] {
        if let hit = storage.withLock({ $0[key] }) { return hit }
        let lines = render()
        storage.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = lines
        }
        return lines
    }

    var count: Int { storage.withLock { $0.count } }
}
