/// Turns the characters a terminal sends into keys: control letters, Enter, Tab, Backspace, a lone
/// Esc, the escape sequences of cursor and function keys, and bracketed paste (`ESC [200~` …
/// `ESC [201~`) delivered as one ``Key/paste(_:)``.
///
/// Curses decodes the sequences its terminfo entry names; every other one arrives here as plain
/// characters. That happens often: inside tmux with `TERM=xterm-256color`, Home and End come as
/// `ESC [1~` and `ESC [4~`, which that entry does not list. So this decoder knows the common forms
/// itself — xterm (`CSI A`, `SS3 H`, `CSI 1;5A`), VT220 and tmux/screen (`CSI 1~`…`CSI 24~`), rxvt
/// (`CSI 7~`, `CSI 2^`, `CSI 2$`) and the Linux console (`CSI [A`…`CSI [E`) — whatever curses
/// says. A sequence it does not know is dropped whole, never typed.
///
/// Pure, so it can be tested and fuzzed without a terminal; the curses backend feeds it.
public struct KeyDecoder: Sendable {
    /// The most characters a paste keeps; the rest is dropped (``Key/paste(_:)`` says how much).
    public static let pasteLimit = 1 << 20

    private var pasteBuffer: String?
    private var pasteCount = 0
    private var pasteDropped = 0
    /// Characters of an escape sequence read so far, starting with ESC.
    private var pending: [Character] = []

    static let pasteEnd: [Character] = Array("\u{1B}[201~")

    public init() {}

    /// True while a paste has started and not yet ended.
    public var isInsidePaste: Bool { pasteBuffer != nil }

    /// Keys completed by one more character (often none: an ESC may start a sequence).
    public mutating func feed(_ character: Character) -> [Key] {
        if pasteBuffer != nil { return feedPaste(character) }
        if !pending.isEmpty { return feedSequence(character) }
        let value = character.unicodeScalars.first!.value
        switch value {
        case 27:
            pending = [character]
            return []
        case 13: return [.enter]
        case 10: return [.control("j")]
        case 9: return [.tab]
        case 127, 8: return [.backspace]
        case 1...26: return [.control(Character(Unicode.Scalar(value + 96)!))]
        case 0...31: return []
        default: return [.character(character)]
        }
    }

    /// Called when no more input is waiting: a held ESC is a key of its own; the start of a
    /// sequence cut off by the end of input is dropped (half a sequence is not something typed).
    /// A paste in progress stays open for the next read.
    public mutating func flush() -> [Key] {
        guard !pending.isEmpty, pasteBuffer == nil else { return [] }
        let held = pending
        pending.removeAll()
        if held.count == 1 { return [.escape] }
        return []
    }

    /// Ends a paste whose end marker never came (the terminal's backend calls this when a paste
    /// has been open with no input for a while): what arrived is delivered, nothing more is held.
    public mutating func abandonPaste() -> [Key] {
        guard pasteBuffer != nil else { return [] }
        return [finishPaste()]
    }

    // MARK: - Paste

    private mutating func feedPaste(_ character: Character) -> [Key] {
        // Ctrl-C inside a paste is the user's way out of a paste that never ends.
        if character == "\u{3}" { return [finishPaste(), .control("c")] }
        if pasteCount < Self.pasteLimit {
            pasteBuffer!.append(character)
            pasteCount += 1
        } else {
            pasteDropped += 1
            // Keep just enough of the tail to see the end marker.
            pasteTail.append(character)
            if pasteTail.count > Self.pasteEnd.count { pasteTail.removeFirst() }
            if pasteTail == Self.pasteEnd {
                pasteDropped -= Self.pasteEnd.count
                return [finishPaste()]
            }
            return []
        }
        if character == "~", pasteBuffer!.hasSuffix("\u{1B}[201~") {
            pasteBuffer!.removeLast(Self.pasteEnd.count)
            return [finishPaste()]
        }
        return []
    }

    private var pasteTail: [Character] = []

    private mutating func finishPaste() -> Key {
        let text = pasteBuffer ?? ""
        let dropped = max(0, pasteDropped)
        pasteBuffer = nil
        pasteCount = 0
        pasteDropped = 0
        pasteTail.removeAll()
        return dropped > 0 ? .pasteCut(text, droppedCharacters: dropped) : .paste(text)
    }

    // MARK: - Escape sequences

    private mutating func feedSequence(_ character: Character) -> [Key] {
        let value = character.unicodeScalars.first!.value
        pending.append(character)
        if pending.count == 2 {
            switch character {
            case "[", "O": return []
            case "\u{1B}":
                // ESC ESC: the first was a key of its own; the second may start a sequence.
                pending = [character]
                return [.escape]
            default:
                // Alt plus a key, or Esc typed quickly before a key: Esc, then the key as usual.
                pending.removeAll()
                return [.escape] + feed(character)
            }
        }
        if pending[1] == "O" {
            // SS3: one final character (xterm's application cursor keys, F1–F4, keypad Enter).
            pending.removeAll()
            return Self.ss3Key(character).map { [$0] } ?? []
        }
        // CSI: parameters (digits, ';', and for the Linux console one '['), then a final byte.
        if pending.count == 3, character == "[" { return [] }
        if pending.count == 4, pending[2] == "[" {
            pending.removeAll()
            return Self.linuxConsoleKey(character).map { [$0] } ?? []
        }
        if (0x30...0x3F).contains(value) {
            if pending.count > 16 { pending.removeAll() }  // not a key: drop it whole
            return []
        }
        let parameters = String(pending[2..<(pending.count - 1)])
        pending.removeAll()
        guard (0x40...0x7E).contains(value) || character == "$" || character == "^" else {
            // Not a sequence after all: what was read is dropped, this character goes on as usual.
            return feed(character)
        }
        if parameters == "200", character == "~" {
            pasteBuffer = ""
            return []
        }
        return Self.csiKey(parameters: parameters, final: character).map { [$0] } ?? []
    }

    /// `SS3 final`: xterm's application cursor keys, Home and End, F1–F4, keypad Enter.
    static let ss3Keys: [Character: Key] = [
        "A": .up, "B": .down, "C": .right, "D": .left, "H": .home, "F": .end,
        "P": .function(1), "Q": .function(2), "R": .function(3), "S": .function(4), "M": .enter,
    ]

    /// The Linux console's F1–F5: `CSI [A` … `CSI [E`.
    static let consoleKeys: [Character: Key] = [
        "A": .function(1), "B": .function(2), "C": .function(3), "D": .function(4), "E": .function(5),
    ]

    static func ss3Key(_ final: Character) -> Key? { ss3Keys[final] }

    static func linuxConsoleKey(_ final: Character) -> Key? { consoleKeys[final] }

    /// `CSI params final`: modifiers (`1;5`) are read past; the key is what the sequence names.
    static func csiKey(parameters: String, final: Character) -> Key? {
        let numbers = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        let first = numbers.first ?? nil
        switch final {
        case "A": return .up
        case "B": return .down
        case "C": return .right
        case "D": return .left
        case "H": return .home
        case "F": return .end
        case "Z": return .backTab
        case "P": return .function(1)
        case "Q": return .function(2)
        case "R": return parameters.isEmpty || first == 1 ? .function(3) : nil  // CSI row;col R is a cursor report
        case "S": return .function(4)
        case "~", "^", "$", "@":
            switch first {
            case 1?, 7?: return .home
            case 2?: return .insert
            case 3?: return .delete
            case 4?, 8?: return .end
            case 5?: return .pageUp
            case 6?: return .pageDown
            case let n? where (11...15).contains(n): return .function(n - 10)
            case let n? where (17...21).contains(n): return .function(n - 11)
            case 23?: return .function(11)
            case 24?: return .function(12)
            default: return nil
            }
        default: return nil
        }
    }
}
