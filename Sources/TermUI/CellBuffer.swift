import Algorithms
/// One terminal cell: a grapheme cluster, how many cells it covers, and its style.
/// The cell after a wide character is a continuation (`width == 0`) that holds nothing.
///
/// Eight bytes with no references: a frame of cells copies and compares as plain memory. A grapheme
/// of one Unicode scalar (nearly all text) is stored as its value; a cluster of several (an emoji
/// sequence, a letter with combining marks) as its number in `GraphemeTable`.
public struct Cell: Sendable, Hashable {
    /// A scalar value, or `GraphemeTable.firstCode` and above for a cluster of several scalars.
    private var code: UInt32
    /// 1 for ordinary text, 2 for the leading cell of a wide character, 0 for its continuation.
    public var width: UInt8
    public var style: Style

    public init(_ grapheme: Character = " ", width: UInt8 = 1, style: Style = .normal) {
        self.code = Self.code(for: grapheme)
        self.width = width
        self.style = style
    }

    public var grapheme: Character {
        get {
            if code < GraphemeTable.firstCode, let scalar = Unicode.Scalar(code) { return Character(scalar) }
            return GraphemeTable.shared.cluster(code)
        }
        set { code = Self.code(for: newValue) }
    }

    /// A cell for one printable ASCII byte (0x20–0x7E).
    init(printableASCII byte: UInt8, style: Style) {
        self.code = UInt32(byte)
        self.width = 1
        self.style = style
    }

    /// The grapheme's only scalar, when it has one (no table lookup).
    public var singleScalar: Unicode.Scalar? {
        code < GraphemeTable.firstCode ? Unicode.Scalar(code) : nil
    }

    public static let blank = Cell()
    static func continuation(_ style: Style) -> Cell { Cell(" ", width: 0, style: style) }

    public var isContinuation: Bool { width == 0 }

    private static func code(for grapheme: Character) -> UInt32 {
        var scalars = grapheme.unicodeScalars.makeIterator()
        if let first = scalars.next(), scalars.next() == nil { return first.value }
        return GraphemeTable.shared.code(for: grapheme)
    }
}

/// A grid of cells that views draw into. Nothing here touches a terminal: the backend copies the
/// cells that changed, and tests read the grid directly.
public struct CellBuffer: Sendable, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Clears every cell to a blank with `style`.
    public mutating func clear(style: Style = .normal) {
        for i in cells.indices { cells[i] = Cell(" ", width: 1, style: style) }
    }

    /// Fills a rectangle with one character.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .normal) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        let cell = Cell(character, width: 1, style: style)
        for y in area.y..<area.maxY {
            // Only the edge cells can cut a wide character in half: `set` repairs those; the cells
            // between are overwritten whole.
            set(x: area.x, y: y, cell)
            if area.width > 1 { set(x: area.maxX - 1, y: y, cell) }
            guard area.width > 2 else { continue }
            let start = y * width + area.x + 1
            let end = y * width + area.maxX - 1
            cells.withUnsafeMutableBufferPointer { buffer in
                for index in start..<end { buffer[index] = cell }
            }
        }
    }

    /// Writes text from (x, y), clipped at `maxX` (exclusive, defaults to the buffer's edge).
    /// Control characters become visible placeholders; a wide character that would straddle the
    /// clip edge is not drawn. Returns the column after the last cell written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, maxX: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(maxX ?? width, width)
        if let end = putPrintableASCII(text, x: x, y: y, style: style, limit: limit) { return end }
        return putMixed(text, x: x, y: y, style: style, limit: limit)
    }

    /// `put` one grapheme cluster at a time, measured and sanitized: for any text.
    mutating func putGraphemes(_ text: String, x: Int, y: Int, style: Style, limit: Int) -> Int {
        putGraphemeRun(text, x: x, y: y, style: style, limit: limit).end
    }

    /// `putGraphemes`, also saying whether it stopped at the limit.
    private mutating func putGraphemeRun(_ text: String, x: Int, y: Int, style: Style, limit: Int) -> (end: Int, full: Bool) {
        var column = x
        for character in DisplayWidth.sanitized(text) {
            let w = DisplayWidth.width(of: character)
            if w == 0 { continue }
            if column + w > limit { return (column, true) }
            if column >= 0 {
                set(x: column, y: y, Cell(character, width: UInt8(w), style: style))
                if w == 2 { set(x: column + 1, y: y, .continuation(style)) }
            }
            column += w
        }
        return (column, false)
    }

    /// `putGraphemes` for mixed text (Chinese between English words, say): a printable ASCII byte
    /// followed by another ASCII byte (or the end) is a character of its own, one cell wide, written
    /// directly; only the runs between such bytes go through grapheme breaking. The same cells as
    /// `putGraphemes`: such a byte always starts and ends a grapheme cluster, unless a Prepend
    /// character comes right before it, and then that run takes it in.
    mutating func putMixed(_ text: String, x: Int, y: Int, style: Style, limit: Int) -> Int {
        var text = text
        return text.withUTF8 { bytes -> Int in
            func standsAlone(_ index: Int) -> Bool {
                bytes[index] >= 0x20 && bytes[index] < 0x7F && (index + 1 == bytes.count || bytes[index + 1] < 0x80)
            }
            var column = x
            var i = 0
            while i < bytes.count {
                if standsAlone(i) {
                    if column + 1 > limit { return column }
                    if column >= 0 { set(x: column, y: y, Cell(printableASCII: bytes[i], style: style)) }
                    column += 1
                    i += 1
                    continue
                }
                var j = i + 1
                while j < bytes.count {
                    if standsAlone(j), !Self.endsWithPrepend(bytes[i..<j]) { break }
                    j += 1
                }
                let run = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<j]), as: UTF8.self)
                let (end, full) = putGraphemeRun(run, x: column, y: y, style: style, limit: limit)
                if full { return end }
                column = end
                i = j
            }
            return column
        }
    }

    /// Characters of Unicode's Prepend class, which join the character after them.
    private static let prepend: Set<UInt32> = [
        0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0xD4E, 0x110BD, 0x110CD,
        0x111C2, 0x111C3, 0x1193F, 0x11941, 0x11A3A, 0x11A84, 0x11A85, 0x11A86, 0x11A87, 0x11A88, 0x11A89,
        0x11D46, 0x11F02,
    ]

    private static func endsWithPrepend(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let last = bytes.last, last >= 0x80 else { return false }
        var start = bytes.endIndex - 1
        while start > bytes.startIndex, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<bytes.endIndex]), as: UTF8.self).unicodeScalars.first
        return scalar.map { prepend.contains($0.value) } ?? false
    }

    /// `put` for text of printable ASCII only (most of it): a byte is a character one cell wide, so
    /// no grapheme breaking or width lookup. Nil, having written nothing, for any other text.
    mutating func putPrintableASCII(_ text: String, x: Int, y: Int, style: Style, limit: Int) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            var column = x
            for byte in bytes {
                if column + 1 > limit { break }
                if column >= 0 { set(x: column, y: y, Cell(printableASCII: byte, style: style)) }
                column += 1
            }
            return column
        }
    }

    /// Sets one cell, repairing any wide character it cuts in half.
    mutating func set(x: Int, y: Int, _ cell: Cell) {
        guard contains(x: x, y: y) else { return }
        let index = y * width + x
        let old = cells[index]
        if old.isContinuation, x > 0, cells[index - 1].width == 2, cell.width != 0 {
            cells[index - 1] = Cell(" ", width: 1, style: cells[index - 1].style)
        }
        if old.width == 2, cell.width != 2, x + 1 < width, cells[index + 1].isContinuation {
            cells[index + 1] = Cell(" ", width: 1, style: old.style)
        }
        if cell.width == 2, x + 1 >= width {
            cells[index] = Cell(" ", width: 1, style: cell.style)  // no room for the second half
            return
        }
        cells[index] = cell
    }

    /// Applies a style to every cell of a rectangle, keeping the text.
    public mutating func restyle(_ rect: Rect, style: Style) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { cells[y * width + x].style = style }
        }
    }

    /// The text of one row as a terminal shows it (continuation cells add nothing).
    public func rowText(_ y: Int) -> String {
        var out = ""
        for x in 0..<width where !self[x, y].isContinuation { out.append(self[x, y].grapheme) }
        return out
    }

    /// The whole grid as text, one line per row, trailing spaces trimmed.
    public var text: String {
        (0..<height).map { String(rowText($0).trimmingSuffix(while: { $0 == " " })) }.joined(separator: "\n")
    }

    /// A readable snapshot: the text grid, then the style runs of each row that has any
    /// (normal-styled cells are not listed).
    public var snapshot: String {
        var out = text + "\n--- styles ---\n"
        for y in 0..<height {
            var runs: [String] = []
            var x = 0
            while x < width {
                let style = self[x, y].style
                var end = x + 1
                while end < width, self[end, y].style == style { end += 1 }
                if style != .normal { runs.append("\(x)-\(end - 1) \(style.snapshotName)") }
                x = end
            }
            if !runs.isEmpty { out += "\(y): " + runs.joined(separator: ", ") + "\n" }
        }
        return out
    }

    /// Rows and columns whose cells differ from `previous` (all of them when sizes differ).
    public func changedCells(since previous: CellBuffer?) -> [(x: Int, y: Int)] {
        guard let previous, previous.width == width, previous.height == height else {
            return (0..<height).flatMap { y in (0..<width).map { (x: $0, y: y) } }
        }
        var changed: [(x: Int, y: Int)] = []
        cells.withUnsafeBufferPointer { now in
            previous.cells.withUnsafeBufferPointer { before in
                for index in 0..<now.count where now[index] != before[index] {
                    changed.append((x: index % width, y: index / width))
                }
            }
        }
        return changed
    }
}
