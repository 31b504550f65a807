#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckUI
import TermCurses
import TermUI

/// What the loop needs from a screen: the real curses terminal, or a headless one in tests.
public protocol TerminalBackend: AnyObject {
    /// The fd to `poll` for key presses, or nil when keys arrive another way.
    var inputFD: Int32? { get }
    var size: (width: Int, height: Int) { get }
    func readKeys() -> [Key]
    func present(_ frame: DashboardView.Frame)
    func resize()
    func suspend()
    func resumeAfterSuspend()
    func restore()
    /// Writes an escape sequence of our own making (never text from a server) straight to the terminal.
    func writeControlSequence(_ sequence: String)
}

/// OSC 52: the terminal puts base64 text on the system clipboard (works over SSH).
public enum OSC52 {
    public static func sequence(for text: String) -> String {
        "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }
}

extension CursesTerminal: TerminalBackend {
    public var inputFD: Int32? { 0 }

    public func present(_ frame: DashboardView.Frame) {
        present(frame.buffer, cursor: frame.cursor.map { (x: $0.x, y: $0.y) })
    }
}

/// A screen in memory: tests set its size and read the last frame.
public final class HeadlessTerminal: TerminalBackend, @unchecked Sendable {
    public var size: (width: Int, height: Int)
    public private(set) var lastFrame: DashboardView.Frame?
    public private(set) var frameCount = 0
    public private(set) var restored = false

    public init(width: Int, height: Int) { size = (width, height) }

    public var inputFD: Int32? { nil }
    public func readKeys() -> [Key] { [] }
    public func present(_ frame: DashboardView.Frame) {
        lastFrame = frame
        frameCount += 1
    }
    public func resize() {}
    public func suspend() {}
    public func resumeAfterSuspend() {}
    public func restore() { restored = true }
    public private(set) var controlSequences: [String] = []
    public func writeControlSequence(_ sequence: String) { controlSequences.append(sequence) }
}
