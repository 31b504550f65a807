#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore
import OllamaKit
import TermUI

/// The Hosts pane (with more than one server): one row per host — state, version, models and
/// their disk, loaded models and their memory with the GPU share, tokens/s streaming now, the last
/// refresh's round trip — and sparklines of the last minutes of tokens/s and of loaded memory,
/// loads and evictions marked. Fleet totals in the title.
enum HostsView {
    /// Fixed columns, in the order drawn; the sparklines share what is left.
    struct Column {
        var title: String
        var width: Int
        var alignRight: Bool
        /// Columns with higher numbers go first when the pane is narrow (0 stays).
        var drop: Int
    }

    static func columns(_ state: AppState) -> [Column] {
        var widest = 4
        var widestURL = 3
        for host in state.hosts {
            widest = max(widest, DisplayWidth.width(of: host.name))
            widestURL = max(widestURL, DisplayWidth.width(of: shortURL(host.url)))
        }
        return [
            Column(title: "HOST", width: min(14, widest), alignRight: false, drop: 0),
            Column(title: "STATE", width: 10, alignRight: false, drop: 0),
            Column(title: "URL", width: min(28, widestURL), alignRight: false, drop: 5),
            Column(title: "VERSION", width: 8, alignRight: false, drop: 4),
            Column(title: "MODELS", width: 6, alignRight: true, drop: 0),
            Column(title: "DISK", width: 7, alignRight: true, drop: 3),
            Column(title: "LOADED", width: 6, alignRight: true, drop: 0),
            Column(title: "MEMORY", width: 16, alignRight: false, drop: 0),
            Column(title: "TOK/S", width: 6, alignRight: true, drop: 0),
            Column(title: "RTT", width: 6, alignRight: true, drop: 2),
        ]
    }

    /// The rows the pane wants: a header and one per host, inside its border.
    static func wantedHeight(_ state: AppState) -> Int { state.hosts.count + 3 }

    static func draw(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, focused: Bool) {
        let inner = buffer.drawBox(rect, title: title(state), focused: focused)
        guard inner.height >= 1, inner.width >= 10 else { return }
        // Drop columns until the fixed ones leave room for two sparklines of 6 cells (or none fit).
        var shown = columns(state)
        func fixedWidth() -> Int { shown.reduce(0) { $0 + $1.width + 1 } }
        while fixedWidth() + 14 > inner.width, let worst = shown.indices.max(by: { shown[$0].drop < shown[$1].drop }), shown[worst].drop > 0 {
            shown.remove(at: worst)
        }
        let sparkRoom = inner.width - fixedWidth()
        let sparkWidth = sparkRoom >= 14 ? (sparkRoom - 2) / 2 : 0
        var x = inner.x
        for column in shown {
            let text = column.alignRight ? DisplayWidth.pad(column.title, toWidth: column.width, alignRight: true) : column.title
            buffer.put(text, x: x, y: inner.y, style: Style(.dim, [.bold]), maxX: min(inner.maxX, x + column.width))
            x += column.width + 1
        }
        if sparkWidth > 0 {
            buffer.put("tok/s", x: x, y: inner.y, style: Style(.dim, [.bold]), maxX: x + sparkWidth)
            buffer.put("memory", x: x + sparkWidth + 1, y: inner.y, style: Style(.dim, [.bold]), maxX: inner.maxX)
        }
        let rowsRect = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
        let selected = state.hosts.firstIndex { $0.name == state.selectedHost } ?? 0
        // The header is drawn above: the window is for the host rows alone (tableWindow counts one).
        let window = CellBuffer.tableWindow(rowCount: state.hosts.count, height: rowsRect.height + 1, selected: focused ? selected : nil, scroll: 0)
        for (offset, index) in window.enumerated() {
            let host = state.hosts[index]
            let y = rowsRect.y + offset
            let isSelected = focused && index == selected
            if isSelected { buffer.fill(Rect(x: rowsRect.x, y: y, width: rowsRect.width, height: 1), style: Style(.selection)) }
            drawRow(&buffer, host, columns: shown, x: rowsRect.x, y: y, maxX: rowsRect.maxX, sparkWidth: sparkWidth,
                    selected: isSelected, state: state)
        }
        drawHiddenCounts(&buffer, rect, above: window.lowerBound, below: state.hosts.count - window.upperBound)
    }

    /// "5 Hosts (3 · 2 online · 14 models 52 GB · 3 loaded 18 GB · 42 tok/s)".
    static func title(_ state: AppState) -> String {
        var online = 0
        var models = 0
        var disk: Int64 = 0
        var loaded = 0
        var memory: Int64 = 0
        var tokens = 0.0
        for host in state.hosts {
            if host.connection.isOnline { online += 1 }
            models += host.models.count
            disk = Format.saturatingAdd(disk, host.diskTotal)
            loaded += host.running.count
            memory = Format.saturatingAdd(memory, host.memoryTotal)
            tokens += host.tokensPerSecond
        }
        var text = "5 Hosts (\(state.hosts.count) · \(online) online · \(models) models \(Format.bytes(disk)) · \(loaded) loaded \(Format.bytes(memory))"
        if tokens > 0 { text += " · \(Int(tokens.rounded())) tok/s" }
        return text + ")"
    }

    /// What the STATE column says, and in which colour.
    static func stateLabel(_ host: HostState) -> (String, ColorRole) {
        switch host.connection {
        case .offline: return ("✗ offline", .error)
        case .connecting: return host.modelsLoadedOnce ? ("◌ stale", .warning) : ("◌ connecting", .warning)
        case .online:
            if host.serverProblem != nil { return ("⚠ online", .warning) }
            if host.modelsStale || host.runningStale { return ("◌ stale", .warning) }
            return ("● online", .good)
        }
    }

    static func drawRow(
        _ buffer: inout CellBuffer, _ host: HostState, columns: [Column], x startX: Int, y: Int, maxX: Int, sparkWidth: Int,
        selected: Bool, state: AppState
    ) {
        let base = selected ? Style(.selection, [.bold]) : Style(.normal)
        let (label, role) = stateLabel(host)
        var x = startX
        for column in columns {
            var style = base
            let text: String
            switch column.title {
            case "HOST": text = host.name; style = selected ? base : Style(.normal, [.bold])
            case "STATE": text = label; style = selected ? base : Style(role, [.bold])
            case "URL": text = shortURL(host.url); style = selected ? base : Style(.dim)
            case "VERSION":
                if case .online(let version) = host.connection { text = version } else { text = "—" }
            case "MODELS": text = host.modelsLoadedOnce ? String(host.models.count) : "—"
            case "DISK": text = host.modelsLoadedOnce ? Format.bytes(host.diskTotal) : "—"
            case "LOADED": text = host.runningLoadedOnce ? String(host.running.count) : "—"
            case "MEMORY": text = memoryLabel(host)
            case "TOK/S": text = host.tokensPerSecond > 0 ? String(Int(host.tokensPerSecond.rounded())) : "·"
            case "RTT": text = host.roundTrip.map { "\(Int(($0 * 1000).rounded()))ms" } ?? "—"
            default: text = ""
            }
            let shown = DisplayWidth.truncate(text, toWidth: column.width, ellipsis: true)
            let padded = column.alignRight ? DisplayWidth.pad(shown, toWidth: column.width, alignRight: true) : shown
            buffer.put(padded, x: x, y: y, style: style, maxX: min(maxX, x + column.width))
            x += column.width + 1
        }
        guard x < maxX else { return }
        if case .offline(let reason, let retryAt) = host.connection {
            // Why, and when it is tried again, instead of flat sparklines.
            let seconds = max(0, Int(retryAt.timeIntervalSince(state.now).rounded(.up)))
            buffer.put("\(reason) · retry in \(seconds)s", x: x, y: y, style: selected ? base : Style(.error), maxX: maxX)
            return
        }
        if let problem = host.serverProblem, sparkWidth == 0 {
            buffer.put(problem, x: x, y: y, style: selected ? base : Style(.warning), maxX: maxX)
            return
        }
        guard sparkWidth > 0 else { return }
        let recent = Array(host.samples.suffix(sparkWidth))
        drawSparkline(&buffer, recent.map(\.tokensPerSecond), marks: recent, x: x, y: y, width: sparkWidth, markEvents: false)
        drawSparkline(&buffer, recent.map { Double($0.memory) }, marks: recent, x: x + sparkWidth + 1, y: y,
                      width: min(sparkWidth, maxX - x - sparkWidth - 1), markEvents: true)
    }

    /// The URL without `http://` (https stays: it is worth seeing). No credentials: `OllamaHost` drops them.
    static func shortURL(_ url: String) -> String {
        url.hasPrefix("http://") ? String(url.dropFirst(7)) : url
    }

    /// "18 GB 75% GPU", "4.1 GB CPU", or "—" when nothing is loaded.
    static func memoryLabel(_ host: HostState) -> String {
        let total = host.memoryTotal
        guard host.runningLoadedOnce, total > 0 else { return host.runningLoadedOnce ? "0 B" : "—" }
        let vram = host.vramTotal
        if vram >= total { return "\(Format.bytes(total)) GPU" }
        if vram <= 0 { return "\(Format.bytes(total)) CPU" }
        let gpu = Int((Double(vram) / Double(total) * 100).rounded())
        return "\(Format.bytes(total)) \(gpu)% GPU"
    }

    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// A sparkline of the values, right-aligned (newest at the right), scaled to their maximum; with
    /// `markEvents`, a sample where a model was loaded shows green and one where a model left shows
    /// in the warning colour.
    static func drawSparkline(
        _ buffer: inout CellBuffer, _ values: [Double], marks: [HostSample], x: Int, y: Int, width: Int, markEvents: Bool
    ) {
        guard width > 0 else { return }
        let top = values.max() ?? 0
        let start = x + width - values.count
        for (i, value) in values.enumerated() {
            let level = top > 0 ? min(blocks.count - 1, Int((value / top * Double(blocks.count - 1)).rounded())) : 0
            var role = ColorRole.accent
            if markEvents, marks[i].loaded { role = .good }
            if markEvents, marks[i].evicted { role = .warning }
            let glyph = value <= 0 ? "·" : String(blocks[level])
            buffer.put(glyph, x: start + i, y: y, style: Style(value <= 0 ? .dim : role), maxX: x + width)
        }
    }
}
