import Synchronization
import TermUI

#if canImport(Glibc)
import Glibc
#endif

/// What was drawn for the finished part of a growing text (a streamed reply or its thinking): the
/// text before its last line break, at one width and style.
///
/// A reply grows a line at a time, so the finished part of the next frame is usually the cached one
/// plus a line break and a few lines: those are drawn and appended (`extend`) instead of drawing the
/// whole reply again. An entry is used only when its text is byte for byte the start of the text
/// asked for, so an edited reply is never drawn from stale lines. A few entries: one per reply
/// streaming at once.
final class ParagraphCache<Value: Sendable>: Sendable {
    struct Key: Hashable {
        var width: Int
        var base: Style
    }

    private struct Stored: Sendable {
        var key: Key
        var text: String
        var value: Value
    }

    private let capacity = 8
    private let storage = Mutex<[Stored]>([])

    /// The value for `text`: the cached one; or, when a cached text is `text` up to a line break,
    /// `extend(cachedValue, indexOfThatLineBreak)` (nil when the text after it cannot be drawn on its
    /// own); or `make()`.
    func value(
        for text: Substring, width: Int, base: Style = .normal,
        extend: (Value, String.Index) -> Value?, make: () -> Value
    ) -> Value {
        let key = Key(width: width, base: base)
        let length = text.utf8.count
        let entries = storage.withLock { $0 }
        var best: Int?
        for (index, entry) in entries.enumerated() where entry.key == key {
            let stored = entry.text.utf8.count
            if stored == length, text.startsWithBytes(of: entry.text) { return entry.value }
            let bestLength = best.map { entries[$0].text.utf8.count } ?? -1
            guard length > stored, stored > bestLength else { continue }
            let next = text.utf8.index(text.startIndex, offsetBy: stored)
            if text.utf8[next] == 0x0A, text.startsWithBytes(of: entry.text) { best = index }
        }
        var value: Value?
        if let best {
            value = extend(entries[best].value, text.utf8.index(text.startIndex, offsetBy: entries[best].text.utf8.count))
        }
        let result = value ?? make()
        let replaced = best.map { entries[$0].text }
        storage.withLock { cache in
            // The entry this one grew from is not needed again: a stream moves forward.
            if let replaced, let slot = cache.firstIndex(where: { $0.key == key && $0.text == replaced }) {
                cache.remove(at: slot)
            }
            if cache.count >= capacity { cache.removeFirst() }
            cache.append(Stored(key: key, text: String(text), value: result))
        }
        return result
    }
}

extension Substring {
    /// Whether this text starts with every byte of `prefix` (`memcmp` when both are contiguous).
    func startsWithBytes(of prefix: String) -> Bool {
        let count = prefix.utf8.count
        guard utf8.count >= count else { return false }
        let fast = utf8.withContiguousStorageIfAvailable { textBytes in
            prefix.utf8.withContiguousStorageIfAvailable { prefixBytes in
                count == 0 || memcmp(textBytes.baseAddress!, prefixBytes.baseAddress!, count) == 0
            }
        }
        if let fast, let result = fast { return result }
        return utf8.prefix(count).elementsEqual(prefix.utf8)
    }
}
