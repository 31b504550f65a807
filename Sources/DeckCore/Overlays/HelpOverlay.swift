import TermUI

/// The `?` overlay: every binding in the keymap, the ones that work where the user is first,
/// scrolled, with a search.
public struct HelpState: Sendable, Equatable {
    /// The key contexts the user was in when `?` opened (listed first, as "Here").
    public var underlying: [KeyContext]
    /// Where the list is scrolled, and its search.
    public var view = ScrolledSearch()
    public var scroll: Int { view.scroll }
    public var search: TextInput { view.search }
    public var isSearching: Bool { view.isSearching }

    public init(underlying: [KeyContext]) { self.underlying = underlying }

    /// The help's lines, from the keymap.
    public var lines: [HelpLine] { HelpContent.lines(here: underlying) }
}

/// One line of the help: a heading, or a binding's keys and what they do.
public struct HelpLine: Sendable, Equatable {
    public var keys: String
    public var text: String
    public var isHeading: Bool

    public static func heading(_ text: String) -> HelpLine { HelpLine(keys: "", text: text, isHeading: true) }
}

/// Builds the help from ``Keymap/bindings``: what works here (with only the keys that fire here),
/// then each pane, the text fields and the overlays.
public enum HelpContent {
    public static func lines(here contexts: [KeyContext]) -> [HelpLine] {
        var lines: [HelpLine] = [.heading("Here")]
        lines += Keymap.effective(in: contexts).map(line)
        let sections: [(String, [KeyContext])] = [
            ("Everywhere (in a text field, letters type: use the Ctrl or F-key form)", [.global]),
            ("Models", [.pane(.models)]), ("Running", [.pane(.running)]), ("Pulls", [.pane(.pulls)]),
            ("Chat (letters type into the prompt)", [.pane(.chat)]),
            ("Chat: a tool call asks (the prompt waits)", [.toolApproval]), ("Hosts (with several servers)", [.pane(.hosts)]),
            ("Text fields", [.textInput]), ("Models filter", [.filterInput]),
            ("Questions (delete, replace, push, quit)", [.overlay(.confirm)]),
            ("Prompts", [.overlay(.prompt)]), ("Pull prompt (several servers)", [.overlay(.pullPrompt)]), ("Create form", [.overlay(.createForm)]),
            ("Details", [.overlay(.details)]), ("Saved chats", [.overlay(.sessions)]), ("Tools (/tools, F4)", [.overlay(.tools)]),
            ("Details: search", [.overlay(.detailsSearch)]), ("Saved chats: search", [.overlay(.sessionsSearch)]), ("Saved chats: rename", [.overlay(.sessionsRename)]),
            ("This help", [.overlay(.help), .overlay(.helpSearch)]), ("Terminal too small", [.tooSmall]),
        ]
        for (title, section) in sections {
            let bindings = Keymap.bindings.filter { section.contains($0.context) }
            guard !bindings.isEmpty else { continue }
            lines.append(.heading(title))
            lines += bindings.map(line)
        }
        return lines
    }

    static func line(_ binding: KeyBinding) -> HelpLine {
        HelpLine(keys: binding.keyLabel, text: binding.help, isHeading: false)
    }

    /// The first line at or after `start` (wrapping) whose keys or text contain `needle`.
    public static func match(_ lines: [HelpLine], _ needle: String, from start: Int) -> Int? {
        let wanted = needle.lowercased()
        guard !wanted.isEmpty, !lines.isEmpty else { return nil }
        for offset in 0..<lines.count {
            let index = (start + offset) % lines.count
            let line = lines[index]
            if line.text.lowercased().contains(wanted) || line.keys.lowercased().contains(wanted) { return index }
        }
        return nil
    }
}

/// Keys in the help overlay.
func performHelp(_ state: inout AppState, _ help: HelpState, _ action: Action, _ key: Key) -> [Effect] {
    var help = help
    let lines = help.lines
    // The last page ends on the last line (the box leaves height - 5 rows for lines).
    let lastTop = lines.count - max(1, state.height - 5)
    let open = help.view.perform(action, key, count: lines.count, page: max(1, state.height - 6), lastTop: lastTop) { text, start in
        HelpContent.match(lines, text, from: start)
    }
    state.overlay = open ? .help(help) : nil
    return []
}
