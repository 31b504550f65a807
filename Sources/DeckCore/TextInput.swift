import TermUI

/// A one-line text field edited by grapheme: the cursor never lands inside a character, and
/// Chinese text moves and deletes one character (two cells) at a time.
public struct TextInput: Sendable, Equatable {
    public private(set) var text: String = ""
    /// Cursor position in characters from the start.
    public private(set) var cursor: Int = 0

    /// Prefilled text offered whole: the first typed character (or paste) replaces it, Backspace
    /// or Delete clears it, and a movement key keeps it for editing.
    public private(set) var isSelected = false

    public init(_ text: String = "") {
        self.text = text
        self.cursor = text.count
    }

    /// A field prefilled with `text`, selected, so typing replaces it.
    public init(selecting text: String) {
        self.init(text)
        isSelected = !text.isEmpty
    }

    public var isEmpty: Bool { text.isEmpty }

    /// Applies an editing key; returns false when the key is not an editing key.
    public mutating func handle(_ key: Key) -> Bool {
        if isSelected {
            isSelected = false
            switch key {
            case .character, .paste, .pasteCut: clear()
            case .backspace, .delete:
                clear()
                return true
            default: break
            }
        }
        switch key {
        case .character(let character):
            insert(String(character))
        case .paste(let pasted), .pasteCut(let pasted, _):
            insert(pasted.replacingCRLF())
        case .backspace:
            guard cursor > 0 else { return true }
            let index = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: index)
            cursor -= 1
        case .delete:
            guard cursor < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = text.count
        case .control("u"):
            text.removeSubrange(text.startIndex..<text.index(text.startIndex, offsetBy: cursor))
            cursor = 0
        case .control("k"):
            text.removeSubrange(text.index(text.startIndex, offsetBy: cursor)...)
        case .control("w"):
            deleteWordBackward()
        default:
            return false
        }
        return true
    }

    public mutating func insert(_ fragment: String) {
        let index = text.index(text.startIndex, offsetBy: cursor)
        let before = text.count
        text.insert(contentsOf: fragment, at: index)
        cursor += text.count - before
    }

    public mutating func clear() {
        text = ""
        cursor = 0
        isSelected = false
    }

    mutating func deleteWordBackward() {
        var characters = Array(text)
        var position = cursor
        while position > 0, characters[position - 1] == " " { position -= 1 }
        while position > 0, characters[position - 1] != " " { position -= 1 }
        characters.removeSubrange(position..<cursor)
        text = String(characters)
        cursor = position
    }

    /// Cells before the cursor, for placing the terminal cursor.
    public var cursorColumn: Int { DisplayWidth.width(of: text.prefix(cursor)) }

    /// The visible slice for a field `width` cells wide, scrolled so the cursor shows, and the
    /// cursor's column inside it.
    public func visible(width: Int) -> (text: String, cursorColumn: Int) {
        guard width > 1 else { return ("", 0) }
        let characters = Array(text)
        var start = 0
        var before = DisplayWidth.width(of: String(characters[0..<cursor]))
        while before > width - 1, start < cursor {
            before -= DisplayWidth.width(of: characters[start])
            start += 1
        }
        var shown = ""
        var used = 0
        for character in characters[start...] {
            let w = DisplayWidth.width(of: character)
            if used + w > width { break }
            shown.append(character)
            used += w
        }
        return (shown, before)
    }
}

extension String {
    /// Pasted text keeps its line breaks, normalised to `\n`.
    func replacingCRLF() -> String { String(map { $0 == "\r\n" || $0 == "\r" ? "\n" : $0 }) }
}

extension TextInput {
    /// The text wrapped into lines of at most `width` cells (explicit newlines start new lines),
    /// and the cursor's line and column in them.
    public func wrapped(width: Int) -> (lines: [String], cursorLine: Int, cursorColumn: Int) {
        guard width > 0 else { return ([""], 0, 0) }
        var lines: [String] = [""]
        var used = 0
        var cursorLine = 0
        var cursorColumn = 0
        for (index, character) in text.enumerated() {
            if index == cursor {
                cursorLine = lines.count - 1
                cursorColumn = used
            }
            if character == "\n" {
                lines.append("")
                used = 0
                continue
            }
            let w = DisplayWidth.width(of: character)
            if used + w > width {
                lines.append("")
                used = 0
            }
            lines[lines.count - 1].append(character)
            used += w
        }
        if cursor >= text.count {
            if used >= width {
                lines.append("")
                used = 0
            }
            cursorLine = lines.count - 1
            cursorColumn = used
        }
        return (lines, cursorLine, cursorColumn)
    }
}
