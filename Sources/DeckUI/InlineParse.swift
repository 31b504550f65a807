import TermUI

/// Markdown's inline styling of one line (`**bold**`, `*italic*` / `_italic_`, `` `code` ``) as styled
/// characters, kept as a parse that can go on over a longer version of the same line.
///
/// Everything before ``stableCharacters`` stays the same however the line grows: before it, every
/// opening marker found its closer (the first one after it, which text added later cannot move), and
/// the last two characters are left out (a marker at the very end, a grapheme cluster that can still
/// grow, a CR that is dropped only at the end).
struct InlineParse: Sendable {
    let base: Style
    /// Whether it records what ``extend(to:)`` needs (character offsets and stops); a one-off parse
    /// skips that work.
    let resumable: Bool
    private(set) var characters: [Character] = []
    /// Each character's ASCII byte (0 for anything else): markers are compared as bytes.
    private(set) var bytes: [UInt8] = []
    /// The UTF-8 offset where each character starts.
    private(set) var offsets: [Int] = []
    private(set) var items: [(Character, Style)] = []
    /// Where the parse stood at each step: a character index and how many items came before it.
    private(set) var stops: [(character: Int, items: Int)] = []
    /// The first place an opening marker found no closer yet.
    private(set) var firstUnclosed: Int?
    private var noCloserAfter: [Int: Int] = [:]

    /// Parses all of `text`.
    init(_ text: Substring, base: Style, resumable: Bool = false) {
        self.base = base
        self.resumable = resumable
        append(text, utf8Offset: 0)
        parse(from: 0)
    }

    /// Goes on to `text`, which starts with the text parsed so far: the stable part is kept and the
    /// rest parsed anew. Returns how many items were kept; nil (and nothing changed) when nothing is
    /// stable. Owned uniquely, the parse is extended in place.
    mutating func extend(to text: Substring) -> Int? {
        guard resumable else { return nil }
        let limit = stableCharacters
        guard let stop = stops.lastIndex(where: { $0.character <= limit }), stops[stop].character > 0 else { return nil }
        let (character, itemCount) = stops[stop]
        let offset = offsets[character]
        characters.removeSubrange(character...)
        bytes.removeSubrange(character...)
        offsets.removeSubrange(character...)
        items.removeSubrange(itemCount...)
        stops.removeSubrange(stop...)
        firstUnclosed = nil
        noCloserAfter = [:]
        append(text[text.utf8.index(text.startIndex, offsetBy: offset)...], utf8Offset: offset)
        parse(from: character)
        return itemCount
    }

    /// Characters whose styling no longer depends on what follows.
    var stableCharacters: Int { min(firstUnclosed ?? .max, characters.count - 2) }

    private mutating func append(_ text: Substring, utf8Offset: Int) {
        var offset = utf8Offset
        for character in text {
            characters.append(character)
            bytes.append(Self.asciiByte(character))
            if resumable {
                offsets.append(offset)
                offset += character.utf8.count
            }
        }
        items.reserveCapacity(characters.count)
    }

    private mutating func parse(from start: Int) {
        let backtick = UInt8(ascii: "`"), star = UInt8(ascii: "*"), underscore = UInt8(ascii: "_"), space = UInt8(ascii: " ")
        var i = start
        while i < characters.count {
            if resumable { stops.append((i, items.count)) }
            let c = bytes[i]
            if c == backtick, let end = closing(backtick, double: false, from: i + 1, opener: i), end > i + 1 {
                append(range: (i + 1)..<end, Style(.code))
                i = end + 1
            } else if c == star, i + 1 < bytes.count, bytes[i + 1] == star,
                let end = closing(star, double: true, from: i + 2, opener: i), end > i + 2
            {
                var style = base
                style.attributes.insert(.bold)
                append(range: (i + 2)..<end, style)
                i = end + 2
            } else if c == star || c == underscore, i + 1 < bytes.count, bytes[i + 1] != space,
                // As in CommonMark, `_` inside a word (snake_case, get_current_time) is no emphasis.
                c == star || !Self.isWordByte(i > 0 ? bytes[i - 1] : 0),
                let end = closing(c, double: false, from: i + 1, opener: i), end > i + 1, bytes[end - 1] != space,
                c == star || !Self.isWordByte(end + 1 < bytes.count ? bytes[end + 1] : 0)
            {
                var style = base
                style.attributes.insert(.italic)
                append(range: (i + 1)..<end, style)
                i = end + 1
            } else {
                items.append((characters[i], base))
                i += 1
            }
        }
    }

    /// The first `marker` (doubled if `double`) from `start` on. None found: the opener at `opener`
    /// is unclosed for now. Once a marker has no closer after some index, it has none after any later
    /// index either: remembering that keeps a long line full of unmatched `*` or `_` linear.
    private mutating func closing(_ marker: UInt8, double: Bool, from start: Int, opener: Int) -> Int? {
        let key = Int(marker) << 1 | (double ? 1 : 0)
        var found: Int?
        if let known = noCloserAfter[key], known <= start {
            found = nil
        } else {
            var j = start
            while j < bytes.count {
                if bytes[j] == marker, !double || (j + 1 < bytes.count && bytes[j + 1] == marker) {
                    found = j
                    break
                }
                j += 1
            }
            if found == nil { noCloserAfter[key] = start }
        }
        if found == nil, firstUnclosed == nil { firstUnclosed = opener }
        return found
    }

    private mutating func append(range: Range<Int>, _ style: Style) {
        for index in range { items.append((characters[index], style)) }
    }

    /// An ASCII letter or digit.
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// The byte of a one-byte (ASCII) character, else 0.
    static func asciiByte(_ character: Character) -> UInt8 {
        let utf8 = character.utf8
        return utf8.count == 1 ? utf8.first! : 0
    }
}

/// Greedy wrapping of styled characters by display width, breaking at spaces where possible, as a
/// state that can be saved after any character and continued from.
struct LineWrapper: Sendable {
    let width: Int
    private(set) var lines: [[Span]] = []
    private var line: [(Character, Style)] = []
    private var lineWidth = 0
    private var lastSpace: Int?

    init(width: Int) {
        self.width = width
    }

    /// Where a line was finished: the items fed so far and the state after them.
    struct Mark: Sendable {
        var items: Int
        var wrapper: LineWrapper
    }

    /// Feeds `items[start...]`; with `marking`, returns a mark for every line it finished.
    @discardableResult
    mutating func feed(_ items: [(Character, Style)], from start: Int = 0, marking: Bool = false) -> [Mark] {
        var marks: [Mark] = []
        let space = UInt8(ascii: " ")
        for index in start..<items.count {
            let item = items[index]
            let w = DisplayWidth.width(of: item.0)
            let isSpace = InlineParse.asciiByte(item.0) == space
            let finished = lines.count
            if lineWidth + w > width, !line.isEmpty {
                if isSpace {
                    lines.append(MarkdownRenderer.spans(line))
                    line = []
                    lineWidth = 0
                    lastSpace = nil
                    if marking { marks.append(Mark(items: index + 1, wrapper: self.withoutLines)) }
                    continue
                }
                if let space = lastSpace, w == 1 {
                    lines.append(MarkdownRenderer.spans(Array(line[..<space])))
                    line = Array(line[(space + 1)...])
                    lineWidth = line.reduce(0) { $0 + DisplayWidth.width(of: $1.0) }
                } else {
                    lines.append(MarkdownRenderer.spans(line))
                    line = []
                    lineWidth = 0
                }
                lastSpace = nil
            }
            if isSpace { lastSpace = line.count }
            line.append(item)
            lineWidth += w
            if marking, lines.count > finished { marks.append(Mark(items: index + 1, wrapper: self.withoutLines)) }
        }
        return marks
    }

    /// The lines, the unfinished last one included.
    var allLines: [[Span]] { lines + [MarkdownRenderer.spans(line)] }

    /// This state with the finished lines counted but not copied (they are restored from elsewhere).
    private var withoutLines: LineWrapper {
        var copy = self
        copy.lines = []
        copy.finishedCount = lines.count
        return copy
    }

    /// How many lines were finished when this state was saved.
    private(set) var finishedCount = 0

    /// Continues a saved state, given the lines finished before it.
    func resumed(with finishedLines: ArraySlice<[Span]>) -> LineWrapper {
        var copy = self
        copy.lines = Array(finishedLines)
        return copy
    }
}
