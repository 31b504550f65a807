/// Turns the characters a terminal sends into keys: control letters, Enter, Tab, Backspace, a lone
/// Esc, and bracketed paste (`ESC [200~` … `ESC [201~`) delivered as one ``Key/paste(_:)``.
/// Pure, so it can be tested and fuzzed without a terminal; the curses backend feeds it.
public struct KeyDecoder: Sendable {
    private var pasteBuffer: String?
    private var pendingEscape: [Character] = []

    static let pasteStart = "\u{1B}[200~"
    static let pasteEnd = "\u{1B}[201~"

    public init() {}

    /// True while a paste has started and not yet ended.
    public var isInsidePaste: Bool { pasteBuffer != nil }

    /// Keys completed by one more character (often none: an ESC may start a paste).
    public mutating func feed(_ character: Character) -> [Key] {
        if var paste = pasteBuffer {
            paste.append(character)
            if paste.hasSuffix(Self.pasteEnd) {
                pasteBuffer = nil
                return [.paste(String(paste.dropLast(Self.pasteEnd.count)))]
            }
            pasteBuffer = paste
            return []
        }
        if !pendingEscape.isEmpty {
            let sequence = String(pendingEscape) + String(character)
            if sequence == Self.pasteStart {
                pendingEscape.removeAll()
                pasteBuffer = ""
                return []
            }
            if Self.pasteStart.hasPrefix(sequence) {
                pendingEscape.append(character)
                return []
            }
            // Not a paste: the ESC was a key of its own; what followed is typed as usual.
            let held = pendingEscape.dropFirst()
            pendingEscape.removeAll()
            var keys: [Key] = [.escape]
            for earlier in held { keys += feed(earlier) }
            return keys + feed(character)
        }
        let value = character.unicodeScalars.first!.value
        switch value {
        case 27:
            pendingEscape = [character]
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

    /// Called when no more input is waiting: a held ESC (or an ESC and a sequence we do not know)
    /// is delivered as typed. A paste in progress stays open for the next read.
    public mutating func flush() -> [Key] {
        guard !pendingEscape.isEmpty, pasteBuffer == nil else { return [] }
        let pending = pendingEscape
        pendingEscape.removeAll()
        return [.escape] + pending.dropFirst().map { Key.character($0) }
    }
}
