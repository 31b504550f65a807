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
        _ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, focused: Bool, reports: inout [ChatScrollReport]
    ) -> DashboardView.Cursor? {
        let count = state.chats.count
        if count == 1 {
            return drawPane(&buffer, rect, state, index: 0, focused: focused, reports: &reports)
        }
        if rect.width / count >= 30 {
            var cursor: DashboardView.Cursor?
            for (index, column) in rect.columns(count).enumerated() {
                let isActive = index == state.activeChat
                if let c = drawPane(&buffer, column, state, index: index, focused: focused && isActive, reports: &reports), isActive {
                    cursor = c
                }
            }
            return cursor
        }
        let (tabs, body) = rect.splitTop(1)
        var x = tabs.x
        for (index, pane) in state.chats.enumerated() {
            let marker = pane.isStreaming ? "●" : " "
            let label = " \(index + 1) \(pane.model.map { String($0.split(separator: ":").first ?? "") } ?? "—")\(marker)"
            let style = index == state.activeChat ? Style(.selection, [.bold]) : Style(.dim)
            x = buffer.put(label, x: x, y: tabs.y, style: style, maxX: tabs.maxX)
        }
        return drawPane(&buffer, body, state, index: state.activeChat, focused: focused, reports: &reports)
    }

    static func drawPane(
        _ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, index: Int, focused: Bool,
        reports: inout [ChatScrollReport]
    ) -> DashboardView.Cursor? {
        let chat = state.chats[index]
        var title = state.chats.count > 1 ? "4 Chat \(index + 1)/\(state.chats.count)" : "4 Chat"
        let status = statusLabel(chat, now: state.now)
        if !status.isEmpty { title += " [\(status)]" }
        if let model = chat.model { title += " · \(model)" }
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
                    all += entryLines(entry, width: transcriptRect.width, isLast: index == chat.entries.count - 1, chat: chat)
                }
                lines = all
                start = min(jumpLine, max(0, all.count - transcriptRect.height))
                end = min(all.count, start + transcriptRect.height)
            } else if let paged = pagedTranscript(chat, width: transcriptRect.width, height: transcriptRect.height) {
                lines = paged
                start = 0
                end = paged.count
            } else {
                let settled = settledScrollBack(chat, width: transcriptRect.width, height: transcriptRect.height)
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
    static func settledScrollBack(_ chat: ChatPane, width: Int, height: Int) -> (lines: [Line], scrollBack: Int, replyLines: Int?) {
        guard chat.scrollBack > 0 else {
            return (transcriptLines(chat, width: width, needed: height), 0, nil)
        }
        var scrollBack = chat.scrollBack
        var replyLines: Int?
        if let last = chat.entries.last, last.role == .assistant,
            max(last.content.utf8.count, last.thinking.utf8.count) <= pagedReplyLimit
        {
            let count = cachedEntryLines(last, tailBytes: pagedReplyLimit, longest: 0, width: width, isLast: true, chat: chat).count
            if let anchor = chat.scrollAnchorLines, count > anchor { scrollBack += count - anchor }
            replyLines = count
        }
        let needed = height + scrollBack
        let lines = transcriptLines(chat, width: width, needed: needed)
        if lines.count < needed { scrollBack = min(scrollBack, max(0, lines.count - height)) }
        return (lines, scrollBack, scrollBack > 0 ? replyLines : nil)
    }

    static func statusLabel(_ chat: ChatPane, now: Date) -> String {
        switch chat.status {
        case .idle: return ""
        case .waiting:
            // A server that accepts and never answers: the wait is counted, and the way out shown.
            let waited = chat.sentAt.map { max(0, Int(now.timeIntervalSince($0))) } ?? 0
            return waited < 2 ? "loading model…" : "waiting \(Format.elapsed(seconds: waited)) · Esc stops"
        case .thinking: return "thinking…"
        case .streaming: return "streaming"
        case .done: return "done"
        case .stopped: return "stopped"
        case .failed: return "error"
        }
    }

    /// Replies up to this size are followed a page at a time while they stream; longer ones scroll.
    static let pagedReplyLimit = 64 * 1024

    /// While a reply streams (and the user has not scrolled back), the pane turns a page when it
    /// fills — keeping the last three lines — instead of scrolling on every new line. Scrolling a pane
    /// rewrites all of it on the terminal for each line; turning pages rewrites it once per page, so a
    /// stream writes a few bytes per token instead of a hundred. The rows shown, top first (the rows
    /// below them stay empty until the reply reaches them); nil when the pane scrolls as usual.
    static func pagedTranscript(_ chat: ChatPane, width: Int, height: Int) -> [Line]? {
        // Each frame re-wraps the reply's last line (the rest is cached): a reply that is one very long
        // line scrolls as usual instead, from a tail of the text.
        guard chat.isStreaming, chat.scrollBack == 0, height >= 8, let last = chat.entries.last, last.role == .assistant,
            last.content.utf8.count + last.thinking.utf8.count <= pagedReplyLimit,
            MarkdownRenderer.lastLineBytes(last.content, limit: 8192) <= 8192,
            MarkdownRenderer.lastLineBytes(last.thinking, limit: 8192) <= 8192
        else { return nil }
        let reply = cachedEntryLines(last, tailBytes: pagedReplyLimit, longest: 0, width: width, isLast: true, chat: chat)
        let step = height - 3
        // Rows are counted from the reply's first line (older lines are negative). The window's top
        // sits on a grid of pages, the first one where the reply's last line is visible.
        let pages = (reply.count + step - 1) / step
        var top = pages * step - height
        var before = ChatPane(id: chat.id)
        before.entries = Array(chat.entries.dropLast())
        before.thinkingCollapsed = chat.thinkingCollapsed
        let older = top < 0 ? transcriptLines(before, width: width, needed: -top) : []
        top = max(top, -older.count)  // a short history starts at the top of the pane
        let shownOlder = top < 0 ? Array(older.suffix(-top)) : []
        let firstReplyRow = max(0, top)
        let replyRows = reply[min(firstReplyRow, reply.count)..<min(reply.count, top + height)]
        return shownOlder + replyRows
    }

    /// The transcript's last lines, wrapped to `width`: at least `needed` of them when there are
    /// that many (older entries are not wrapped at all).
    static func transcriptLines(_ chat: ChatPane, width: Int, needed: Int) -> [Line] {
        var blocks: [[Line]] = []
        var count = 0
        for (index, entry) in chat.entries.enumerated().reversed() {
            // A very long entry is drawn from a tail big enough to fill what is needed, so a frame
            // costs what is visible, not the size of the history.
            // The tail starts at about two bytes per cell still needed (Chinese takes 1.5) and grows only when it falls short.
            let isLast = index == chat.entries.count - 1
            let longest = max(entry.content.utf8.count, entry.thinking.utf8.count)
            var budget = max(512, (needed - count + 2) * max(width, 8) * 2)
            var lines = cachedEntryLines(entry, tailBytes: budget, longest: longest, width: width, isLast: isLast, chat: chat)
            while lines.count < needed - count, budget < longest {
                budget *= 2
                lines = cachedEntryLines(entry, tailBytes: budget, longest: longest, width: width, isLast: isLast, chat: chat)
            }
            blocks.append(lines)
            count += lines.count
            if count >= needed { break }
        }
        return blocks.reversed().flatMap { $0 }
    }

    /// Lines drawn for an entry by earlier frames are reused while the entry and the pane's width stay the same.
    static let cache = TranscriptCache()

    static func cachedEntryLines(
        _ entry: ChatEntry, tailBytes: Int, longest: Int, width: Int, isLast: Bool, chat: ChatPane
    ) -> [Line] {
        let key = TranscriptCache.Key(
            revision: entry.revision, width: width, thinkingCollapsed: chat.thinkingCollapsed,
            showsPending: isLast && chat.isStreaming, tailBytes: longest > tailBytes ? tailBytes : 0)
        return cache.lines(for: key) {
            entryLines(tail(entry, bytes: tailBytes), width: width, isLast: isLast, chat: chat)
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

    static func entryLines(_ entry: ChatEntry, width: Int, isLast: Bool, chat: ChatPane) -> [Line] {
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
        case .assistant:
            if !entry.thinking.isEmpty {
                if chat.thinkingCollapsed {
                    lines.append(Line(text: "thinking · \(entry.thinking.count) characters · ^T shows", style: Style(.thinking, [.italic])))
                } else {
                    lines.append(Line(text: "thinking", style: Style(.thinking, [.italic, .bold])))
                    for line in MarkdownRenderer.wrapGrowing(entry.thinking, width: textWidth) {
                        lines.append(Line(text: line, style: Style(.thinking, [.italic]), indent: 2))
                    }
                }
            }
            if entry.content.isEmpty && isLast && chat.isStreaming && entry.thinking.isEmpty {
                lines.append(Line(text: "…", style: Style(.dim)))
            }
            if !entry.content.isEmpty {
                for spans in MarkdownRenderer.renderGrowing(entry.content, width: textWidth) {
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
}

/// Help, quit confirmation and the pull prompt, drawn over the panes.
enum OverlayView {
    static func draw(_ buffer: inout CellBuffer, _ overlay: Overlay, _ state: AppState) -> DashboardView.Cursor? {
        switch overlay {
        case .help(let help):
            return drawHelp(&buffer, help)
        case .confirmQuit:
            let rect = centered(width: 44, height: 5, in: buffer.bounds)
            let inner = buffer.drawBox(rect, title: "Quit?", focused: true)
            buffer.put("A reply or a pull is still running.", x: inner.x + 1, y: inner.y, maxX: inner.maxX)
            buffer.put("y quit   any other key stays (default)", x: inner.x + 1, y: inner.y + 2, style: Style(.dim), maxX: inner.maxX)
            return nil
        case .pullPrompt(let input, let error):
            return drawPrompt(&buffer, title: "Pull a model", hint: "name[:tag], e.g. llama3.2 or qwen3:8b", input: input,
                              error: error, footer: "Enter pull   Esc cancel", width: 56)
        case .prompt(let prompt):
            return drawPrompt(&buffer, title: prompt.title, hint: prompt.hint, input: prompt.input, error: prompt.error,
                              footer: "Enter ok   Esc cancel")
        case .confirmDelete(let candidates):
            let shown = candidates.prefix(8)
            let rect = centered(width: 60, height: shown.count + 6, in: buffer.bounds)
            let inner = buffer.drawBox(rect, title: candidates.count == 1 ? "Delete model?" : "Delete \(candidates.count) models?", focused: true)
            for (i, candidate) in shown.enumerated() where i + 1 < inner.height {
                var line = "\(candidate.name) (\(Format.bytes(candidate.size)))"
                if candidate.loaded { line += " — loaded, will be unloaded first" }
                buffer.put(line, x: inner.x + 1, y: inner.y + i, style: Style(.warning, [.bold]), maxX: inner.maxX)
            }
            if candidates.count > shown.count {
                buffer.put("… and \(candidates.count - shown.count) more", x: inner.x + 1, y: inner.y + shown.count, style: Style(.dim), maxX: inner.maxX)
            }
            buffer.put("y delete   any other key keeps them (default No)", x: inner.x + 1, y: inner.maxY - 1,
                       style: Style(.dim), maxX: inner.maxX)
            return nil
        case .confirmReplace(let operation, let existing):
            let rect = centered(width: 64, height: 7, in: buffer.bounds)
            let inner = buffer.drawBox(rect, title: "Replace \(existing.name)?", focused: true)
            let verb = operation.verb == "rename" ? "Renaming" : "Copying"
            buffer.put("\(verb) onto \(existing.name) replaces the model there:", x: inner.x + 1, y: inner.y, maxX: inner.maxX)
            var line = "\(existing.name) (\(Format.bytes(existing.size)))"
            if existing.loaded { line += " — loaded" }
            buffer.put(line, x: inner.x + 1, y: inner.y + 1, style: Style(.warning, [.bold]), maxX: inner.maxX)
            buffer.put("y replace   any other key keeps it (default No)", x: inner.x + 1, y: inner.y + 3,
                       style: Style(.dim), maxX: inner.maxX)
            return nil
        case .confirmPush(let model):
            let rect = centered(width: 60, height: 5, in: buffer.bounds)
            let inner = buffer.drawBox(rect, title: "Push to the registry?", focused: true)
            buffer.put("push \(model)", x: inner.x + 1, y: inner.y, style: Style(.warning, [.bold]), maxX: inner.maxX)
            buffer.put("y push   any other key cancels (default No)", x: inner.x + 1, y: inner.y + 2, style: Style(.dim), maxX: inner.maxX)
            return nil
        case .createForm(let form):
            return drawCreateForm(&buffer, form)
        case .details(let details):
            return drawDetails(&buffer, details)
        case .sessions(let list):
            return drawSessions(&buffer, list, state)
        }
    }

    static func drawSessions(_ buffer: inout CellBuffer, _ list: SessionListState, _ state: AppState) -> DashboardView.Cursor? {
        let rect = centered(width: min(90, buffer.width - 4), height: min(24, buffer.height - 2), in: buffer.bounds)
        let inner = buffer.drawBox(rect, title: list.hits == nil ? "Saved chats" : "Search results", focused: true)
        guard inner.height >= 3 else { return nil }
        let (body, footer) = inner.splitBottom(1)
        var cursor: DashboardView.Cursor?
        if let error = list.error {
            buffer.put(error, x: body.x + 1, y: body.y, style: Style(.error), maxX: body.maxX)
        }
        let rows: [(String, String)]
        if let hits = list.hits {
            rows = hits.map { ($0.sessionTitle, $0.snippet) }
        } else if let sessions = list.sessions {
            rows = sessions.map { session in
                (session.title, "\(session.model ?? "—") · \(session.messageCount) messages · \(Format.age(of: session.updatedAt, now: state.wallNow))")
            }
        } else {
            rows = []
            buffer.put("loading…", x: body.x + 1, y: body.y, style: Style(.dim), maxX: body.maxX)
        }
        if rows.isEmpty, list.sessions != nil || list.hits != nil {
            buffer.put(list.hits == nil ? "No saved chats yet: every chat is saved as you go." : "No message matches.",
                       x: body.x + 1, y: body.y + (list.error == nil ? 0 : 1), style: Style(.dim), maxX: body.maxX)
        }
        let top = list.error == nil ? body.y : body.y + 1
        let visible = max(1, (body.maxY - top) / 2)
        let first = max(0, min(list.selected - visible + 1, rows.count - visible))
        for (offset, row) in rows.enumerated().dropFirst(first).prefix(visible) {
            let y = top + (offset - first) * 2
            let selected = offset == list.selected
            buffer.put(row.0, x: body.x + 1, y: y, style: selected ? Style(.selection, [.bold]) : Style(.normal, [.bold]), maxX: body.maxX)
            buffer.put(row.1, x: body.x + 3, y: y + 1, style: Style(.dim), maxX: body.maxX)
        }
        if let renaming = list.renaming {
            let x = buffer.put("rename › ", x: footer.x + 1, y: footer.y, style: Style(.accent, [.bold]))
            let field = renaming.visible(width: footer.maxX - x - 1)
            buffer.put(field.text, x: x, y: footer.y, style: renaming.isSelected ? Style(.userText, [.reverse]) : Style(.userText),
                       maxX: footer.maxX)
            cursor = DashboardView.Cursor(x: x + field.cursorColumn, y: footer.y)
        } else if list.confirmingDelete {
            buffer.put("Delete this chat? y deletes, any other key keeps it (default No)", x: footer.x + 1, y: footer.y,
                       style: Style(.warning, [.bold]), maxX: footer.maxX)
        } else if list.isSearching || !list.search.isEmpty {
            let x = buffer.put("/", x: footer.x + 1, y: footer.y, style: Style(.accent, [.bold]))
            let field = list.search.visible(width: footer.maxX - x - 1)
            buffer.put(field.text, x: x, y: footer.y, style: Style(.accent), maxX: footer.maxX)
            if list.isSearching { cursor = DashboardView.Cursor(x: x + field.cursorColumn, y: footer.y) }
        } else {
            buffer.put("Enter open   / search all chats   r rename   D delete   Esc close", x: footer.x + 1, y: footer.y,
                       style: Style(.dim), maxX: footer.maxX)
        }
        return cursor
    }

    static func drawPrompt(
        _ buffer: inout CellBuffer, title: String, hint: String, input: TextInput, error: String?, footer: String,
        width: Int = 60
    ) -> DashboardView.Cursor? {
        let rect = centered(width: width, height: 6, in: buffer.bounds)
        let inner = buffer.drawBox(rect, title: title, focused: true)
        guard inner.height >= 3 else { return nil }
        buffer.put(hint, x: inner.x + 1, y: inner.y, style: Style(.dim), maxX: inner.maxX)
        let x = buffer.put("› ", x: inner.x + 1, y: inner.y + 1, style: Style(.accent, [.bold]))
        let field = input.visible(width: inner.maxX - x - 1)
        // Selected prefilled text shows reversed: typing replaces it.
        buffer.put(field.text, x: x, y: inner.y + 1, style: input.isSelected ? Style(.userText, [.reverse]) : Style(.userText),
                   maxX: inner.maxX)
        if let error {
            buffer.put(error, x: inner.x + 1, y: inner.y + 2, style: Style(.error), maxX: inner.maxX)
        } else {
            buffer.put(footer, x: inner.x + 1, y: inner.y + 2, style: Style(.dim), maxX: inner.maxX)
        }
        return DashboardView.Cursor(x: x + field.cursorColumn, y: inner.y + 1)
    }

    static func drawCreateForm(_ buffer: inout CellBuffer, _ form: CreateForm) -> DashboardView.Cursor? {
        let rect = centered(width: 70, height: 10, in: buffer.bounds)
        let inner = buffer.drawBox(rect, title: "Create a model from \(form.source)", focused: true)
        guard inner.height >= 7 else { return nil }
        let fields: [(String, TextInput)] = [("name", form.name), ("system", form.system), ("params", form.parameters)]
        var cursor: DashboardView.Cursor?
        for (i, field) in fields.enumerated() {
            let y = inner.y + i * 2
            let focused = i == form.field
            let x = buffer.put(DisplayWidth.pad(field.0, toWidth: 7) + " › ", x: inner.x + 1, y: y,
                               style: Style(focused ? .accent : .dim, focused ? [.bold] : []))
            let visible = field.1.visible(width: inner.maxX - x - 1)
            buffer.put(visible.text, x: x, y: y, style: Style(.userText), maxX: inner.maxX)
            if focused { cursor = DashboardView.Cursor(x: x + visible.cursorColumn, y: y) }
        }
        buffer.put("params: name=value … e.g. temperature=0.7 num_ctx=8192", x: inner.x + 1, y: inner.y + 5,
                   style: Style(.dim), maxX: inner.maxX)
        if let error = form.error {
            buffer.put(error, x: inner.x + 1, y: inner.y + 6, style: Style(.error), maxX: inner.maxX)
        } else {
            buffer.put("Tab next field   Enter create   Esc cancel", x: inner.x + 1, y: inner.y + 6, style: Style(.dim), maxX: inner.maxX)
        }
        return cursor
    }

    static func drawDetails(_ buffer: inout CellBuffer, _ details: DetailsState) -> DashboardView.Cursor? {
        let rect = centered(width: min(100, buffer.width - 4), height: buffer.height - 2, in: buffer.bounds)
        let inner = buffer.drawBox(rect, title: "Details · \(details.model)", focused: true)
        guard inner.height >= 2 else { return nil }
        let (body, footer) = inner.splitBottom(1)
        if let error = details.error {
            buffer.put(error, x: body.x + 1, y: body.y, style: Style(.error), maxX: body.maxX)
        } else if let lines = details.lines {
            let needle = details.search.text.lowercased()
            for (i, line) in lines.dropFirst(details.scroll).prefix(body.height).enumerated() {
                let matches = !needle.isEmpty && line.text.lowercased().contains(needle)
                let style = line.isHeading ? Style(.title, [.bold]) : (matches ? Style(.accent, [.reverse]) : .normal)
                buffer.put(line.text, x: body.x + 1, y: body.y + i, style: style, maxX: body.maxX)
            }
        } else {
            buffer.put("loading…", x: body.x + 1, y: body.y, style: Style(.dim), maxX: body.maxX)
        }
        if details.isSearching {
            let x = buffer.put("/", x: footer.x + 1, y: footer.y, style: Style(.accent, [.bold]))
            let visible = details.search.visible(width: footer.maxX - x - 1)
            buffer.put(visible.text, x: x, y: footer.y, style: Style(.accent), maxX: footer.maxX)
            return DashboardView.Cursor(x: x + visible.cursorColumn, y: footer.y)
        }
        let total = details.lines?.count ?? 0
        buffer.put("↑↓ PgUp PgDn scroll   / search   n next   Esc close   \(min(details.scroll + 1, max(total, 1)))/\(total)",
                   x: footer.x + 1, y: footer.y, style: Style(.dim), maxX: footer.maxX)
        return nil
    }

    static func centered(width: Int, height: Int, in bounds: Rect) -> Rect {
        let w = min(width, bounds.width)
        let h = min(height, bounds.height)
        return Rect(x: (bounds.width - w) / 2, y: (bounds.height - h) / 2, width: w, height: h)
    }

    /// The `?` overlay: every binding, those that work here first; scrolls, and `/` searches.
    static func drawHelp(_ buffer: inout CellBuffer, _ help: HelpState) -> DashboardView.Cursor? {
        let lines = help.lines
        let rect = centered(width: min(78, buffer.width - 2), height: buffer.height - 2, in: buffer.bounds)
        let inner = buffer.drawBox(rect, title: "Keys", focused: true)
        guard inner.height >= 2 else { return nil }
        let (body, footer) = inner.splitBottom(1)
        let keyWidth = min(16, max(8, body.width / 3))
        let needle = help.search.text.lowercased()
        for (row, line) in lines.dropFirst(help.scroll).prefix(body.height).enumerated() {
            let y = body.y + row
            if line.isHeading {
                buffer.put(line.text, x: body.x + 1, y: y, style: Style(.title, [.bold]), maxX: body.maxX)
                continue
            }
            let matches = !needle.isEmpty && (line.text.lowercased().contains(needle) || line.keys.lowercased().contains(needle))
            buffer.put(DisplayWidth.pad(line.keys, toWidth: keyWidth), x: body.x + 2, y: y,
                       style: matches ? Style(.accent, [.reverse]) : Style(.helpKey, [.bold]), maxX: body.maxX)
            buffer.put(line.text, x: body.x + 3 + keyWidth, y: y, style: matches ? Style(.accent, [.reverse]) : .normal, maxX: body.maxX)
        }
        if help.isSearching {
            let x = buffer.put("/", x: footer.x + 1, y: footer.y, style: Style(.accent, [.bold]))
            let visible = help.search.visible(width: footer.maxX - x - 1)
            buffer.put(visible.text, x: x, y: footer.y, style: Style(.accent), maxX: footer.maxX)
            return DashboardView.Cursor(x: x + visible.cursorColumn, y: footer.y)
        }
        // The keys of this overlay are on the help bar below; here, where the list is.
        let shown = min(help.scroll + body.height, lines.count)
        let position = shown < lines.count ? " lines \(help.scroll + 1)–\(shown) of \(lines.count) · PgDn more " : " lines \(help.scroll + 1)–\(shown) of \(lines.count) "
        buffer.put(position, x: max(footer.x, footer.maxX - DisplayWidth.width(of: position)), y: footer.y, style: Style(.dim), maxX: footer.maxX)
        return nil
    }
}
