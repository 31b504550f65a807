import Synchronization
import TermUI

/// The last paragraph of a streamed reply, drawn as it grows without starting over every frame.
///
/// A paragraph is one line of Markdown, often hundreds of characters long, and it grows a few tokens
/// a frame. The cache keeps its inline parse and the wrapper's state at each finished line: the next,
/// longer version keeps the parse up to where later text can no longer restyle it (see
/// ``InlineParse/stableCharacters``) and goes on wrapping from the last line finished before that.
/// Greedy wrapping never revisits a finished line, so the lines are exactly those of drawing the
/// paragraph whole. An entry is used only when its text is byte for byte the start of the new one.
final class GrowingParagraphCache: Sendable {
    private struct Entry: Sendable {
        var width: Int
        var base: Style
        var text: String
        var parse: InlineParse
        var marks: [LineWrapper.Mark]
        var lines: [[Span]]
    }

    private let capacity = 8
    private let storage = Mutex<[Entry]>([])

    private enum Lookup {
        case drawn([[Span]])
        case grownFrom(Entry)
        case none
    }

    /// `MarkdownRenderer.wrap(MarkdownRenderer.inline(line, base: base), width: width)`.
    func lines(for line: String, width: Int, base: Style) -> [[Span]] {
        let length = line.utf8.count
        // The entry this line grew from leaves the cache, so its arrays are extended in place, not
        // copied (a stream moves forward; it is not needed again).
        let lookup = storage.withLock { cache -> Lookup in
            var best: Int?
            for (index, entry) in cache.enumerated() where entry.width == width && entry.base == base {
                let stored = entry.text.utf8.count
                guard stored <= length, stored > (best.map { cache[$0].text.utf8.count } ?? -1),
                    Substring(line).startsWithBytes(of: entry.text)
                else { continue }
                if stored == length { return .drawn(entry.lines) }
                best = index
            }
            return best.map { .grownFrom(cache.remove(at: $0)) } ?? .none
        }
        var parse: InlineParse
        var wrapper = LineWrapper(width: width)
        var marks: [LineWrapper.Mark] = []
        var fromItem = 0
        switch lookup {
        case .drawn(let lines):
            return lines
        case .grownFrom(var entry):
            parse = entry.parse
            entry.parse = InlineParse(Substring(), base: base)  // let go, so `parse` is the only owner
            if let kept = parse.extend(to: Substring(line)) {
                if let last = entry.marks.lastIndex(where: { $0.items <= kept }) {
                    let mark = entry.marks[last]
                    wrapper = mark.wrapper.resumed(with: entry.lines[..<mark.wrapper.finishedCount])
                    fromItem = mark.items
                    entry.marks.removeSubrange((last + 1)...)
                    marks = entry.marks
                }
            } else {
                parse = InlineParse(Substring(line), base: base, resumable: true)
            }
        case .none:
            parse = InlineParse(Substring(line), base: base, resumable: true)
        }
        marks += wrapper.feed(parse.items, from: fromItem, marking: true)
        let lines = wrapper.allLines
        let entry = Entry(width: width, base: base, text: line, parse: parse, marks: marks, lines: lines)
        storage.withLock { cache in
            if cache.count >= capacity { cache.removeFirst() }
            cache.append(entry)
        }
        return lines
    }
}
