import TermUI

/// What a key does. One binding table drives dispatch, the help bar and the `?` overlay.
public enum Action: String, Sendable, Equatable, CaseIterable {
    case focusNext, focusPrevious, focusModels, focusRunning, focusPulls, focusChat
    case help, quit, forceQuit, refresh, pull, demo
    case moveUp, moveDown, pageUp, pageDown, moveTop, moveBottom
    case filter, clearFilter, cycleSort, reverseSort, chatWithModel
    case send, stop, clearChat
    case mark, delete, copy, rename, details, load, unload, keepAlive, create, push
    case cancelJob, restartJob, clearFinished
    case newPane, closePane, nextPane, toggleCompare, toggleThinking, regenerate, historyUp, historyDown, newline
    case copyReply, copyCode, sessions
}

/// Where a binding applies.
public enum BindingScope: Sendable, Equatable {
    case global
    case pane(Pane)
}

/// One key binding: its keys, what it does, where, and the words the help shows.
public struct KeyBinding: Sendable, Equatable {
    public var keys: [Key]
    public var action: Action
    public var scope: BindingScope
    public var help: String
    /// Shown in the bottom help bar (all bindings show in `?`).
    public var inHelpBar: Bool

    public var keyLabel: String { keys.map(\.description).joined(separator: "/") }
}

/// The dashboard's key bindings.
public enum Keymap {
    public static let bindings: [KeyBinding] = [
        // Models
        KeyBinding(keys: [.up, .character("k")], action: .moveUp, scope: .pane(.models), help: "up", inHelpBar: false),
        KeyBinding(keys: [.down, .character("j")], action: .moveDown, scope: .pane(.models), help: "down", inHelpBar: false),
        KeyBinding(keys: [.pageUp], action: .pageUp, scope: .pane(.models), help: "page up", inHelpBar: false),
        KeyBinding(keys: [.pageDown], action: .pageDown, scope: .pane(.models), help: "page down", inHelpBar: false),
        KeyBinding(keys: [.home, .character("g")], action: .moveTop, scope: .pane(.models), help: "first", inHelpBar: false),
        KeyBinding(keys: [.end, .character("G")], action: .moveBottom, scope: .pane(.models), help: "last", inHelpBar: false),
        KeyBinding(keys: [.enter], action: .chatWithModel, scope: .pane(.models), help: "chat", inHelpBar: true),
        KeyBinding(keys: [.character("/")], action: .filter, scope: .pane(.models), help: "filter", inHelpBar: true),
        KeyBinding(keys: [.escape], action: .clearFilter, scope: .pane(.models), help: "clear filter", inHelpBar: false),
        KeyBinding(keys: [.character("s")], action: .cycleSort, scope: .pane(.models), help: "sort", inHelpBar: true),
        KeyBinding(keys: [.character("S")], action: .reverseSort, scope: .pane(.models), help: "reverse", inHelpBar: false),
        KeyBinding(keys: [.character("i")], action: .details, scope: .pane(.models), help: "info", inHelpBar: true),
        KeyBinding(keys: [.character(" ")], action: .mark, scope: .pane(.models), help: "mark", inHelpBar: false),
        KeyBinding(keys: [.character("D"), .delete], action: .delete, scope: .pane(.models), help: "delete", inHelpBar: true),
        KeyBinding(keys: [.character("c")], action: .copy, scope: .pane(.models), help: "copy", inHelpBar: false),
        KeyBinding(keys: [.character("m")], action: .rename, scope: .pane(.models), help: "rename", inHelpBar: false),
        KeyBinding(keys: [.character("l")], action: .load, scope: .pane(.models), help: "load", inHelpBar: false),
        KeyBinding(keys: [.character("u")], action: .unload, scope: .pane(.models), help: "unload", inHelpBar: false),
        KeyBinding(keys: [.character("K")], action: .keepAlive, scope: .pane(.models), help: "keep-alive", inHelpBar: false),
        KeyBinding(keys: [.character("C")], action: .create, scope: .pane(.models), help: "create from", inHelpBar: false),
        KeyBinding(keys: [.character("P")], action: .push, scope: .pane(.models), help: "push", inHelpBar: false),
        // Running
        KeyBinding(keys: [.up, .character("k")], action: .moveUp, scope: .pane(.running), help: "up", inHelpBar: false),
        KeyBinding(keys: [.down, .character("j")], action: .moveDown, scope: .pane(.running), help: "down", inHelpBar: false),
        KeyBinding(keys: [.character("u")], action: .unload, scope: .pane(.running), help: "unload", inHelpBar: true),
        KeyBinding(keys: [.character("K")], action: .keepAlive, scope: .pane(.running), help: "keep-alive", inHelpBar: true),
        KeyBinding(keys: [.character("i")], action: .details, scope: .pane(.running), help: "info", inHelpBar: true),
        // Pulls
        KeyBinding(keys: [.up, .character("k")], action: .moveUp, scope: .pane(.pulls), help: "up", inHelpBar: false),
        KeyBinding(keys: [.down, .character("j")], action: .moveDown, scope: .pane(.pulls), help: "down", inHelpBar: false),
        KeyBinding(keys: [.character("x")], action: .cancelJob, scope: .pane(.pulls), help: "cancel", inHelpBar: true),
        KeyBinding(keys: [.character("R"), .enter], action: .restartJob, scope: .pane(.pulls), help: "restart/resume", inHelpBar: true),
        KeyBinding(keys: [.character("c")], action: .clearFinished, scope: .pane(.pulls), help: "clear finished", inHelpBar: true),
        // Chat (letters type into the prompt there)
        KeyBinding(keys: [.enter], action: .send, scope: .pane(.chat), help: "send", inHelpBar: true),
        KeyBinding(keys: [.escape], action: .stop, scope: .pane(.chat), help: "stop", inHelpBar: true),
        KeyBinding(keys: [.control("l")], action: .clearChat, scope: .pane(.chat), help: "clear chat", inHelpBar: false),
        KeyBinding(keys: [.control("n")], action: .newPane, scope: .pane(.chat), help: "new chat", inHelpBar: true),
        KeyBinding(keys: [.control("x")], action: .closePane, scope: .pane(.chat), help: "close pane", inHelpBar: false),
        KeyBinding(keys: [.control("o")], action: .nextPane, scope: .pane(.chat), help: "next chat", inHelpBar: true),
        KeyBinding(keys: [.control("g")], action: .toggleCompare, scope: .pane(.chat), help: "compare", inHelpBar: true),
        KeyBinding(keys: [.control("t")], action: .toggleThinking, scope: .pane(.chat), help: "fold thinking", inHelpBar: false),
        KeyBinding(keys: [.control("r")], action: .regenerate, scope: .pane(.chat), help: "regenerate", inHelpBar: false),
        KeyBinding(keys: [.control("j")], action: .newline, scope: .pane(.chat), help: "newline", inHelpBar: false),
        KeyBinding(keys: [.up], action: .historyUp, scope: .pane(.chat), help: "previous input", inHelpBar: false),
        KeyBinding(keys: [.down], action: .historyDown, scope: .pane(.chat), help: "next input", inHelpBar: false),
        KeyBinding(keys: [.control("s"), .function(2)], action: .sessions, scope: .pane(.chat), help: "saved chats", inHelpBar: true),
        KeyBinding(keys: [.control("y")], action: .copyReply, scope: .pane(.chat), help: "copy reply (OSC 52)", inHelpBar: false),
        KeyBinding(keys: [.control("b")], action: .copyCode, scope: .pane(.chat), help: "copy last code block", inHelpBar: false),
        KeyBinding(keys: [.pageUp], action: .pageUp, scope: .pane(.chat), help: "scroll up", inHelpBar: false),
        KeyBinding(keys: [.pageDown], action: .pageDown, scope: .pane(.chat), help: "scroll down", inHelpBar: false),
        KeyBinding(keys: [.end], action: .moveBottom, scope: .pane(.chat), help: "follow", inHelpBar: false),
        // Everywhere
        KeyBinding(keys: [.tab], action: .focusNext, scope: .global, help: "next pane", inHelpBar: true),
        KeyBinding(keys: [.backTab], action: .focusPrevious, scope: .global, help: "previous pane", inHelpBar: false),
        KeyBinding(keys: [.character("1")], action: .focusModels, scope: .global, help: "Models", inHelpBar: false),
        KeyBinding(keys: [.character("2")], action: .focusRunning, scope: .global, help: "Running", inHelpBar: false),
        KeyBinding(keys: [.character("3")], action: .focusPulls, scope: .global, help: "Pulls", inHelpBar: false),
        KeyBinding(keys: [.character("4")], action: .focusChat, scope: .global, help: "Chat", inHelpBar: false),
        KeyBinding(keys: [.character("p"), .control("p")], action: .pull, scope: .global, help: "pull", inHelpBar: true),
        KeyBinding(keys: [.character("r"), .control("r")], action: .refresh, scope: .global, help: "refresh", inHelpBar: false),
        KeyBinding(keys: [.character("d")], action: .demo, scope: .global, help: "demo (when offline)", inHelpBar: false),
        KeyBinding(keys: [.character("?"), .function(1)], action: .help, scope: .global, help: "help", inHelpBar: true),
        KeyBinding(keys: [.character("q"), .control("q")], action: .quit, scope: .global, help: "quit", inHelpBar: true),
        KeyBinding(keys: [.control("c")], action: .forceQuit, scope: .global, help: "quit now", inHelpBar: false),
    ]

    /// The action a key triggers in a pane: the pane's own bindings first, then the global ones.
    /// In the chat pane, printable characters type into the prompt, so only non-character keys
    /// reach the global bindings.
    public static func action(for key: Key, in pane: Pane) -> Action? {
        if let binding = bindings.first(where: { $0.scope == .pane(pane) && $0.keys.contains(key) }) {
            return binding.action
        }
        if pane == .chat, case .character = key { return nil }
        return bindings.first { $0.scope == .global && $0.keys.contains(key) }?.action
    }

    /// The bindings shown in the help bar for a pane: its own, then the global ones.
    public static func helpBar(for pane: Pane) -> [KeyBinding] {
        let own = bindings.filter { $0.scope == .pane(pane) && $0.inHelpBar }
        var global = bindings.filter { $0.scope == .global && $0.inHelpBar }
        if pane == .chat {
            // Letters type in the chat prompt; show the keys that still work there.
            global = global.map { binding in
                var shown = binding
                shown.keys = binding.keys.filter { if case .character = $0 { return false } else { return true } }
                return shown
            }.filter { !$0.keys.isEmpty }
        }
        return own + global
    }
}
