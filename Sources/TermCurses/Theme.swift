import CNcursesw
import TermUI

/// Maps colour roles to curses colour pairs and attributes. The monochrome theme (for `NO_COLOR`
/// or terminals without colour) uses attributes only.
struct Theme {
    struct Entry {
        var foreground: Int16
        var background: Int16
        var attributes: attr_t
    }

    let entries: [ColorRole: (pair: Int16, attributes: attr_t)]

    static let defaultColor: Int16 = -1

    /// Builds the theme and registers its colour pairs with curses.
    static func install(useColor: Bool) -> Theme {
        let colors = Int(cn_colors())
        let grey: Int16 = colors >= 16 ? 8 : Int16(COLOR_WHITE)
        let dim = cn_attr_dim()
        let bold = cn_attr_bold()
        let reverse = cn_attr_reverse()
        var table: [ColorRole: Entry] = [:]
        if useColor {
            let d = defaultColor
            table = [
                .normal: Entry(foreground: d, background: d, attributes: 0),
                .dim: Entry(foreground: grey, background: d, attributes: colors >= 16 ? 0 : dim),
                .border: Entry(foreground: grey, background: d, attributes: colors >= 16 ? 0 : dim),
                .borderFocused: Entry(foreground: Int16(COLOR_CYAN), background: d, attributes: 0),
                .title: Entry(foreground: d, background: d, attributes: 0),
                .titleFocused: Entry(foreground: Int16(COLOR_CYAN), background: d, attributes: 0),
                .header: Entry(foreground: Int16(COLOR_YELLOW), background: d, attributes: 0),
                .selection: Entry(foreground: Int16(COLOR_BLACK), background: Int16(COLOR_CYAN), attributes: 0),
                .selectionUnfocused: Entry(foreground: d, background: d, attributes: reverse),
                .accent: Entry(foreground: Int16(COLOR_CYAN), background: d, attributes: 0),
                .good: Entry(foreground: Int16(COLOR_GREEN), background: d, attributes: 0),
                .warning: Entry(foreground: Int16(COLOR_YELLOW), background: d, attributes: 0),
                .error: Entry(foreground: Int16(COLOR_RED), background: d, attributes: bold),
                .thinking: Entry(foreground: Int16(COLOR_MAGENTA), background: d, attributes: 0),
                .code: Entry(foreground: Int16(COLOR_GREEN), background: d, attributes: 0),
                .statusBar: Entry(foreground: Int16(COLOR_BLACK), background: Int16(COLOR_WHITE), attributes: 0),
                .helpKey: Entry(foreground: Int16(COLOR_CYAN), background: d, attributes: 0),
                .helpText: Entry(foreground: d, background: d, attributes: 0),
                .banner: Entry(foreground: Int16(COLOR_WHITE), background: Int16(COLOR_RED), attributes: 0),
                .userText: Entry(foreground: Int16(COLOR_CYAN), background: d, attributes: 0),
                .gauge: Entry(foreground: Int16(COLOR_GREEN), background: d, attributes: 0),
            ]
        } else {
            for role in ColorRole.allCases { table[role] = Entry(foreground: -1, background: -1, attributes: 0) }
            table[.dim]?.attributes = dim
            table[.border]?.attributes = dim
            table[.borderFocused]?.attributes = bold
            table[.titleFocused]?.attributes = bold
            table[.header]?.attributes = bold
            table[.selection]?.attributes = reverse
            table[.selectionUnfocused]?.attributes = reverse | dim
            table[.statusBar]?.attributes = reverse
            table[.banner]?.attributes = reverse | bold
            table[.error]?.attributes = bold
            table[.thinking]?.attributes = dim
            table[.helpKey]?.attributes = bold
        }
        var entries: [ColorRole: (pair: Int16, attributes: attr_t)] = [:]
        var nextPair: Int16 = 1
        for role in ColorRole.allCases {
            let entry = table[role] ?? Entry(foreground: -1, background: -1, attributes: 0)
            if useColor, entry.foreground != -1 || entry.background != -1 {
                init_pair(nextPair, entry.foreground, entry.background)
                entries[role] = (nextPair, entry.attributes)
                nextPair += 1
            } else {
                entries[role] = (0, entry.attributes)
            }
        }
        return Theme(entries: entries)
    }

    func resolve(_ style: Style) -> (pair: Int16, attributes: attr_t) {
        var (pair, attributes) = entries[style.role] ?? (0, 0)
        if style.attributes.contains(.bold) { attributes |= cn_attr_bold() }
        if style.attributes.contains(.dim) { attributes |= cn_attr_dim() }
        if style.attributes.contains(.reverse) { attributes |= cn_attr_reverse() }
        if style.attributes.contains(.underline) { attributes |= cn_attr_underline() }
        if style.attributes.contains(.italic) { attributes |= cn_attr_italic() }
        return (pair, attributes)
    }
}

/// glibc's `wcwidth` for a scalar under the current locale (call `setlocale` first), for
/// cross-checking ``DisplayWidth``; -1 for non-printable.
public func systemCellWidth(_ scalar: Unicode.Scalar) -> Int {
    Int(cn_wcwidth(wchar_t(bitPattern: scalar.value)))
}
