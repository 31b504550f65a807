import TermUI
import Algorithms

/// A run of text with one style.
struct Span: Equatable {
    var text: String
    var style: Style
}

/// Renders a model's reply as styled, wrapped lines: headings, emphasis, inline code, lists,
/// quotes, tables and fenced code. Unclosed markup (mid-stream) shows as typed until it closes.
enum MarkdownRenderer {
    static func render(_ text: String, width: Int, base: Style = .normal) -> [[Span]] {
        render(Substring(text), width: width, base: base, inFence: false).lines
    }

    /// Renders `text` starting inside a code fence or not; also says whether it ends inside one.
    static func render(_ text: Substring, width: Int, base: Style, inFence startsInFence: Bool) -> (lines: [[Span]], inFence: Bool) {
        guard width > 0 else { return ([], startsInFence) }
        var out: [[Span]] = []
        var inFence = startsInFence
        var table: [String] = []
        func flushTable() {
            if !table.isEmpty { out += renderTable(table, width: width, base: base) }
            table.removeAll()
        }
        // Split on the newline byte (a CR before it is dropped): far cheaper than splitting Characters.
        for rawLine in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            var line = String(Substring(rawLine))
            if line.utf8.last == 0x0D { line.removeLast() }
            let trimmed = line.drop { $0 == " " }
            let kind = lineKind(trimmed)
            if case .fence = kind {
                flushTable()
                inFence.toggle()
                let language = trimmed.dropFirst(3)
                out.append([Span(text: inFence ? "┌─ " + (language.isEmpty ? "code" : language) : "└─", style: Style(.dim))])
                continue
            }
            if inFence {
                for piece in hardWrap(line, width: max(1, width - 2)) {
                    out.append([Span(text: "│ ", style: Style(.dim)), Span(text: piece, style: Style(.code))])
                }
                continue
            }
            if case .tableRow = kind {
                table.append(String(trimmed))
                continue
            }
            flushTable()
            switch kind {
            case .heading(let level):
                let title = String(trimmed.dropFirst(level).drop { $0 == " " })
                out += wrap(inline(title, base: Style(.title, [.bold])), width: width)
            case .quote:
                let body = String(trimmed.dropFirst(trimmed.hasPrefix("> ") ? 2 : 1))
                for wrapped in wrap(inline(body, base: Style(.dim, [.italic])), width: max(1, width - 2)) {
                    out.append([Span(text: "▎ ", style: Style(.dim))] + wrapped)
                }
            case .listItem(let marker, let body):
                let indent = String(repeating: " ", count: min(8, line.count - trimmed.count))
                let lead = indent + marker
                let leadWidth = DisplayWidth.width(of: lead)
                for (i, wrapped) in wrap(inline(body, base: base), width: max(1, width - leadWidth)).enumerated() {
                    let prefix = i == 0 ? Span(text: lead, style: Style(.accent)) : Span(text: String(repeating: " ", count: leadWidth), style: base)
                    out.append([prefix] + wrapped)
                }
            case .blank:
                out.append([])
            case .paragraph:
                out += wrap(inline(line, base: base), width: width)
            case .fence, .tableRow:
                break  // handled above
            }
        }
        flushTable()
        return (out, inFence)
    }

    /// `render`, for text that grows at its end (a streamed reply): the lines of everything before
    /// its last line break are kept from the previous call, so each call re-wraps only the last line.
    /// The same lines as `render`: the code-fence state is carried across the cut, and the cut never
    /// falls between two table rows (a table's columns are sized over all its rows).
    static func renderGrowing(_ text: String, width: Int, base: Style = .normal, caches: RenderCaches) -> [[Span]] {
        let utf8 = text.utf8
        guard utf8.count > cachedFromBytes, width > 0 else { return render(text, width: width, base: base) }
        guard let cut = lastSafeBreak(utf8) else {
            if let line = plainParagraph(Substring(text), inFence: false) {
                return caches.growingParagraphs.lines(for: line, width: width, base: base)
            }
            return render(text, width: width, base: base)
        }
        let prefix = text[..<cut]
        let rest = text[utf8.index(after: cut)...]
        let head = caches.finishedParagraphs.value(for: prefix, width: width, base: base) { cached, lineBreak in
            // The lines after a cached cut draw on their own unless a table runs across it.
            let after = prefix[utf8.index(after: lineBreak)...]
            if isTableRow(lastLine(before: lineBreak, in: utf8)), isTableRow(firstLine(after.utf8)) { return nil }
            let added = render(after, width: width, base: base, inFence: cached.inFence)
            return FinishedLines(lines: cached.lines + added.lines, inFence: added.inFence)
        } make: {
            let rendered = render(prefix, width: width, base: base, inFence: false)
            return FinishedLines(lines: rendered.lines, inFence: rendered.inFence)
        }
        if let line = plainParagraph(rest, inFence: head.inFence) {
            return head.lines + caches.growingParagraphs.lines(for: line, width: width, base: base)
        }
        return head.lines + render(rest, width: width, base: base, inFence: head.inFence).lines
    }

    /// `text` as `render` draws a plain paragraph (one line of kind `.paragraph`, outside a fence),
    /// its trailing CR dropped; nil for anything else.
    static func plainParagraph(_ text: Substring, inFence: Bool) -> String? {
        guard !inFence, !text.utf8.contains(0x0A) else { return nil }
        var line = String(text)
        if line.utf8.last == 0x0D { line.removeLast() }
        guard case .paragraph = lineKind(line.drop { $0 == " " }) else { return nil }
        return line
    }

    /// What one line is, by its start (leading spaces trimmed).
    enum LineKind {
        case fence
        case tableRow
        case heading(level: Int)
        case quote
        case listItem(marker: String, body: String)
        case blank
        case paragraph
    }

    static func lineKind(_ trimmed: Substring) -> LineKind {
        if trimmed.hasPrefix("```") { return .fence }
        if trimmed.hasPrefix("|") { return .tableRow }
        if let level = headingLevel(trimmed) { return .heading(level: level) }
        if trimmed.hasPrefix("> ") || trimmed == ">" { return .quote }
        if let (marker, body) = listItem(String(trimmed)) { return .listItem(marker: marker, body: body) }
        return trimmed.isEmpty ? .blank : .paragraph
    }

    /// The last newline not between two table rows, if any.
    static func lastSafeBreak(_ utf8: String.UTF8View) -> String.Index? {
        var lineEnd = utf8.endIndex  // the end of the line after the candidate newline
        var index = utf8.endIndex
        while index > utf8.startIndex {
            index = utf8.index(before: index)
            guard utf8[index] == 0x0A else { continue }
            if !isTableRow(utf8[utf8.index(after: index)..<lineEnd]) { return index }
            var start = index  // the line after is a table row: cut only if the one before is not
            while start > utf8.startIndex, utf8[utf8.index(before: start)] != 0x0A { start = utf8.index(before: start) }
            if !isTableRow(utf8[start..<index]) { return index }
            lineEnd = index
        }
        return nil
    }

    /// The line that ends at the newline `lineBreak`.
    static func lastLine(before lineBreak: String.Index, in utf8: String.UTF8View) -> Substring.UTF8View {
        var start = lineBreak
        while start > utf8.startIndex, utf8[utf8.index(before: start)] != 0x0A { start = utf8.index(before: start) }
        return Substring(utf8[start..<lineBreak]).utf8
    }

    /// The text's first line.
    static func firstLine(_ utf8: Substring.UTF8View) -> Substring.UTF8View {
        Substring(utf8[..<(utf8.firstIndex(of: 0x0A) ?? utf8.endIndex)]).utf8
    }

    /// A line that, trimmed of leading spaces, starts with `|`.
    static func isTableRow(_ line: Substring.UTF8View) -> Bool {
        line.first { $0 != 0x20 } == UInt8(ascii: "|")
    }

    /// The length in bytes of the text after its last newline (at most `limit + 1`, to stay cheap).
    static func lastLineBytes(_ text: String, limit: Int) -> Int {
        var count = 0
        for byte in text.utf8.reversed() {
            if byte == 0x0A || count > limit { break }
            count += 1
        }
        return count
    }

    /// Growing texts longer than this draw their finished paragraphs from the cache; shorter ones
    /// are drawn whole (cheaper than a cache lookup).
    static let cachedFromBytes = 256

    struct FinishedLines: Sendable {
        var lines: [[Span]]
        var inFence: Bool
    }

    /// `TextWrap.wrap` for text that grows at its end: the lines before its last line break are kept
    /// from the previous call. Paragraphs wrap independently, so the result is the same.
    static func wrapGrowing(_ text: String, width: Int, caches: RenderCaches) -> [String] {
        let utf8 = text.utf8
        guard utf8.count > cachedFromBytes, let cut = lastPlainNewline(utf8) else { return TextWrap.wrap(text, width: width) }
        let head = caches.finishedWraps.value(for: text[..<cut], width: width) { cached, lineBreak in
            cached + TextWrap.wrap(String(text[utf8.index(after: lineBreak)..<cut]), width: width)
        } make: {
            TextWrap.wrap(String(text[..<cut]), width: width)
        }
        return head + TextWrap.wrap(String(text[utf8.index(after: cut)...]), width: width)
    }

    /// The last newline that is not the second half of a CR LF (which wraps as one character).
    static func lastPlainNewline(_ utf8: String.UTF8View) -> String.Index? {
        var index = utf8.endIndex
        while index > utf8.startIndex {
            index = utf8.index(before: index)
            if utf8[index] == 0x0A, index == utf8.startIndex || utf8[utf8.index(before: index)] != 0x0D { return index }
        }
        return nil
    }

    static func headingLevel(_ line: Substring) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    static func listItem(_ line: String) -> (String, String)? {
        for bullet in ["- ", "* ", "+ "] where line.hasPrefix(bullet) { return ("• ", String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 3, line.dropFirst(digits.count).hasPrefix(". ") {
            return (digits + ". ", String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }

    /// `**bold**`, `*italic*` / `_italic_` and `` `code` `` as styled characters.
    static func inline(_ text: String, base: Style) -> [(Character, Style)] {
        InlineParse(Substring(text), base: base).items
    }

    /// Wraps styled characters by display width, breaking at spaces where possible.
    static func wrap(_ characters: [(Character, Style)], width: Int) -> [[Span]] {
        var wrapper = LineWrapper(width: width)
        wrapper.feed(characters)
        return wrapper.allLines
    }

    static func spans(_ characters: [(Character, Style)]) -> [Span] {
        var result: [Span] = []
        for (character, style) in characters {
            if let last = result.last, last.style == style {
                result[result.count - 1].text.append(character)
            } else {
                result.append(Span(text: String(character), style: style))
            }
        }
        return result
    }

    static func hardWrap(_ text: String, width: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        var used = 0
        for character in text {
            let w = DisplayWidth.width(of: character)
            if used + w > width, !current.isEmpty {
                pieces.append(current)
                current = ""
                used = 0
            }
            current.append(character)
            used += w
        }
        pieces.append(current)
        return pieces
    }

    /// A Markdown table with columns aligned by display width; too wide for the pane, it falls
    /// back to its rows as wrapped text.
    static func renderTable(_ rows: [String], width: Int, base: Style) -> [[Span]] {
        let cells = rows.compactMap { row -> [String]? in
            var parts = row.split(separator: "|", omittingEmptySubsequences: false).map { String($0.trimming(while: \.isWhitespace)) }
            if parts.first == "" { parts.removeFirst() }
            if parts.last == "" { parts.removeLast() }
            if parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { "-: ".contains($0) } }) { return nil }  // separator row
            return parts
        }
        let columns = cells.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.width(of: cell)) } }
        let total = widths.reduce(0, +) + 3 * max(0, columns - 1)
        guard total <= width, columns > 0 else {
            return rows.flatMap { wrap(inline($0, base: base), width: width) }
        }
        return cells.enumerated().map { index, row in
            var spans: [Span] = []
            for column in 0..<columns {
                let text = column < row.count ? row[column] : ""
                if column > 0 { spans.append(Span(text: " │ ", style: Style(.dim))) }
                spans.append(Span(text: DisplayWidth.pad(text, toWidth: widths[column]),
                                  style: index == 0 ? Style(.header, [.bold]) : base))
            }
            return spans
        }
    }
}
