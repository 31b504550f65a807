import Algorithms
/// Box-drawing and simple widgets that draw into a ``CellBuffer``.
extension CellBuffer {
    /// Draws a single-line border with a title in the top edge; returns the inner rectangle.
    @discardableResult
    public mutating func drawBox(_ rect: Rect, title: String = "", focused: Bool = false, rightTitle: String = "") -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let border = Style(focused ? .borderFocused : .border, focused ? [.bold] : [])
        // Border glyphs are one cell each: set them directly rather than through put's sanitizing.
        func glyph(_ character: Character) -> Cell { Cell(character, width: 1, style: border) }
        let (h, v) = focused ? (glyph("━"), glyph("┃")) : (glyph("─"), glyph("│"))
        let corners: (Character, Character, Character, Character) = focused ? ("┏", "┓", "┗", "┛") : ("┌", "┐", "└", "┘")
        set(x: rect.x, y: rect.y, glyph(corners.0))
        set(x: rect.maxX - 1, y: rect.y, glyph(corners.1))
        set(x: rect.x, y: rect.maxY - 1, glyph(corners.2))
        set(x: rect.maxX - 1, y: rect.maxY - 1, glyph(corners.3))
        for x in (rect.x + 1)..<(rect.maxX - 1) {
            set(x: x, y: rect.y, h)
            set(x: x, y: rect.maxY - 1, h)
        }
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            set(x: rect.x, y: y, v)
            set(x: rect.maxX - 1, y: y, v)
        }
        let inner = rect.inset(by: 1)
        fill(inner)
        if !title.isEmpty, rect.width > 4 {
            let room = rect.width - 4
            let label = " " + DisplayWidth.truncate(title, toWidth: room - 2, ellipsis: true) + " "
            put(label, x: rect.x + 1, y: rect.y, style: Style(focused ? .titleFocused : .title, [.bold]), maxX: rect.maxX - 1)
        }
        if !rightTitle.isEmpty {
            let titleEnd = rect.x + 3 + DisplayWidth.width(of: title)
            let label = " " + rightTitle + " "
            let start = rect.maxX - 1 - DisplayWidth.width(of: label)
            if start > titleEnd { put(label, x: start, y: rect.y, style: Style(.dim)) }
        }
        return inner
    }

    /// Draws a horizontal bar for `fraction` (0...1) across `width` cells.
    public mutating func drawGauge(x: Int, y: Int, width: Int, fraction: Double, style: Style = Style(.gauge)) {
        guard width > 0 else { return }
        let clamped = min(1, max(0, fraction.isFinite ? fraction : 0))
        let eighths = Int((clamped * Double(width) * 8).rounded(.down))
        let full = eighths / 8
        let partials: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var bar = String(repeating: "█", count: full)
        if full < width {
            bar.append(partials[eighths % 8])
            bar += String(repeating: " ", count: width - full - 1)
        }
        put(bar, x: x, y: y, style: style)
        // The empty part in the dim role so it reads as a track.
        if full + 1 < width { restyle(Rect(x: x + full + 1, y: y, width: width - full - 1, height: 1), style: Style(.dim)) }
    }
}

/// Word wrapping measured in cells: breaks at spaces where it can, anywhere between CJK
/// characters, and inside a word only when the word alone is wider than the line.
public enum TextWrap {
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            wrapParagraph(String(paragraph), width: width, into: &lines)
        }
        return lines
    }

    static func wrapParagraph(_ paragraph: String, width: Int, into lines: inout [String]) {
        var line = ""
        var lineWidth = 0
        var lastBreak: (index: String.Index, widthAfter: Int)?  // position just after a space in `line`
        for character in paragraph {
            let w = DisplayWidth.width(of: character)
            if lineWidth + w > width {
                if character == " " {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                    lastBreak = nil
                    continue
                }
                if let breakPoint = lastBreak, breakPoint.widthAfter > 0, w == 1 {
                    let head = String(line[line.startIndex..<breakPoint.index])
                    let tail = String(line[breakPoint.index...])
                    lines.append(String(head.trimmingSuffix(while: { $0 == " " })))
                    line = tail
                    lineWidth = DisplayWidth.width(of: tail)
                } else {
                    lines.append(String(line.trimmingSuffix(while: { $0 == " " })))
                    line = ""
                    lineWidth = 0
                }
                lastBreak = nil
            }
            line.append(character)
            lineWidth += w
            if character == " " || w == 2 {
                lastBreak = (line.endIndex, lineWidth)
            }
        }
        lines.append(line)
    }
}
