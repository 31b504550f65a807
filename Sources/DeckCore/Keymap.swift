import TermUI

/// What a key does. One binding table (``Keymap/bindings``) decides every key — in the panes, in
/// text fields and in overlays — so dispatch, the help bar, the `?` overlay and every on-screen hint
/// are read from the same place and cannot disagree.
public enum Action: String, Sendable, Equatable, CaseIterable {
    case focusNext, focusPrevious, focusModels, focusRunning, focusPulls, focusChat, focusHosts
    case help, quit, forceQuit, refresh, pull, demo
    case moveUp, moveDown, pageUp, pageDown, moveTop, moveBottom
    case filter, clearFilter, cycleSort, reverseSort, chatWithModel, filterHost
    case send, stop, clearChat
    case mark, delete, copy, rename, details, load, unload, keepAlive, create, push
    case cancelJob, restartJob, clearFinished, showError
    case newPane, closePane, nextPane, toggleCompare, toggleThinking, toggleToolResults, regenerate, historyUp, historyDown, newline
    case copyReply, copyCode, sessions
    /// Text fields: a printable character or a paste goes in; an editing key edits.
    case type, edit
    /// Overlays and fields: Enter, Esc, "yes", anything else ("no"), the next or previous field,
    /// search, the next match.
    case submit, cancel, confirm, decline, nextField, previousField, search, nextMatch
    /// The saved-chats overlay.
    case renameSession, deleteSession
    /// A tool call waiting for an answer: run it once, always (this tool, this pane), refuse it, or
    /// (any other key) say what the choices are.
    case approveOnce, approveAlways, refuseTool, explainApproval
    /// The `/tools` overlay (F4 in a chat pane): open it, switch a tool off or on, restart a server.
    case tools, toggleTool, restartToolServer
}

/// Where a binding applies. The dashboard is always in a stack of contexts, most specific first
/// (``keyContexts(_:)``); a key does what the first context that binds it says.
public enum KeyContext: Sendable, Hashable {
    /// Everywhere a pane has the keyboard.
    case global
    case pane(Pane)
    /// Any text field: printable characters, paste and the editing keys.
    case textInput
    /// The Models filter while it is being typed.
    case filterInput
    /// The terminal is below the minimum size: only a message shows.
    case tooSmall
    /// The focused chat pane asks whether to run a tool call.
    case toolApproval
    case overlay(OverlayContext)
}

/// The overlays, as far as keys are concerned.
public enum OverlayContext: String, Sendable, Hashable, CaseIterable {
    case help, helpSearch, confirm, prompt, pullPrompt, createForm, details, detailsSearch, sessions, sessionsSearch, sessionsRename
    case tools
}

/// What a binding matches: one key, any printable character (or paste), or any key at all.
public enum KeyPattern: Sendable, Equatable {
    case key(Key)
    case printable
    case anyKey

    public func matches(_ key: Key) -> Bool {
        switch self {
        case .key(let own): return own == key
        case .printable:
            switch key {
            case .character, .paste, .pasteCut: return true
            default: return false
            }
        case .anyKey: return true
        }
    }

    public var label: String {
        switch self {
        case .key(let key): return key.description
        case .printable: return "type"
        case .anyKey: return "other"
        }
    }
}

/// One key binding: its keys, what it does, where, and the words the help shows.
public struct KeyBinding: Sendable, Equatable {
    public var keys: [KeyPattern]
    public var action: Action
    public var context: KeyContext
    public var help: String
    /// Shown in the bottom help bar (every binding shows in `?`).
    public var inHelpBar: Bool

    public init(_ keys: [Key], _ action: Action, _ context: KeyContext, _ help: String, bar: Bool = false) {
        self.init(patterns: keys.map { .key($0) }, action, context, help, bar: bar)
    }

    public init(patterns: [KeyPattern], _ action: Action, _ context: KeyContext, _ help: String, bar: Bool = false) {
        self.keys = patterns
        self.action = action
        self.context = context
        self.help = help
        self.inHelpBar = bar
    }

    public var keyLabel: String { keys.map(\.label).joined(separator: "/") }
}

/// The dashboard's key bindings.
public enum Keymap {
    private static let list: [Key] = [.up, .down, .pageUp, .pageDown]

    public static let bindings: [KeyBinding] = paneBindings + approvalBindings + chatBindings + globalBindings + fieldBindings
        + overlayBindings

    static let paneBindings: [KeyBinding] = {
        var all: [KeyBinding] = []
        // Every list pane moves the same way.
        for pane in [Pane.models, .running, .pulls, .hosts] {
            all += [
                KeyBinding([.up, .character("k")], .moveUp, .pane(pane), "up"),
                KeyBinding([.down, .character("j")], .moveDown, .pane(pane), "down"),
                KeyBinding([.pageUp], .pageUp, .pane(pane), "page up"),
                KeyBinding([.pageDown], .pageDown, .pane(pane), "page down"),
                KeyBinding([.home, .character("g")], .moveTop, .pane(pane), "first"),
                KeyBinding([.end, .character("G")], .moveBottom, .pane(pane), "last"),
            ]
        }
        all += [
            KeyBinding([.enter], .chatWithModel, .pane(.models), "chat", bar: true),
            KeyBinding([.character("/")], .filter, .pane(.models), "filter", bar: true),
            KeyBinding([.escape], .clearFilter, .pane(.models), "clear filter and marks"),
            KeyBinding([.character("s")], .cycleSort, .pane(.models), "sort", bar: true),
            KeyBinding([.character("S")], .reverseSort, .pane(.models), "reverse sort"),
            KeyBinding([.character("i")], .details, .pane(.models), "info", bar: true),
            KeyBinding([.character(" ")], .mark, .pane(.models), "mark"),
            KeyBinding([.character("D"), .delete], .delete, .pane(.models), "delete", bar: true),
            KeyBinding([.character("c")], .copy, .pane(.models), "copy"),
            KeyBinding([.character("m")], .rename, .pane(.models), "rename"),
            KeyBinding([.character("l")], .load, .pane(.models), "load"),
            KeyBinding([.character("u")], .unload, .pane(.models), "unload"),
            KeyBinding([.character("K")], .keepAlive, .pane(.models), "keep-alive"),
            KeyBinding([.character("C")], .create, .pane(.models), "create from"),
            KeyBinding([.character("P")], .push, .pane(.models), "push"),
            KeyBinding([.character("u")], .unload, .pane(.running), "unload", bar: true),
            KeyBinding([.character("K")], .keepAlive, .pane(.running), "keep-alive", bar: true),
            KeyBinding([.character("i")], .details, .pane(.running), "info", bar: true),
            KeyBinding([.character("p")], .pull, .pane(.hosts), "pull onto this host", bar: true),
            KeyBinding([.enter], .filterHost, .pane(.hosts), "its models", bar: true),
            KeyBinding([.character("x")], .cancelJob, .pane(.pulls), "cancel", bar: true),
            KeyBinding([.character("R"), .enter], .restartJob, .pane(.pulls), "restart/resume", bar: true),
            KeyBinding([.character("e")], .showError, .pane(.pulls), "whole error", bar: true),
            KeyBinding([.character("c")], .clearFinished, .pane(.pulls), "clear finished", bar: true),
        ]
        return all
    }()

    /// The chat pane comes before its text field in the context stack: End follows the stream
    /// (and moves to the end of the prompt), ↑ ↓ recall inputs.
    static let chatBindings: [KeyBinding] = [
        KeyBinding([.enter], .send, .pane(.chat), "send", bar: true),
        KeyBinding([.escape], .stop, .pane(.chat), "stop", bar: true),
        KeyBinding([.control("n")], .newPane, .pane(.chat), "new chat", bar: true),
        KeyBinding([.control("o")], .nextPane, .pane(.chat), "next chat", bar: true),
        KeyBinding([.control("g")], .toggleCompare, .pane(.chat), "compare", bar: true),
        KeyBinding([.control("s"), .function(2)], .sessions, .pane(.chat), "saved chats", bar: true),
        KeyBinding([.control("x")], .closePane, .pane(.chat), "close pane"),
        KeyBinding([.control("l")], .clearChat, .pane(.chat), "clear (new chat)"),
        KeyBinding([.control("t")], .toggleThinking, .pane(.chat), "fold thinking"),
        KeyBinding([.control("f")], .toggleToolResults, .pane(.chat), "unfold/fold tool results"),
        KeyBinding([.control("r")], .regenerate, .pane(.chat), "regenerate"),
        KeyBinding([.control("j")], .newline, .pane(.chat), "newline"),
        KeyBinding([.up], .historyUp, .pane(.chat), "previous input"),
        KeyBinding([.down], .historyDown, .pane(.chat), "next input"),
        KeyBinding([.control("y")], .copyReply, .pane(.chat), "copy reply (OSC 52)"),
        KeyBinding([.control("b")], .copyCode, .pane(.chat), "copy last code block"),
        KeyBinding([.function(4)], .tools, .pane(.chat), "tools (MCP servers), as /tools"),
        KeyBinding([.pageUp], .pageUp, .pane(.chat), "scroll up"),
        KeyBinding([.pageDown], .pageDown, .pane(.chat), "scroll down"),
        KeyBinding([.end], .moveBottom, .pane(.chat), "follow (and end of line)"),
    ]

    /// While a tool call waits for an answer the prompt is not typed into: every key answers.
    static let approvalBindings: [KeyBinding] = [
        KeyBinding([.character("y")], .approveOnce, .toolApproval, "run this call", bar: true),
        KeyBinding([.character("a")], .approveAlways, .toolApproval, "always run this tool here", bar: true),
        KeyBinding([.character("n")], .refuseTool, .toolApproval, "refuse (the model is told)", bar: true),
        KeyBinding([.escape], .stop, .toolApproval, "stop the tool calls", bar: true),
        KeyBinding(patterns: [.printable], .explainApproval, .toolApproval, "other keys: what the choices are"),
    ]

    static let globalBindings: [KeyBinding] = [
        KeyBinding([.tab], .focusNext, .global, "next pane", bar: true),
        KeyBinding([.backTab], .focusPrevious, .global, "previous pane"),
        KeyBinding([.character("1")], .focusModels, .global, "Models"),
        KeyBinding([.character("2")], .focusRunning, .global, "Running"),
        KeyBinding([.character("3")], .focusPulls, .global, "Pulls"),
        KeyBinding([.character("4")], .focusChat, .global, "Chat"),
        KeyBinding([.character("5")], .focusHosts, .global, "Hosts (with several)"),
        KeyBinding([.character("p"), .control("p")], .pull, .global, "pull", bar: true),
        KeyBinding([.character("r"), .function(5)], .refresh, .global, "refresh / retry now"),
        KeyBinding([.character("d"), .function(6)], .demo, .global, "demo (when offline) / back"),
        KeyBinding([.character("?"), .function(1)], .help, .global, "help", bar: true),
        KeyBinding([.character("q"), .control("q")], .quit, .global, "quit", bar: true),
        KeyBinding([.control("c")], .forceQuit, .global, "quit now"),
        KeyBinding([.character("q"), .control("q"), .control("c")], .forceQuit, .tooSmall, "quit"),
    ]

    static let fieldBindings: [KeyBinding] = [
        KeyBinding(patterns: [.printable], .type, .textInput, "type or paste"),
        KeyBinding([.left, .right], .edit, .textInput, "move in the text"),
        KeyBinding([.home, .control("a")], .edit, .textInput, "start of line"),
        KeyBinding([.end, .control("e")], .edit, .textInput, "end of line"),
        KeyBinding([.backspace, .delete], .edit, .textInput, "delete"),
        KeyBinding([.control("w")], .edit, .textInput, "delete word"),
        KeyBinding([.control("u"), .control("k")], .edit, .textInput, "delete to start / end"),
        KeyBinding([.enter], .submit, .filterInput, "done", bar: true),
        KeyBinding([.escape], .cancel, .filterInput, "clear", bar: true),
        KeyBinding([.up], .moveUp, .filterInput, "done, up"),
        KeyBinding([.down], .moveDown, .filterInput, "done, down"),
        KeyBinding([.pageUp], .pageUp, .filterInput, "done, page up"),
        KeyBinding([.pageDown], .pageDown, .filterInput, "done, page down"),
    ]

    static let overlayBindings: [KeyBinding] = [
        KeyBinding([.escape, .character("q"), .character("?"), .function(1)], .cancel, .overlay(.help), "close", bar: true),
        KeyBinding([.up, .character("k")], .moveUp, .overlay(.help), "up", bar: true),
        KeyBinding([.down, .character("j")], .moveDown, .overlay(.help), "down", bar: true),
        KeyBinding([.pageUp], .pageUp, .overlay(.help), "page up", bar: true),
        KeyBinding([.pageDown, .character(" ")], .pageDown, .overlay(.help), "page down", bar: true),
        KeyBinding([.home, .character("g")], .moveTop, .overlay(.help), "top"),
        KeyBinding([.end, .character("G")], .moveBottom, .overlay(.help), "bottom"),
        KeyBinding([.character("/")], .search, .overlay(.help), "search", bar: true),
        KeyBinding([.character("n")], .nextMatch, .overlay(.help), "next match"),
        KeyBinding([.enter], .submit, .overlay(.helpSearch), "done", bar: true),
        KeyBinding([.escape], .cancel, .overlay(.helpSearch), "clear search", bar: true),

        KeyBinding([.character("y"), .character("Y")], .confirm, .overlay(.confirm), "yes", bar: true),
        KeyBinding(patterns: [.anyKey], .decline, .overlay(.confirm), "no (the default)", bar: true),

        KeyBinding([.enter], .submit, .overlay(.prompt), "ok", bar: true),
        KeyBinding([.escape], .cancel, .overlay(.prompt), "cancel", bar: true),

        KeyBinding([.enter], .submit, .overlay(.pullPrompt), "pull", bar: true),
        KeyBinding([.tab], .nextField, .overlay(.pullPrompt), "next host", bar: true),
        KeyBinding([.backTab], .previousField, .overlay(.pullPrompt), "previous host"),
        KeyBinding([.escape], .cancel, .overlay(.pullPrompt), "cancel", bar: true),

        KeyBinding([.tab, .down], .nextField, .overlay(.createForm), "next field", bar: true),
        KeyBinding([.backTab, .up], .previousField, .overlay(.createForm), "previous field"),
        KeyBinding([.enter], .submit, .overlay(.createForm), "create", bar: true),
        KeyBinding([.escape], .cancel, .overlay(.createForm), "cancel", bar: true),

        KeyBinding([.up, .character("k")], .moveUp, .overlay(.details), "up"),
        KeyBinding([.down, .character("j")], .moveDown, .overlay(.details), "down"),
        KeyBinding([.pageUp], .pageUp, .overlay(.details), "page up", bar: true),
        KeyBinding([.pageDown, .character(" ")], .pageDown, .overlay(.details), "page down", bar: true),
        KeyBinding([.home, .character("g")], .moveTop, .overlay(.details), "top"),
        KeyBinding([.end, .character("G")], .moveBottom, .overlay(.details), "bottom"),
        KeyBinding([.character("/")], .search, .overlay(.details), "search", bar: true),
        KeyBinding([.character("n")], .nextMatch, .overlay(.details), "next match", bar: true),
        KeyBinding([.escape, .character("q"), .character("i")], .cancel, .overlay(.details), "close", bar: true),
        KeyBinding([.enter], .submit, .overlay(.detailsSearch), "done", bar: true),
        KeyBinding([.escape], .cancel, .overlay(.detailsSearch), "clear search", bar: true),

        KeyBinding([.up, .character("k")], .moveUp, .overlay(.sessions), "up"),
        KeyBinding([.down, .character("j")], .moveDown, .overlay(.sessions), "down"),
        KeyBinding([.pageUp], .pageUp, .overlay(.sessions), "page up"),
        KeyBinding([.pageDown], .pageDown, .overlay(.sessions), "page down"),
        KeyBinding([.enter], .submit, .overlay(.sessions), "open", bar: true),
        KeyBinding([.character("/")], .search, .overlay(.sessions), "search all chats", bar: true),
        KeyBinding([.character("r")], .renameSession, .overlay(.sessions), "rename", bar: true),
        KeyBinding([.character("D"), .delete], .deleteSession, .overlay(.sessions), "delete", bar: true),
        KeyBinding([.escape, .character("q"), .control("s"), .function(2)], .cancel, .overlay(.sessions), "close", bar: true),
        KeyBinding([.enter, .down], .submit, .overlay(.sessionsSearch), "to the results", bar: true),
        KeyBinding([.escape], .cancel, .overlay(.sessionsSearch), "clear search", bar: true),
        KeyBinding([.enter], .submit, .overlay(.sessionsRename), "rename", bar: true),
        KeyBinding([.escape], .cancel, .overlay(.sessionsRename), "cancel", bar: true),

        KeyBinding([.up, .character("k")], .moveUp, .overlay(.tools), "up"),
        KeyBinding([.down, .character("j")], .moveDown, .overlay(.tools), "down"),
        KeyBinding([.character(" "), .enter], .toggleTool, .overlay(.tools), "tool off/on", bar: true),
        KeyBinding([.character("r")], .restartToolServer, .overlay(.tools), "start/restart server", bar: true),
        KeyBinding([.escape, .character("q"), .function(4)], .cancel, .overlay(.tools), "close", bar: true),
    ]

    /// The table grouped by context, in table order (the table is constant; this is its index).
    static let byContext: [KeyContext: [KeyBinding]] = Dictionary(grouping: bindings, by: \.context)
    static let forceQuit = bindings.first { $0.action == .forceQuit }

    /// The binding a key triggers in a stack of contexts: the first context that binds it wins.
    /// Ctrl-C quits from everywhere.
    public static func binding(for key: Key, in contexts: [KeyContext]) -> KeyBinding? {
        if key == .control("c") { return forceQuit }
        for context in contexts {
            // A specific key before a pattern: in a text field Home edits, in a confirmation Y confirms.
            let own = byContext[context] ?? []
            if let exact = own.first(where: { $0.keys.contains(.key(key)) }) { return exact }
            if let pattern = own.first(where: { binding in binding.keys.contains { $0 != .key(key) && $0.matches(key) } }) {
                return pattern
            }
        }
        return nil
    }

    public static func action(for key: Key, in contexts: [KeyContext]) -> Action? {
        binding(for: key, in: contexts)?.action
    }

    /// Every stack ``keyContexts(_:)`` can return: the panes (with the chat prompt), the filter, the
    /// too-small screen, and each overlay (with its text field where it has one).
    public static let knownStacks: [[KeyContext]] = Pane.allCases.map { pane in
        pane == .chat ? [.pane(.chat), .textInput, .global] : [.pane(pane), .global]
    } + [[.toolApproval, .pane(.chat), .global], [.filterInput, .textInput], [.tooSmall]] + OverlayContext.allCases.map { overlay in
        switch overlay {
        case .help, .confirm, .details, .sessions, .tools: return [.overlay(overlay)]
        default: return [.overlay(overlay), .textInput]
        }
    }

    /// ``effective(in:)`` worked out once for each known stack: the help bar asks every frame.
    static let effectiveByStack: [[KeyContext]: [KeyBinding]] = Dictionary(
        uniqueKeysWithValues: knownStacks.map { ($0, computeEffective(in: $0)) })

    /// The bindings of the contexts, each with only the keys that really trigger it there (a key
    /// an earlier context takes is left out; a binding with none left is dropped).
    public static func effective(in contexts: [KeyContext]) -> [KeyBinding] {
        effectiveByStack[contexts] ?? computeEffective(in: contexts)
    }

    static func computeEffective(in contexts: [KeyContext]) -> [KeyBinding] {
        var shown: [KeyBinding] = []
        for context in contexts {
            for binding in byContext[context] ?? [] {
                var kept = binding
                kept.keys = binding.keys.filter { pattern in
                    guard case .key(let key) = pattern else { return true }
                    return Self.binding(for: key, in: contexts) == binding
                }
                if !kept.keys.isEmpty, !shown.contains(where: { $0.action == kept.action && $0.keys == kept.keys }) {
                    shown.append(kept)
                }
            }
        }
        return shown
    }

    /// The help bar: the effective bindings marked for it.
    public static func helpBar(in contexts: [KeyContext]) -> [KeyBinding] {
        effective(in: contexts).filter(\.inHelpBar)
    }

    /// The label of the first key that triggers `action` in these contexts (for hints on screen,
    /// such as the offline banner's retry key), or nil when no key does.
    public static func label(for action: Action, in contexts: [KeyContext]) -> String? {
        for binding in effective(in: contexts) where binding.action == action {
            if let first = binding.keys.first { return first.label }
        }
        return nil
    }
}
