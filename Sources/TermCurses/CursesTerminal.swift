import CNcursesw
import CTermGuard
import TermUI

#if canImport(Glibc)
import Glibc
#endif

/// Why the screen could not start.
public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case unsupportedTerminal(String)

    public var description: String {
        switch self {
        case .notATerminal: return "ollama-deck needs a terminal: standard input and output must be a tty"
        case .unsupportedTerminal(let term):
            return "the terminal type \"\(term)\" cannot draw the dashboard; set TERM (for example xterm-256color)"
        }
    }
}

/// The ncurses screen: setup and restore, key decoding, and copying changed cells to the terminal.
/// Every call must come from the one UI thread.
public final class CursesTerminal {
    private var screen: OpaquePointer?
    private var window: UnsafeMutablePointer<WINDOW>?
    private var theme: Theme
    private var previous: CellBuffer?
    private var active = false
    private var keyDecoder = KeyDecoder()

    /// Starts curses on the controlling terminal. `useColor` false gives the monochrome theme.
    public init(useColor: Bool) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw TerminalError.notATerminal }
        let term = String(cString: getenv("TERM") ?? strdup(""))
        if term.isEmpty || term == "dumb" { throw TerminalError.unsupportedTerminal(term.isEmpty ? "(unset)" : term) }
        _ = ctg_save_terminal(0)
        let output = fdopen(1, "w")
        let input = fdopen(0, "r")
        guard let screen = newterm(term, output, input) else { throw TerminalError.unsupportedTerminal(term) }
        self.screen = screen
        set_term(screen)
        let window = cn_stdscr()
        self.window = window
        raw()
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        set_escdelay(25)
        // No typeahead checks in the middle of an update: curses would poll the keyboard twice per
        // frame and flush its output in pieces at each check. Keys are read after every frame anyway.
        typeahead(-1)
        curs_set(0)
        let colorOK = useColor && has_colors()
        if colorOK {
            start_color()
            use_default_colors()
        }
        theme = Theme.install(useColor: colorOK)
        active = true
        writeRaw("\u{1B}[?2004h")  // bracketed paste on
    }

    /// The terminal's current size in cells (rows from the tty driver, as curses may lag behind).
    public var size: (width: Int, height: Int) {
        var rows: Int32 = 0
        var cols: Int32 = 0
        cn_tty_size(1, &rows, &cols)
        if rows <= 0 || cols <= 0 { return (Int(getmaxx(window)), Int(getmaxy(window))) }
        return (Int(cols), Int(rows))
    }

    /// Tells curses about a new size (after SIGWINCH) and forces a full repaint.
    public func resize() {
        let (width, height) = size
        resizeterm(Int32(height), Int32(width))
        previous = nil
    }

    /// Copies the cells that changed since the last frame and places the cursor; one `doupdate`.
    public func present(_ buffer: CellBuffer, cursor: (x: Int, y: Int)?) {
        guard active, let window else { return }
        let changed = buffer.changedCells(since: previous)
        var cell = cchar_t()
        var wide: [wchar_t] = []
        for position in changed {
            let item = buffer[position.x, position.y]
            if item.isContinuation { continue }
            wide.removeAll(keepingCapacity: true)
            if let scalar = item.singleScalar {
                wide.append(wchar_t(bitPattern: scalar.value))
            } else {
                for scalar in item.grapheme.unicodeScalars.prefix(4) { wide.append(wchar_t(bitPattern: scalar.value)) }
            }
            wide.append(0)
            let (pair, attributes) = theme.resolve(item.style)
            _ = wide.withUnsafeBufferPointer { setcchar(&cell, $0.baseAddress, attributes, pair, nil) }
            mvwadd_wch(window, Int32(position.y), Int32(position.x), &cell)
        }
        previous = buffer
        if let cursor, cursor.x >= 0, cursor.y >= 0, cursor.x < buffer.width, cursor.y < buffer.height {
            wmove(window, Int32(cursor.y), Int32(cursor.x))
            curs_set(1)
        } else {
            curs_set(0)
        }
        wnoutrefresh(window)
        doupdate()
    }

    /// A paste whose end marker has not come after this long with no input is ended as it is, so
    /// a terminal that drops the marker cannot swallow every later key.
    static let pasteSilenceLimit: Duration = .seconds(2)
    private var lastPasteInput: ContinuousClock.Instant?

    /// Reads every key waiting (curses may hold keys that `poll` does not see). Never blocks.
    public func readKeys() -> [Key] {
        guard active, let window else { return [] }
        var keys: [Key] = []
        var value: wint_t = 0
        while true {
            let result = wget_wch(window, &value)
            if result == ERR { break }
            if keyDecoder.isInsidePaste { lastPasteInput = ContinuousClock.now }
            if result == KEY_CODE_YES {
                if let key = Self.decodeFunctionKey(Int32(value)) { keys.append(key) }
                continue
            }
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            keys += keyDecoder.feed(Character(scalar))
        }
        return keys + keyDecoder.flush() + abandonSilentPaste()
    }

    /// Ends a paste that has had no input for ``pasteSilenceLimit``.
    private func abandonSilentPaste() -> [Key] {
        guard keyDecoder.isInsidePaste else {
            lastPasteInput = nil
            return []
        }
        let now = ContinuousClock.now
        guard let last = lastPasteInput else {
            lastPasteInput = now
            return []
        }
        guard now - last > Self.pasteSilenceLimit else { return [] }
        lastPasteInput = nil
        return keyDecoder.abandonPaste()
    }

    static func decodeFunctionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        // Some terminfo entries name Home and End "find" and "select" (VT220 keypads), or the
        // keypad's corners.
        case KEY_HOME, KEY_FIND, KEY_A1: return .home
        case KEY_END, KEY_SELECT, KEY_C1, KEY_LL: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_RESIZE: return nil
        default:
            for n in 1...12 where code == cn_key_f(Int32(n)) { return .function(n) }
            return nil
        }
    }

    /// Leaves curses for a shell suspend (Ctrl-Z); ``resumeAfterSuspend()`` comes back.
    public func suspend() {
        guard active else { return }
        writeRaw("\u{1B}[?2004l")
        endwin()
    }

    /// Re-enters curses after `fg`, repainting everything.
    public func resumeAfterSuspend() {
        guard active, let window else { return }
        writeRaw("\u{1B}[?2004h")
        clearok(window, true)
        previous = nil
        wrefresh(window)
    }

    /// Restores the terminal: leaves curses, bracketed paste off, settings as they were.
    public func restore() {
        guard active else { return }
        active = false
        writeRaw("\u{1B}[?2004l")
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
        ctg_restore_terminal()
    }

    deinit { restore() }

    /// Writes an escape sequence of our own (such as OSC 52) straight to the terminal.
    public func writeControlSequence(_ sequence: String) { writeRaw(sequence) }

    private func writeRaw(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(1, &bytes, bytes.count)
    }
}

/// Installs the crash handlers that restore the terminal on a fatal signal.
public func installTerminalCrashGuard(message: String) {
    ctg_install_crash_handlers(message)
}
