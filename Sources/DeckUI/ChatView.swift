#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore
import OllamaKit
import TermUI

/// The chat pane: the transcript (wrapped to the pane, following the stream), stats and the prompt.
enum ChatView {
    /// One wrapped line of the transcript.
    struct Line {
        var text: String
        var style: Style
        var indent: Int = 0
    }

    static func draw(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, focused: Bool) -> DashboardView.Cursor? {
        let chat = state.chat
        var title = "4 Chat"
        if let model = chat.model { title += " · \(model)" }
        let inner = buffer.drawBox(rect, title: title, focused: focused, rightTitle: statusLabel(chat))
        guard inner.height >= 2, inner.width >= 4 else { return nil }
        let (transcriptRect, inputRect) = inner.splitBottom(1)

        if chat.model == nil && chat.entries.isEmpty {
            let hint = TextWrap.wrap("Pick a model: Enter on a row in Models (or Tab there), then type here and press Enter.",
                                     width: transcriptRect.width - 2)
            for (i, line) in hint.prefix(transcriptRect.height).enumerated() {
                buffer.put(line, x: transcriptRect.x + 1, y: transcriptRect.y + i, style: Style(.dim))
            }
        } else {
            let lines = transcriptLines(chat, width: transcriptRect.width, needed: transcriptRect.height + chat.scrollBack)
            let end = max(0, lines.count - chat.scrollBack)
            let start = max(0, end - transcriptRect.height)
            for (i, line) in lines[start..<end].enumerated() {
                buffer.put(line.text, x: transcriptRect.x + line.indent, y: transcriptRect.y + i, style: line.style,
                           maxX: transcriptRect.maxX)
            }
            if chat.scrollBack > 0 {
                let marker = " ↓ \(chat.scrollBack) more · End follows "
                buffer.put(marker, x: transcriptRect.maxX - DisplayWidth.width(of: marker), y: transcriptRect.maxY - 1,
                           style: Style(.accent, [.reverse]))
            }
        }

        let prompt = "› "
        let x = buffer.put(prompt, x: inputRect.x, y: inputRect.y, style: Style(.accent, [.bold]))
        let field = chat.input.visible(width: inputRect.maxX - x)
        if chat.input.isEmpty && !focused {
            buffer.put(chat.model == nil ? "" : "Tab here to type", x: x, y: inputRect.y, style: Style(.dim), maxX: inputRect.maxX)
        } else {
            buffer.put(field.text, x: x, y: inputRect.y, style: Style(.userText), maxX: inputRect.maxX)
        }
        return focused ? DashboardView.Cursor(x: x + field.cursorColumn, y: inputRect.y) : nil
    }

    static func statusLabel(_ chat: ChatPane) -> String {
        switch chat.status {
        case .idle: return ""
        case .waiting: return "loading model…"
        case .thinking: return "thinking…"
        case .streaming: return "streaming"
        case .done: return "done"
        case .stopped: return "stopped"
        case .failed: return "error"
        }
    }

    /// The transcript's last lines, wrapped to `width`: at least `needed` of them when there are
    /// that many (older entries are not wrapped at all).
    static func transcriptLines(_ chat: ChatPane, width: Int, needed: Int) -> [Line] {
        var blocks: [[Line]] = []
        var count = 0
        for (index, entry) in chat.entries.enumerated().reversed() {
            let lines = entryLines(entry, width: width, isLast: index == chat.entries.count - 1, chat: chat)
            blocks.append(lines)
            count += lines.count
            if count >= needed { break }
        }
        return blocks.reversed().flatMap { $0 }
    }

    static func entryLines(_ entry: ChatEntry, width: Int, isLast: Bool, chat: ChatPane) -> [Line] {
        var lines: [Line] = []
        let textWidth = max(1, width - 2)
        switch entry.role {
        case .user:
            for (i, line) in TextWrap.wrap(entry.content, width: textWidth).enumerated() {
                lines.append(Line(text: (i == 0 ? "› " : "  ") + line, style: Style(.userText, [.bold])))
            }
        case .notice, .system:
            for line in TextWrap.wrap(entry.content, width: width) { lines.append(Line(text: line, style: Style(.dim))) }
        case .assistant:
            if !entry.thinking.isEmpty {
                lines.append(Line(text: "thinking", style: Style(.thinking, [.italic, .bold])))
                for line in TextWrap.wrap(entry.thinking, width: textWidth) {
                    lines.append(Line(text: line, style: Style(.thinking, [.italic]), indent: 2))
                }
            }
            if entry.content.isEmpty && isLast && chat.isStreaming && entry.thinking.isEmpty {
                lines.append(Line(text: "…", style: Style(.dim)))
            }
            for line in TextWrap.wrap(entry.content, width: textWidth) where !entry.content.isEmpty {
                lines.append(Line(text: line, style: .normal, indent: 2))
            }
            if let interruption = entry.interruption {
                lines.append(Line(text: "⏹ " + interruption, style: Style(.warning), indent: 2))
            }
            if let metrics = entry.metrics, !metrics.isEmpty {
                var stats = "\(metrics.evalCount) tokens"
                if let rate = metrics.evalRate { stats += " · " + Format.tokensPerSecond(rate) }
                if isLast, let sent = chat.sentAt, let first = chat.firstTokenAt {
                    stats += " · first token " + Format.duration(nanoseconds: Int64(first.timeIntervalSince(sent) * 1e9))
                }
                lines.append(Line(text: stats, style: Style(.dim), indent: 2))
            }
        }
        lines.append(Line(text: "", style: .normal))
        return lines
    }
}

/// Help, quit confirmation and the pull prompt, drawn over the panes.
enum OverlayView {
    static func draw(_ buffer: inout CellBuffer, _ overlay: Overlay, _ state: AppState) -> DashboardView.Cursor? {
        switch overlay {
        case .help:
            drawHelp(&buffer, state)
            return nil
        case .confirmQuit:
            let rect = centered(width: 44, height: 5, in: buffer.bounds)
            let inner = buffer.drawBox(rect, title: "Quit?", focused: true)
            buffer.put("A reply or a pull is still running.", x: inner.x + 1, y: inner.y, maxX: inner.maxX)
            buffer.put("y quit   any other key stays (default)", x: inner.x + 1, y: inner.y + 2, style: Style(.dim), maxX: inner.maxX)
            return nil
        case .pullPrompt(let input, let error):
            let rect = centered(width: 56, height: 6, in: buffer.bounds)
            let inner = buffer.drawBox(rect, title: "Pull a model", focused: true)
            guard inner.height >= 3 else { return nil }
            buffer.put("name[:tag], e.g. llama3.2 or qwen3:8b", x: inner.x + 1, y: inner.y, style: Style(.dim), maxX: inner.maxX)
            let x = buffer.put("› ", x: inner.x + 1, y: inner.y + 1, style: Style(.accent, [.bold]))
            let field = input.visible(width: inner.maxX - x - 1)
            buffer.put(field.text, x: x, y: inner.y + 1, style: Style(.userText), maxX: inner.maxX)
            if let error {
                buffer.put(error, x: inner.x + 1, y: inner.y + 2, style: Style(.error), maxX: inner.maxX)
            } else {
                buffer.put("Enter pull   Esc cancel", x: inner.x + 1, y: inner.y + 2, style: Style(.dim), maxX: inner.maxX)
            }
            return DashboardView.Cursor(x: x + field.cursorColumn, y: inner.y + 1)
        }
    }

    static func centered(width: Int, height: Int, in bounds: Rect) -> Rect {
        let w = min(width, bounds.width)
        let h = min(height, bounds.height)
        return Rect(x: (bounds.width - w) / 2, y: (bounds.height - h) / 2, width: w, height: h)
    }

    static func drawHelp(_ buffer: inout CellBuffer, _ state: AppState) {
        var lines: [(String, String, Bool)] = []  // key, help, isHeading
        lines.append(("Everywhere", "", true))
        for binding in Keymap.bindings where binding.scope == .global { lines.append((binding.keyLabel, binding.help, false)) }
        for pane in Pane.allCases {
            let own = Keymap.bindings.filter { $0.scope == .pane(pane) }
            guard !own.isEmpty else { continue }
            lines.append((pane.title + (pane == .chat ? " (letters type into the prompt)" : ""), "", true))
            for binding in own { lines.append((binding.keyLabel, binding.help, false)) }
        }
        let rect = centered(width: 64, height: min(lines.count + 3, buffer.height), in: buffer.bounds)
        let inner = buffer.drawBox(rect, title: "Keys — any key closes", focused: true)
        let half = (lines.count + 1) / 2
        let columns = inner.columns(inner.height >= lines.count ? 1 : 2)
        for (i, line) in lines.enumerated() {
            let column = columns.count == 1 ? columns[0] : columns[i < half ? 0 : 1]
            let row = columns.count == 1 ? i : (i < half ? i : i - half)
            guard row < column.height else { continue }
            let y = column.y + row
            if line.2 {
                buffer.put(line.0, x: column.x + 1, y: y, style: Style(.title, [.bold]), maxX: column.maxX)
            } else {
                buffer.put(DisplayWidth.pad(line.0, toWidth: 12), x: column.x + 2, y: y, style: Style(.helpKey, [.bold]), maxX: column.maxX)
                buffer.put(line.1, x: column.x + 15, y: y, maxX: column.maxX)
            }
        }
    }
}
