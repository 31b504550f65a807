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
    /// One wrapped line of the transcript: styled runs, indented.
    struct Line {
        var spans: [Span]
        var indent: Int = 0

        init(text: String, style: Style, indent: Int = 0) {
            self.spans = [Span(text: text, style: style)]
            self.indent = indent
        }

        init(spans: [Span], indent: Int) {
            self.spans = spans
            self.indent = indent
        }
    }

    /// Draws every chat pane: side by side when each gets 30 columns, else as tabs.
    static func draw(
        _ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, focused: Bool, reports: inout [ChatScrollReport],
        caches: RenderCaches
    ) -> DashboardView.Cursor? {
        let count = state.chats.count
        if count == 1 {
            return drawPane(&buffer, rect, state, index: 0, focused: focused, reports: &reports, caches: caches)
        }
        if rect.width / count >= 30 {
            var cursor: DashboardView.Cursor?
            for (index, column) in rect.columns(count).enumerated() {
                let isActive = index == state.activeChat
                if let c = drawPane(&buffer, column, state, index: index, focused: focused && isActive, reports: &reports, caches: caches), isActive {
                    cursor = c
                }
            }
            return cursor
        }
        let (tabs, body) = rect.splitTop(1)
        var x = tabs.x
        for (index, pane) in state.chats.enumerated() {
            let marker = pane.isStreaming ? "●" : " "
            var name = pane.model.map { String($0.split(separator: ":").first ?? "") } ?? "—"
            if state.isFleet, pane.model != nil { name += "@" + (pane.host ?? state.defaultHost) }
            let label = " \(index + 1) \(name)\(marker)"
            let style = index == state.activeChat ? Style(.selection, [.bold]) : Style(.dim)
            x = buffer.put(label, x: x, y: tabs.y, style: style, maxX: tabs.maxX)
        }
        return drawPane(&buffer, body, state, index: state.activeChat, focused: focused, reports: &reports, caches: caches)
    }

    static func drawPane(
        _ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, index: Int, focused: Bool,
        reports: inout [ChatScrollReport], caches: RenderCaches
    ) -> DashboardView.Cursor? {
        let chat = state.chats[index]
        var title = state.chats.count > 1 ? "4 Chat \(index + 1)/\(state.chats.count)" : "4 Chat"
        let host = state.host(named: chat.host ?? state.defaultHost)
        let loaded = chat.model.flatMap { model in host?.running.first { $0.name == model } }
        let status = statusLabel(chat, now: state.now, modelLoaded: loaded != nil)
        if !status.isEmpty { title += " [\(status)]" }
        if let model = chat.model {
            // A pane is bound to a model on a host: with several hosts the title says which.
            title += " · \(model)"
            if state.isFleet { title += "@" + (chat.host ?? state.defaultHost) }
            if host?.cloudModels.contains(model) == true { title += " ☁ cloud" }
        }
        if let use = contextUse(state, pane: index) {
            // Past 90 % the server will soon drop the oldest messages: marked here, said in the pane.
            let percent = use.used * 100 / use.size
            title += " · ctx \(Format.count(use.used))/\(Format.count(use.size)) \(percent)%"
            if percent >= 90 || use.truncated { title += " ⚠" }
            if use.truncated { title += " cut" }
        }
        if let think = chat.thinkTitle { title += " · " + think }
        let inner = buffer.drawBox(rect, title: title, focused: focused, rightTitle: state.compareMode ? "compare" : "")
        guard inner.height >= 2, inner.width >= 4 else { return nil }
        let pendingRows = min(chat.pendingImages.count, max(0, inner.height - 3))
        // The prompt grows to five lines as it wraps (Chinese wraps by cells), then scrolls.
        let promptWidth = max(1, inner.width - 2)
        let wrappedInput = chat.input.wrapped(width: promptWidth)
        let inputRows = min(5, wrappedInput.lines.count, max(1, inner.height - 2))
        let (upper, inputRect) = inner.splitBottom(inputRows)
        let (transcriptRect, pendingRect) = upper.splitBottom(pendingRows)

        if chat.model == nil && chat.entries.isEmpty {
            let hint = TextWrap.wrap("Pick a model: Enter on a row in Models (or /model NAME here), then type and press Enter. /help lists commands.",
                                     width: transcriptRect.width - 2)
            for (i, line) in hint.prefix(transcriptRect.height).enumerated() {
                buffer.put(line, x: transcriptRect.x + 1, y: transcriptRect.y + i, style: Style(.dim))
            }
        } else {
            let lines: [Line]
            var start: Int
            var end: Int
            var scrollBack = chat.scrollBack
            if let jump = chat.jumpToEntry {
                // A search hit: show the transcript from that entry on.
                var all: [Line] = []
                var jumpLine = 0
                for (index, entry) in chat.entries.enumerated() {
                    if index == jump { jumpLine = all.count }
                    all += entryLines(entry, width: transcriptRect.width, isLast: index == chat.entries.count - 1, chat: chat, caches: caches)
                }
                lines = all
                start = min(jumpLine, max(0, all.count - transcriptRect.height))
                end = min(all.count, start + transcriptRect.height)
            } else if let paged = pagedTranscript(chat, width: transcriptRect.width, height: transcriptRect.height, caches: caches) {
                lines = paged
                start = 0
                end = paged.count
            } else {
                let settled = settledScrollBack(chat, width: transcriptRect.width, height: transcriptRect.height, caches: caches)
                scrollBack = settled.scrollBack
                lines = settled.lines
                end = max(0, lines.count - scrollBack)
                start = max(0, end - transcriptRect.height)
                if settled.scrollBack != chat.scrollBack || settled.replyLines != chat.scrollAnchorLines {
                    reports.append(ChatScrollReport(pane: chat.id, scrollBack: settled.scrollBack, replyLines: settled.replyLines))
                }
            }
            for (i, line) in lines[start..<end].enumerated() {
                var x = transcriptRect.x + line.indent
                for span in line.spans {
                    x = buffer.put(span.text, x: x, y: transcriptRect.y + i, style: span.style, maxX: transcriptRect.maxX)
                }
            }
            if scrollBack > 0 {
                let marker = " ↓ \(scrollBack) more · End follows "
                buffer.put(marker, x: max(transcriptRect.x, transcriptRect.maxX - DisplayWidth.width(of: marker)),
                           y: transcriptRect.maxY - 1, style: Style(.accent, [.reverse]), maxX: transcriptRect.maxX)
            }
        }
        for (i, image) in chat.pendingImages.suffix(pendingRows).enumerated() {
            buffer.put("🖼 " + image.label, x: pendingRect.x, y: pendingRect.y + i, style: Style(.accent), maxX: pendingRect.maxX)
        }

        let x = buffer.put("› ", x: inputRect.x, y: inputRect.y, style: Style(.accent, [.bold]))
        if chat.input.isEmpty && !focused {
            buffer.put(chat.model == nil ? "" : "Tab here to type", x: x, y: inputRect.y, style: Style(.dim), maxX: inputRect.maxX)
            return nil
        }
        let firstShown = max(0, min(wrappedInput.cursorLine - inputRows + 1, wrappedInput.lines.count - inputRows))
        for (row, line) in wrappedInput.lines.dropFirst(firstShown).prefix(inputRows).enumerated() {
            buffer.put(line, x: x, y: inputRect.y + row, style: Style(.userText), maxX: inputRect.maxX)
        }
        let cursor = DashboardView.Cursor(x: x + wrappedInput.cursorColumn, y: inputRect.y + wrappedInput.cursorLine - firstShown)
        return focused ? cursor : nil
    }

    /// Where a scrolled-back pane really is: never past the top (four PgUps on a short chat show
    /// its first line, not an empty pane), and still while the reply below it grows (the lines
    /// the reply gained since the last frame are added to the distance from the bottom). Returns
    /// the lines to show from, and the reply's line count to compare with next time (nil when the
    /// reply is too long to count cheaply, or not at the bottom).
    static func settledScrollBack(_ chat: ChatPane, width: Int, height: Int, caches: RenderCaches) -> (lines: [Line], scrollBack: Int, replyLines: Int?) {
        guard chat.scrollBack > 0 else {
            return (transcriptLines(chat, width: width, needed: height, caches: caches), 0, nil)
        }
        var scrollBack = chat.scrollBack
        var replyLines: Int?
        if let last = chat.entries.last, last.role == .assistant,
            max(last.content.utf8.count, last.thinking.utf8.count) <= pagedReplyLimit
        {
            let count = cachedEntryLines(last, tailBytes: pagedReplyLimit, longest: 0, width: width, isLast: true, chat: chat, caches: caches).count
            if let anchor = chat.scrollAnchorLines, count > anchor { scrollBack += count - anchor }
            replyLines = count
        }
        let needed = height + scrollBack
        let lines = transcriptLines(chat, width: width, needed: needed, caches: caches)
        if lines.count < needed { scrollBack = min(scrollBack, max(0, lines.count - height)) }
        return (lines, scrollBack, scrollBack > 0 ? replyLines : nil)
    }

    /// The pane's state for its title. Waiting on a loaded model is the server reading the prompt:
    /// said with a running timer, so a long prompt is not a silent wait.
    static func statusLabel(_ chat: ChatPane, now: Date, modelLoaded: Bool = false) -> String {
        switch chat.status {
        case .idle: return ""
        case .waiting:
            // A server that accepts and never answers: the wait is counted, and the way out shown.
            let waited = chat.sentAt.map { max(0, Int(now.timeIntervalSince($0))) } ?? 0
            if modelLoaded { return "reading prompt \(Format.elapsed(seconds: waited)) · Esc stops" }
            return waited < 2 ? "loading model…" : "waiting \(Format.elapsed(seconds: waited)) · Esc stops"
        case .thinking: return "thinking…"
        case .streaming: return "streaming"
        case .done: return "done"
        case .stopped: return "stopped"
        case .failed: return "error"
        case .awaitingApproval: return "tool call: y/a/n"
        case .runningTool:
            let waited = chat.sentAt.map { max(0, Int(now.timeIntervalSince($0))) } ?? 0
            return "running tool \(Format.elapsed(seconds: waited)) · Esc stops"
        }
    }

    /// Replies up to this size are followed a page at a time while they stream; longer ones scroll.
    static let pagedReplyLimit = 64 * 1024

    /// While a reply streams (and the user has not scrolled back), the pane turns a page when it
    /// fills — keeping the last three lines — instead of scrolling on every new line. Scrolling a pane
    /// rewrites all of it on the terminal for each line; turning pages rewrites it once per page, so a
    /// stream writes a few bytes per token instead of a hundred. The rows shown, top first (the rows
    /// below them stay empty until the reply reaches them); nil when the pane scrolls as usual.
    static func pagedTranscript(_ chat: ChatPane, width: Int, height: Int, caches: RenderCaches) -> [Line]? {
        // Each frame re-wraps the reply's last line (the rest is cached): a reply that is one very long
        // line scrolls as usual instead, from a tail of the text.
        guard chat.isStreaming, chat.scrollBack == 0, height >= 8, let last = chat.entries.last, last.role == .assistant,
            last.content.utf8.count + last.thinking.utf8.count <= pagedReplyLimit,
            MarkdownRenderer.lastLineBytes(last.content, limit: 8192) <= 8192,
            MarkdownRenderer.lastLineBytes(last.thinking, limit: 8192) <= 8192
        else { return nil }
        let reply = cachedEntryLines(last, tailBytes: pagedReplyLimit, longest: 0, width: width, isLast: true, chat: chat, caches: caches)
        let step = height - 3
        // Rows are counted from the reply's first line (older lines are negative). The window's top
        // sits on a grid of pages, the first one where the reply's last line is visible.
        let pages = (reply.count + step - 1) / step
        var top = pages * step - height
        var before = ChatPane(id: chat.id)
        before.entries = Array(chat.entries.dropLast())
        before.thinkingCollapsed = chat.thinkingCollapsed
        before.toolResultsShown = chat.toolResultsShown
        let older = top < 0 ? transcriptLines(before, width: width, needed: -top, caches: caches) : []
        top = max(top, -older.count)  // a short history starts at the top of the pane
        let shownOlder = top < 0 ? Array(older.suffix(-top)) : []
        let firstReplyRow = max(0, top)
        let replyRows = reply[min(firstReplyRow, reply.count)..<min(reply.count, top + height)]
        return shownOlder + replyRows
    }

    /// The transcript's last lines, wrapped to `width`: at least `needed` of them when there are
    /// that many (older entries are not wrapped at all).
    static func transcriptLines(_ chat: ChatPane, width: Int, needed: Int, caches: RenderCaches) -> [Line] {
        var blocks: [[Line]] = []
        var count = 0
        for (index, entry) in chat.entries.enumerated().reversed() {
            // A very long entry is drawn from a tail big enough to fill what is needed, so a frame
            // costs what is visible, not the size of the history.
            // The tail starts at about two bytes per cell still needed (Chinese takes 1.5) and grows only when it falls short.
            let isLast = index == chat.entries.count - 1
            let longest = max(entry.content.utf8.count, entry.thinking.utf8.count)
            var budget = max(512, (needed - count + 2) * max(width, 8) * 2)
            var lines = cachedEntryLines(entry, tailBytes: budget, longest: longest, width: width, isLast: isLast, chat: chat, caches: caches)
            while lines.count < needed - count, budget < longest {
                budget *= 2
                lines = cachedEntryLines(entry, tailBytes: budget, longest: longest, width: width, isLast: isLast, chat: chat, caches: caches)
            }
            blocks.append(lines)
            count += lines.count
            if count >= needed { break }
        }
        return blocks.reversed().flatMap { $0 }
    }

    static func cachedEntryLines(
        _ entry: ChatEntry, tailBytes: Int, longest: Int, width: Int, isLast: Bool, chat: ChatPane, caches: RenderCaches
    ) -> [Line] {
        let key = TranscriptCache.Key(
            revision: entry.revision, width: width, thinkingCollapsed: chat.thinkingCollapsed,
            showsPending: isLast && chat.isStreaming,
            asking: isAsked(entry, chat),
            toolResultsShown: entry.role == .tool && chat.toolResultsShown,
            tailBytes: longest > tailBytes ? tailBytes : 0)
        return caches.transcript.lines(for: key) {
            entryLines(tail(entry, bytes: tailBytes), width: width, isLast: isLast, chat: chat, caches: caches, asking: key.asking)
        }
    }

    /// The entry with its content and thinking cut to about their last `bytes` bytes, starting at a
    /// line break where there is one, behind a "…" marker.
    static func tail(_ entry: ChatEntry, bytes: Int) -> ChatEntry {
        var entry = entry
        entry.content = tailText(entry.content, bytes: bytes)
        entry.thinking = tailText(entry.thinking, bytes: bytes)
        return entry
    }

    static func tailText(_ text: String, bytes: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > bytes else { return text }
        var start = utf8.index(utf8.endIndex, offsetBy: -bytes)
        while start < utf8.endIndex, (utf8[start] & 0xC0) == 0x80 {
            start = utf8.index(after: start)
        }
        let rest = text[start...]
        if let newline = rest.utf8.prefix(2048).firstIndex(of: 0x0A) {
            return "…" + rest[newline...]
        }
        return "…" + rest
    }

    /// Whether `entry` is the tool call the pane asks about now.
    static func isAsked(_ entry: ChatEntry, _ chat: ChatPane) -> Bool {
        guard entry.role == .tool, let asked = chat.callAwaitingApproval else { return false }
        return chat.entries[asked].revision == entry.revision
    }

    static func entryLines(
        _ entry: ChatEntry, width: Int, isLast: Bool, chat: ChatPane, caches: RenderCaches, asking: Bool? = nil
    ) -> [Line] {
        var lines: [Line] = []
        let textWidth = max(1, width - 2)
        switch entry.role {
        case .user:
            for (i, line) in TextWrap.wrap(entry.content, width: textWidth).enumerated() {
                lines.append(Line(text: (i == 0 ? "› " : "  ") + line, style: Style(.userText, [.bold])))
            }
            for image in entry.images {
                lines.append(Line(text: "🖼 " + image.label, style: Style(.accent), indent: 2))
            }
        case .notice, .system:
            for line in TextWrap.wrap(entry.content, width: width) { lines.append(Line(text: line, style: Style(.dim))) }
        case .unreadable:
            for line in TextWrap.wrap("⚠ " + entry.content, width: width) { lines.append(Line(text: line, style: Style(.warning))) }
        case .tool:
            lines += toolLines(entry, width: textWidth, chat: chat, asking: asking ?? isAsked(entry, chat))
        case .assistant:
            if !entry.thinking.isEmpty {
                if chat.thinkingCollapsed {
                    lines.append(Line(text: "thinking · \(entry.thinking.count) characters · ^T shows", style: Style(.thinking, [.italic])))
                } else {
                    lines.append(Line(text: "thinking", style: Style(.thinking, [.italic, .bold])))
                    for line in MarkdownRenderer.wrapGrowing(entry.thinking, width: textWidth, caches: caches) {
                        lines.append(Line(text: line, style: Style(.thinking, [.italic]), indent: 2))
                    }
                }
            }
            if entry.content.isEmpty && isLast && chat.isStreaming && entry.thinking.isEmpty {
                lines.append(Line(text: "…", style: Style(.dim)))
            }
            if !entry.content.isEmpty {
                for spans in MarkdownRenderer.renderGrowing(entry.content, width: textWidth, caches: caches) {
                    lines.append(Line(spans: spans, indent: 2))
                }
            }
            if let interruption = entry.interruption {
                // Wrapped, not cut: a server's error message is often longer than the pane is wide.
                for line in TextWrap.wrap("⏹ " + interruption, width: textWidth) {
                    lines.append(Line(text: line, style: Style(.warning), indent: 2))
                }
            }
            if let metrics = entry.metrics, !metrics.isEmpty {
                var parts = ["\(metrics.evalCount) tokens"]
                if let rate = metrics.evalRate { parts.append(Format.tokensPerSecond(rate)) }
                if let ttft = entry.timeToFirstToken { parts.append("first token " + Format.duration(nanoseconds: Int64(ttft * 1e9))) }
                if metrics.loadDuration > 0 { parts.append("load " + Format.duration(nanoseconds: metrics.loadDuration)) }
                if let prompt = metrics.promptEvalRate { parts.append("prompt " + Format.tokensPerSecond(prompt)) }
                for line in TextWrap.wrap(parts.joined(separator: " · "), width: textWidth) {
                    lines.append(Line(text: line, style: Style(.dim), indent: 2))
                }
            }
        }
        lines.append(Line(text: "", style: .normal))
        return lines
    }

    /// A tool call: `⚙ tool · server {arguments}`, then its state and its result (folded to one line
    /// unless ^F unfolded them), or the choices while it is asked about. Everything from the model
    /// and the tool is drawn through `put`, which leaves out control characters and escapes.
    static func toolLines(_ entry: ChatEntry, width: Int, chat: ChatPane, asking: Bool) -> [Line] {
        guard let call = entry.tool else { return [] }
        var lines: [Line] = []
        let server = call.server.map { " · \($0)" } ?? ""
        let head = "⚙ \(call.name)\(server) \(call.argumentsText)"
        for (i, line) in TextWrap.wrap(head, width: width).prefix(4).enumerated() {
            lines.append(Line(text: line, style: Style(.accent, i == 0 ? [.bold] : []), indent: i == 0 ? 0 : 2))
        }
        switch call.state {
        case .pending where asking:
            let keys = [KeyContext.toolApproval]
            let choices = [(Action.approveOnce, "run"), (.approveAlways, "always here"), (.refuseTool, "refuse"), (.stop, "stop")]
                .compactMap { action, words in Keymap.label(for: action, in: keys).map { "\($0) \(words)" } }
            for line in TextWrap.wrap("run this tool call?  " + choices.joined(separator: " · "), width: max(1, width - 2)) {
                lines.append(Line(text: line, style: Style(.warning, [.bold]), indent: 2))
            }
        case .pending:
            lines.append(Line(text: "waits its turn", style: Style(.dim), indent: 2))
        case .running:
            lines.append(Line(text: "running…", style: Style(.dim), indent: 2))
        default:
            let mark: String
            switch call.state {
            case .done: mark = "✓"
            case .refused, .cancelled: mark = "⏹"
            default: mark = "⚠"
            }
            let style = call.state == .done ? Style(.dim) : Style(.warning)
            let label = ToolCallText.stateLabel(call.state)
            if chat.toolResultsShown, !entry.content.isEmpty {
                lines.append(Line(text: "\(mark) \(label):", style: style, indent: 2))
                for line in TextWrap.wrap(entry.content, width: max(1, width - 2)).prefix(200) {
                    lines.append(Line(text: line, style: Style(.dim), indent: 4))
                }
            } else {
                let flat = entry.content.prefix(4 * max(width, 8)).split(whereSeparator: \.isWhitespace).joined(separator: " ")
                let text = "\(mark) \(label)" + (flat.isEmpty || flat == label ? "" : " · " + flat)
                lines.append(Line(text: DisplayWidth.truncate(text, toWidth: max(1, width - 2), ellipsis: true), style: style, indent: 2))
            }
        }
        return lines
    }
}

