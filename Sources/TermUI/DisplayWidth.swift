/// How many terminal cells text takes: 2 for East Asian wide and fullwidth characters and emoji,
/// 0 for combining marks and other zero-width characters, 1 otherwise. Every layout decision in
/// ollama-deck measures with these functions, never with `count`.
public enum DisplayWidth {
    /// Wide ranges (East Asian Width W and F) outside the emoji-presentation set.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x2FF0...0x2FFF, 0x3000...0x3029, 0x302E...0x303E,
        0x3041...0x3096, 0x309B...0x30FF, 0x3105...0x312F, 0x3131...0x318E, 0x3190...0x31E5, 0x31EF...0x321E,
        0x3220...0xA48C, 0xA490...0xA4C6, 0xA960...0xA97C, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
        0xFE30...0xFE52, 0xFE54...0xFE66, 0xFE68...0xFE6B, 0xFF01...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE3, 0x16FF0...0x16FF1, 0x17000...0x187F7, 0x18800...0x18CD5, 0x18D00...0x18D08,
        0x1AFF0...0x1B2FB, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
        0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265,
        0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA,
        0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440...0x1F440,
        0x1F442...0x1F4FC, 0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A,
        0x1F595...0x1F596, 0x1F5A4...0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC...0x1F6CC,
        0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7, 0x1F6DC...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC,
        0x1F7E0...0x1F7EB, 0x1F7F0...0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF,
        0x1FA70...0x1FA7C, 0x1FA80...0x1FA89, 0x1FA8F...0x1FAC6, 0x1FACE...0x1FADC, 0x1FADF...0x1FAE9,
        0x1FAF0...0x1FAF8, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// Cells one scalar takes on its own.
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value == 0 { return 0 }
        if value < 0x20 || (0x7F...0x9F).contains(value) { return 1 }  // shown as a placeholder
        if value < 0x300 { return 1 }
        // Wide first: no wide character is zero-width, and the lookup is cheaper than the category.
        if value >= 0x1100, isWide(value) { return 2 }
        if isControl(scalar) { return 1 }  // a bidi control: shown as a placeholder
        if isZeroWidth(scalar) { return 0 }
        return 1
    }

    /// Format characters that take a cell (they carry a number or a sign that spans what follows).
    static let prependedConcatenationMarks: Set<UInt32> = [
        0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD,
    ]

    static func isWide(_ value: UInt32) -> Bool {
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = wideRanges[mid]
            if value < range.lowerBound { high = mid - 1 } else if value > range.upperBound { low = mid + 1 } else { return true }
        }
        return false
    }

    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        // Hangul medial vowels and finals (conjoining jamo, and their extension B).
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return true }
        if value == 0x1171E { return true }  // as glibc counts it
        if value == 0x200B || value == 0x200C || value == 0x200D || value == 0x2060 || value == 0xFEFF { return true }
        if (0xFE00...0xFE0F).contains(value) || (0xE0100...0xE01EF).contains(value) { return true }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return true
        case .format: return !prependedConcatenationMarks.contains(value)  // invisible operators, tags, …
        default: return false
        }
    }

    /// Cells a grapheme cluster takes: an emoji sequence or a character followed by VS16 takes 2;
    /// any other cluster, the sum of its scalars (so text measures the same however it clusters).
    public static func width(of character: Character) -> Int {
        let utf8 = character.utf8
        if utf8.count == 1, let byte = utf8.first { return byte == 0 ? 0 : 1 }  // ASCII: one cell (controls show as one placeholder)
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count == 1 { return width(of: first) }
        if isControl(first) { return 1 }
        var hasEmojiPresentation = false
        for scalar in scalars {
            if scalar.value == 0xFE0F || scalar.properties.isEmojiPresentation { hasEmojiPresentation = true }
        }
        if hasEmojiPresentation, first.properties.isEmoji { return 2 }
        // Otherwise as a terminal counts it, scalar by scalar: marks add nothing, but a cluster that
        // starts with a prepended mark (U+0600…) or joins letters (Indic conjuncts) spans them all.
        return scalars.reduce(0) { $0 + width(of: $1) }
    }

    /// Cells a string takes.
    public static func width<S: StringProtocol>(of text: S) -> Int {
        // Printable ASCII, the common case, is one cell per byte.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var total = 0
        for character in text { total += width(of: character) }
        return total
    }

    /// True for characters that must never reach the terminal raw: C0 and C1 controls, DEL,
    /// and bidirectional overrides and isolates.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
            || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F || value == 0x061C
    }

    /// The visible stand-in for a control character: ␛ for ESC, ␀…␟ for C0, ␡ for DEL, and � for
    /// C1 controls and bidi overrides.
    public static func placeholder(for scalar: Unicode.Scalar) -> Character {
        let value = scalar.value
        if value < 0x20 { return Character(Unicode.Scalar(0x2400 + value)!) }
        if value == 0x7F { return "\u{2421}" }
        return "\u{FFFD}"
    }

    /// The text with every control character replaced by its visible placeholder (tabs become a space).
    public static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                out.append(" ")
            } else if isControl(scalar) {
                out.append(placeholder(for: scalar))
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Like ``sanitized(_:)`` but keeps line breaks and tabs: for printing a server's multi-line
    /// text (a Modelfile, a template) to a terminal with no escape sequence getting through.
    public static func sanitizedKeepingLines(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" || !isControl(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out.append(placeholder(for: scalar))
            }
        }
        return out
    }

    /// The longest prefix that fits in `maxWidth` cells; a wide character that would straddle the
    /// edge is left out, never split.
    public static func truncate(_ text: String, toWidth maxWidth: Int, ellipsis: Bool = false) -> String {
        if maxWidth <= 0 { return "" }
        if width(of: text) <= maxWidth { return text }
        let limit = ellipsis ? maxWidth - 1 : maxWidth
        var used = 0
        var out = ""
        for character in text {
            let w = width(of: character)
            if used + w > limit { break }
            out.append(character)
            used += w
        }
        return ellipsis ? out + "…" : out
    }

    /// Pads with spaces (after the text, or before it when `alignRight`) to exactly `targetWidth` cells, truncating if longer.
    public static func pad(_ text: String, toWidth targetWidth: Int, alignRight: Bool = false) -> String {
        let clipped = truncate(text, toWidth: targetWidth, ellipsis: true)
        let fill = String(repeating: " ", count: max(0, targetWidth - width(of: clipped)))
        return alignRight ? fill + clipped : clipped + fill
    }
}
