import Synchronization
import TermUI

/// The rendered lines of the finished part of a growing reply (everything before its last blank
/// line), for ``MarkdownRenderer/renderGrowing(_:width:base:)``. An entry is used only when its text is
/// byte for byte the text asked for, so an edited reply is never drawn from stale lines. A few entries:
/// one per reply streaming at once.
final class ParagraphCache: Sendable {
    struct Key: Hashable {
        var width: Int
        var base: Style
        var byteCount: Int
    }

    struct Rendered {
        var text: String
        var lines: [[Span]]
        var inFence: Bool
    }

    private let capacity = 8
    private let storage = Mutex<[Key: Rendered]>([:])

    func lines(
        for text: Substring, width: Int, base: Style, render: () -> (lines: [[Span]], inFence: Bool)
    ) -> (lines: [[Span]], inFence: Bool) {
        let key = Key(width: width, base: base, byteCount: text.utf8.count)
        if let hit = storage.withLock({ $0[key] }), hit.text.utf8.elementsEqual(text.utf8) {
            return (hit.lines, hit.inFence)
        }
        let rendered = render()
        storage.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = Rendered(text: String(text), lines: rendered.lines, inFence: rendered.inFence)
        }
        return rendered
    }
}
