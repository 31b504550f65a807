#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore
import OllamaKit
import TermUI

/// Draws the whole dashboard for a state. Pure: the same state gives the same cells.
public enum DashboardView {
    /// A frame: the cells and where the terminal cursor goes (nil hides it).
    public struct Frame: Sendable, Equatable {
        public var buffer: CellBuffer
        public var cursor: Cursor?
        /// Chat panes scrolled back whose scroll position the drawing had to settle (held at the
        /// top, or kept still while the reply below grew); the loop folds them into the state.
        public var scrollReports: [ChatScrollReport] = []
    }

    public struct Cursor: Sendable, Equatable {
        public var x: Int
        public var y: Int
    }

    /// Draws the state; `caches` keeps what earlier frames drew (pass the same one frame after frame:
    /// a fresh one draws the same cells, from scratch).
    public static func render(_ state: AppState, caches: RenderCaches = RenderCaches()) -> Frame {
        var buffer = CellBuffer(width: state.width, height: state.height)
        let showBanner = Self.showsBanner(state)
        let layout = DashboardLayout.compute(width: state.width, height: state.height, focus: state.focus, banner: showBanner,
                                             hostRows: hostRows(state))
        if layout.mode == .tooSmall {
            drawTooSmall(&buffer, state)
            return Frame(buffer: buffer, cursor: nil)
        }
        var cursor: Cursor?
        var reports: [ChatScrollReport] = []
        StatusLineView.draw(&buffer, layout.status, state)
        if let banner = layout.banner { StatusLineView.drawBanner(&buffer, banner, state) }
        if let tabBar = layout.tabBar { drawTabs(&buffer, tabBar, state) }
        for (pane, rect) in layout.panes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let focused = pane == state.focus
            switch pane {
            case .models:
                if let c = ModelsView.draw(&buffer, rect, state, focused: focused), focused { cursor = c }
            case .running: RunningView.draw(&buffer, rect, state, focused: focused)
            case .pulls: PullsView.draw(&buffer, rect, state, focused: focused)
            case .chat:
                if let c = ChatView.draw(&buffer, rect, state, focused: focused, reports: &reports, caches: caches), focused { cursor = c }
            case .hosts: HostsView.draw(&buffer, rect, state, focused: focused)
            }
        }
        HelpBarView.draw(&buffer, layout.helpBar, state)
        if let overlay = state.overlay {
            cursor = OverlayView.draw(&buffer, overlay, state)
        }
        return Frame(buffer: buffer, cursor: cursor, scrollReports: reports)
    }

    /// The banner line shows while a server is unreachable, or answers oddly.
    static func showsBanner(_ state: AppState) -> Bool { bannerHost(state) != nil }

    /// The rows the Hosts pane wants, with a fleet.
    static func hostRows(_ state: AppState) -> Int? { state.isFleet ? HostsView.wantedHeight(state) : nil }

    /// The next frame when nothing but chat replies changed since `previous` was drawn (stream
    /// chunks): `previous` with only the chat pane drawn again, the same cells `render` would give
    /// at a fraction of the work. Nil when that cannot be known to hold (an overlay, the offline
    /// banner, a different size or layout); draw the whole frame then. Text that follows the clock
    /// elsewhere (the clock, countdowns) moves on with the next whole frame, at the latest the
    /// once-a-second tick.
    public static func renderChatOnly(_ state: AppState, over previous: Frame, caches: RenderCaches) -> Frame? {
        guard state.overlay == nil, previous.buffer.width == state.width, previous.buffer.height == state.height else {
            return nil
        }
        if showsBanner(state) { return nil }  // the banner counts down the retry
        let layout = DashboardLayout.compute(width: state.width, height: state.height, focus: state.focus, banner: false,
                                             hostRows: hostRows(state))
        guard layout.mode != .tooSmall, let rect = layout.panes[.chat] else { return nil }
        var buffer = previous.buffer
        let focused = state.focus == .chat
        var reports: [ChatScrollReport] = []
        let cursor = ChatView.draw(&buffer, rect, state, focused: focused, reports: &reports, caches: caches)
        return Frame(buffer: buffer, cursor: focused ? cursor : previous.cursor, scrollReports: reports)
    }

    static func drawTooSmall(_ buffer: inout CellBuffer, _ state: AppState) {
        let lines = [
            "terminal too small",
            "\(state.width)×\(state.height), need \(DashboardLayout.minimumWidth)×\(DashboardLayout.minimumHeight)",
            "\(Keymap.label(for: .forceQuit, in: [.tooSmall]) ?? "^C") quits",
        ]
        let top = max(0, (state.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < state.height {
            let text = DisplayWidth.truncate(line, toWidth: state.width)
            let x = max(0, (state.width - DisplayWidth.width(of: text)) / 2)
            buffer.put(text, x: x, y: top + i, style: i == 0 ? Style(.warning, [.bold]) : Style(.dim))
        }
    }

    static func drawTabs(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState) {
        var x = rect.x
        for pane in Pane.shown(fleet: state.isFleet) {
            let label = " \(pane.rawValue + 1) \(pane.title) "
            let style = pane == state.focus ? Style(.selection, [.bold]) : Style(.dim)
            x = buffer.put(label, x: x, y: rect.y, style: style, maxX: rect.maxX)
            x = buffer.put(" ", x: x, y: rect.y, maxX: rect.maxX)
        }
    }
}

/// The top status line and the offline banner.
enum StatusLineView {
    static func draw(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState) {
        let style = Style(.statusBar)
        buffer.fill(rect, style: style)
        let connection: (String, ColorRole)
        if state.isFleet {
            let online = state.hosts.filter(\.connection.isOnline).count
            connection = ("● \(online)/\(state.hosts.count) online", online == state.hosts.count ? .good : (online == 0 ? .error : .warning))
        } else {
            switch state.primary.connection {
            case .connecting: connection = ("◌ connecting", .warning)
            case .online(let version): connection = ("● online v\(version)", .good)
            case .offline: connection = ("✗ offline", .error)
            }
        }
        var x = buffer.put(" ollama-deck ", x: rect.x, y: rect.y, style: Style(.statusBar, [.bold]), maxX: rect.maxX)
        let clock = " " + Format.clock(state.wallNow, utcOffsetSeconds: state.utcOffsetSeconds) + " "
        let right = rect.maxX - DisplayWidth.width(of: clock)
        var demo = state.isDemo ? " demo" : ""
        if state.demoReturnHost != nil, let key = Keymap.label(for: .demo, in: keyContexts(state)) { demo += " (\(key) back)" }
        let hosts = state.isFleet ? "\(state.hosts.count) hosts" : state.primary.url
        x = buffer.put("│ " + hosts + demo + " ", x: x, y: rect.y, style: style, maxX: right)
        x = buffer.put("│ ", x: x, y: rect.y, style: style, maxX: right)
        x = buffer.put(connection.0 + " ", x: x, y: rect.y, style: Style(connection.1, [.bold]), maxX: right)
        if let notice = state.notice {
            buffer.put("│ " + notice, x: x, y: rect.y, style: Style(.warning), maxX: right)
        }
        if right > x { buffer.put(clock, x: right, y: rect.y, style: style) }
    }

    static func drawBanner(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState) {
        guard let host = bannerHost(state) else { return }
        // With several hosts the banner names the host (and how many more are down).
        let name = state.isFleet ? host.name : host.url
        guard case .offline(let reason, let retryAt) = host.connection else {
            if let problem = host.serverProblem {
                buffer.fill(rect, style: Style(.banner))
                let who = state.isFleet ? "\(host.name) answered" : "server answered"
                buffer.put(" ⚠ \(who), but \(problem)", x: rect.x, y: rect.y, style: Style(.banner, [.bold]), maxX: rect.maxX)
            }
            return
        }
        buffer.fill(rect, style: Style(.banner))
        let seconds = max(0, Int(retryAt.timeIntervalSince(state.now).rounded(.up)))
        // The keys named are the ones that work where the user is (F5 in the chat prompt, r elsewhere).
        let contexts = keyContexts(state)
        var text = " ✗ \(name) unreachable: \(reason) · retry in \(seconds)s"
        let othersDown = state.hosts.filter { if case .offline = $0.connection { return $0.name != host.name } else { return false } }.count
        if othersDown > 0 { text += " · \(othersDown) more host\(othersDown == 1 ? "" : "s") down" }
        if let retry = Keymap.label(for: .refresh, in: contexts) { text += " · \(retry) now" }
        if state.canOfferDemo && !state.isDemo, let demo = Keymap.label(for: .demo, in: contexts) { text += " · \(demo) demo" }
        buffer.put(text, x: rect.x, y: rect.y, style: Style(.banner, [.bold]), maxX: rect.maxX)
    }
}

/// The bottom line of keys: the bindings that work here, from the keymap (an overlay's own keys
/// while it is open).
enum HelpBarView {
    static func draw(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState) {
        buffer.fill(rect, style: Style(.helpText))
        let items = Keymap.helpBar(in: keyContexts(state)).map { ($0.keyLabel, $0.help) }
        var x = rect.x + 1
        for (key, help) in items {
            let width = DisplayWidth.width(of: key) + DisplayWidth.width(of: help) + 3
            if x + width > rect.maxX { break }
            x = buffer.put(key, x: x, y: rect.y, style: Style(.helpKey, [.bold]), maxX: rect.maxX)
            x = buffer.put(" " + help + "  ", x: x, y: rect.y, style: Style(.helpText), maxX: rect.maxX)
        }
    }
}
