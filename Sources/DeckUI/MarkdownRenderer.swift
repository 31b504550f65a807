import TermUI

/// A run of text with one style.
struct Span: Equatable {
    var text: String
    var style: Style
}

/// Renders a model's reply as styled, wrapped lines: headings, emphasis, inline code, lists,
/// quotes, tables and fenced code. Unclosed markup (mid-stream) shows as typed until it closes.
enum MarkdownRenderer {
    static func render(_ text: String, width: Int, base: Style = .normal) -> [[Span]] {
        guard width > 0 else { return [] }
        var out: [[Span]] = []
        var inFence = false
        var table: [String] = []
        func flushTable() {
            if !table.isEmpty { out += renderTable(table, width: width, base: base) }
            table.removeAll()
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") {
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
            if trimmed.hasPrefix("|") {
                table.append(String(trimmed))
                continue
            }
            flushTable()
            if let level = headingLevel(trimmed) {
                let title = String(trimmed.dropFirst(level).drop { $0 == " " })
                out += wrap(inline(title, base: Style(.title, [.bold])), width: width)
            } else if trimmed.hasPrefix("> ") || trimmed == ">" {
                let body = String(trimmed.dropFirst(trimmed.hasPrefix("> ") ? 2 : 1))
                for wrapped in wrap(inline(body, base: Style(.dim, [.italic])), width: max(1, width - 2)) {
                    out.append([Span(text: "▎ ", style: Style(.dim))] + wrapped)
                }
            } else if let (marker, body) = listItem(String(trimmed)) {
                let indent = String(repeating: " ", count: min(8, line.count - trimmed.count))
                let lead = indent + marker
                let leadWidth = DisplayWidth.width(of: lead)
                for (i, wrapped) in wrap(inline(body, base: base), width: max(1, width - leadWidth)).enumerated() {
                    let prefix = i == 0 ? Span(text: lead, style: Style(.accent)) : Span(text: String(repeating: " ", count: leadWidth), style: base)
                    out.append([prefix] + wrapped)
                }
            } else if trimmed.isEmpty {
                out.append([])
            } else {
                out += wrap(inline(line, base: base), width: width)
            }
        }
        flushTable()
        return out
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
        let characters = Array(text)
        var out: [(Character, Style)] = []
        var i = 0
        func closing(_ marker: [Character], from start: Int) -> Int? {
            var j = start
            while j + marker.count <= characters.count {
                if Array(characters[j..<(j + marker.count)]) == marker { return j }
                j += 1
            }
            return nil
        }
        while i < characters.count {
            let c = characters[i]
            if c == "`", let end = closing(["`"], from: i + 1), end > i + 1 {
                for ch in characters[(i + 1)..<end] { out.append((ch, Style(.code))) }
                i = end + 1
            } else if c == "*", i + 1 < characters.count, characters[i + 1] == "*",
                let end = closing(["*", "*"], from: i + 2), end > i + 2
            {
                var style = base
                style.attributes.insert(.bold)
                for ch in characters[(i + 2)..<end] { out.append((ch, style)) }
                i = end + 2
            } else if (c == "*" || c == "_"), i + 1 < characters.count, characters[i + 1] != " ",
                let end = closing([c], from: i + 1), end > i + 1, characters[end - 1] != " "
            {
                var style = base
                style.attributes.insert(.italic)
                for ch in characters[(i + 1)..<end] { out.append((ch, style)) }
                i = end + 1
            } else {
                out.append((c, base))
                i += 1
            }
        }
        return out
    }

    /// Wraps styled characters by display width, breaking at spaces where possible.
    static func wrap(_ characters: [(Character, Style)], width: Int) -> [[Span]] {
        var lines: [[(Character, Style)]] = []
        var line: [(Character, Style)] = []
        var lineWidth = 0
        var lastSpace: Int?
        for item in characters {
            let w = DisplayWidth.width(of: item.0)
            if lineWidth + w > width, !line.isEmpty {
                if item.0 == " " {
                    lines.append(line)
                    line = []
                    lineWidth = 0
                    lastSpace = nil
                    continue
                }
                if let space = lastSpace, w == 1 {
                    lines.append(Array(line[..<space]))
                    line = Array(line[(space + 1)...])
                    lineWidth = line.reduce(0) { $0 + DisplayWidth.width(of: $1.0) }
                } else {
                    lines.append(line)
                    line = []
                    lineWidth = 0
                }
                lastSpace = nil
            }
            if item.0 == " " { lastSpace = line.count }
            line.append(item)
            lineWidth += w
        }
        lines.append(line)
        return lines.map(spans)
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
            var parts = row.split(separator: "|", omittingEmptySubsequences: false).map { String($0).simTrim() }
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

extension String {
    func simTrim() -> String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
