#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore
import OllamaKit
import TermUI

/// The dialogs drawn over the panes: help, confirmations, prompts, forms, details, saved chats.
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
        case .pullPrompt(let prompt):
            // With several hosts the prompt names the host the pull goes to; Tab changes it.
            let title = state.isFleet ? "Pull a model onto \(prompt.host)" : "Pull a model"
            let footer = state.isFleet ? "Enter pull   Tab next host   Esc cancel" : "Enter pull   Esc cancel"
            return drawPrompt(&buffer, title: title, hint: "name[:tag], e.g. llama3.2 or qwen3:8b", input: prompt.input,
                              error: prompt.error, footer: footer, width: 56)
        case .prompt(let prompt):
            return drawPrompt(&buffer, title: prompt.title(fleet: state.isFleet), hint: prompt.hint, input: prompt.input, error: prompt.error,
                              footer: "Enter ok   Esc cancel")
        case .confirmDelete(let candidates):
            let shown = candidates.prefix(8)
            let rect = centered(width: 60, height: shown.count + 6, in: buffer.bounds)
            let hosts = Set(candidates.map(\.host))
            var title = candidates.count == 1 ? "Delete model?" : "Delete \(candidates.count) models?"
            if state.isFleet, hosts.count == 1, let host = hosts.first { title = title.dropLast() + " on \(host)?" }
            let inner = buffer.drawBox(rect, title: title, focused: true)
            for (i, candidate) in shown.enumerated() where i + 1 < inner.height {
                var line = "\(candidate.name)\(state.isFleet ? " @" + candidate.host : "") (\(Format.bytes(candidate.size)))"
                if candidate.loaded { line += " — loaded, will be unloaded first" }
                buffer.put(line, x: inner.x + 1, y: inner.y + i, style: Style(.warning, [.bold]), maxX: inner.maxX)
            }
            if candidates.count > shown.count {
                buffer.put("… and \(candidates.count - shown.count) more", x: inner.x + 1, y: inner.y + shown.count, style: Style(.dim), maxX: inner.maxX)
            }
            buffer.put("y delete   any other key keeps them (default No)", x: inner.x + 1, y: inner.maxY - 1,
                       style: Style(.dim), maxX: inner.maxX)
            return nil
        case .confirmReplace(let operation, let host, let existing):
            let rect = centered(width: 64, height: 7, in: buffer.bounds)
            let inner = buffer.drawBox(rect, title: "Replace \(existing.name)\(state.isFleet ? " on \(host)" : "")?", focused: true)
            let verb = operation.verb == "rename" ? "Renaming" : "Copying"
            buffer.put("\(verb) onto \(existing.name) replaces the model there:", x: inner.x + 1, y: inner.y, maxX: inner.maxX)
            var line = "\(existing.name) (\(Format.bytes(existing.size)))"
            if existing.loaded { line += " — loaded" }
            buffer.put(line, x: inner.x + 1, y: inner.y + 1, style: Style(.warning, [.bold]), maxX: inner.maxX)
            buffer.put("y replace   any other key keeps it (default No)", x: inner.x + 1, y: inner.y + 3,
                       style: Style(.dim), maxX: inner.maxX)
            return nil
        case .confirmPush(let target):
            let rect = centered(width: 60, height: 5, in: buffer.bounds)
            let inner = buffer.drawBox(rect, title: "Push to the registry?", focused: true)
            buffer.put("push \(target.name)\(state.isFleet ? " from \(target.host)" : "")", x: inner.x + 1, y: inner.y, style: Style(.warning, [.bold]), maxX: inner.maxX)
            buffer.put("y push   any other key cancels (default No)", x: inner.x + 1, y: inner.y + 2, style: Style(.dim), maxX: inner.maxX)
            return nil
        case .createForm(let form):
            return drawCreateForm(&buffer, form, fleet: state.isFleet)
        case .details(let details):
            return drawDetails(&buffer, details, fleet: state.isFleet)
        case .sessions(let list):
            return drawSessions(&buffer, list, state)
        case .tools(let tools):
            drawTools(&buffer, tools, state)
            return nil
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
                (session.title, "\(session.model ?? "—")\(state.isFleet ? session.host.map { "@" + $0 } ?? "" : "") · \(session.messageCount) messages · \(Format.age(of: session.updatedAt, now: state.wallNow))")
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

    static func drawCreateForm(_ buffer: inout CellBuffer, _ form: CreateForm, fleet: Bool) -> DashboardView.Cursor? {
        let rect = centered(width: 70, height: 10, in: buffer.bounds)
        let inner = buffer.drawBox(rect, title: "Create a model from \(form.source)\(fleet ? " on \(form.host)" : "")", focused: true)
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

    static func drawDetails(_ buffer: inout CellBuffer, _ details: DetailsState, fleet: Bool) -> DashboardView.Cursor? {
        let rect = centered(width: min(100, buffer.width - 4), height: buffer.height - 2, in: buffer.bounds)
        let inner = buffer.drawBox(rect, title: "Details · \(details.model)\(details.host.map { fleet ? " @" + $0 : "" } ?? "")", focused: true)
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
