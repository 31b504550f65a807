import Synchronization
import TermUI

/// What was drawn for the finished part of a growing text (a streamed reply or its thinking): the
/// text before its last line break, at one width and style. An entry is used only when its text is
/// byte for byte the text asked for, so an edited reply is never drawn from stale lines. A few
/// entries: one per reply streaming at once.
final class ParagraphCache<Value: Sendable>: Sendable {
    struct Key: Hashable {
        var width: Int
        var base: Style
        var byteCount: Int
    }

    private struct Stored: Sendable {
        var text: String
        var value: Value
    }

    private let capacity = 8
    private let storage = Mutex<[Key: Stored]>([:])

    func value(for text: Substring, width: Int, base: Style = .normal, make: () -> Value) -> Value {
        let key = Key(width: width, base: base, byteCount: text.utf8.count)
        if let hit = storage.withLock({ $0[key] }), hit.text.utf8.elementsEqual(text.utf8) { return hit.value }
        let value = make()
        storage.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = Stored(text: String(text), value: value)
        }
        return value
    }
}
