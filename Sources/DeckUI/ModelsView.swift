import DeckCore
import OllamaKit
import TermUI

/// The installed-models pane: a sortable, filterable table.
enum ModelsView {
    static let columns = [
        TableColumn("NAME"),
        TableColumn("PARAMS", width: 7, alignRight: true, dropPriority: 2),
        TableColumn("QUANT", width: 7, dropPriority: 3),
        TableColumn("SIZE", width: 7, alignRight: true),
        TableColumn("FAMILY", width: 10, dropPriority: 4),
        TableColumn("MODIFIED", width: 8, alignRight: true, dropPriority: 1),
    ]

    static func draw(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, focused: Bool) -> DashboardView.Cursor? {
        let visible = state.visibleModels
        let total = state.models.reduce(Int64(0)) { $0 + $1.size }
        var title = "1 Models (\(state.models.count) · \(Format.bytes(total)))"
        if visible.count != state.models.count { title = "1 Models (\(visible.count) of \(state.models.count) · \(Format.bytes(total)))" }
        if state.modelsStale { title += " stale" }
        let arrow = state.sortDescending ? "↓" : "↑"
        let inner = buffer.drawBox(rect, title: title, focused: focused, rightTitle: "sort: \(state.sort.rawValue) \(arrow)")
        guard !inner.isEmpty else { return nil }
        var tableRect = inner
        var cursor: DashboardView.Cursor?
        if state.isEditingFilter || !state.filter.isEmpty {
            let (filterRow, rest) = inner.splitTop(1)
            tableRect = rest
            let label = "/"
            let x = buffer.put(label, x: filterRow.x, y: filterRow.y, style: Style(.accent, [.bold]))
            let field = state.filter.visible(width: filterRow.maxX - x)
            buffer.put(field.text, x: x, y: filterRow.y, style: Style(.accent))
            if state.isEditingFilter { cursor = DashboardView.Cursor(x: x + field.cursorColumn, y: filterRow.y) }
        }
        if !state.modelsLoadedOnce {
            let message = state.connection.isOnline || state.connection == .connecting ? "loading…" : "no data: the server is unreachable"
            buffer.put(message, x: tableRect.x + 1, y: tableRect.y + 1, style: Style(.dim), maxX: tableRect.maxX)
            return cursor
        }
        if visible.isEmpty {
            let message = state.models.isEmpty ? "No models installed — press p to pull one" : "No model matches \"\(state.filter.text)\""
            buffer.put(message, x: tableRect.x + 1, y: tableRect.y + 1, style: Style(.dim), maxX: tableRect.maxX)
            return cursor
        }
        let rows = visible.map { model in
            TableRow([
                model.name, model.details.parameterSize, model.details.quantizationLevel, Format.bytes(model.size),
                model.details.family, Format.age(of: model.modifiedAt, now: state.now),
            ], style: state.modelsStale ? Style(.dim) : .normal)
        }
        buffer.drawTable(tableRect, columns: columns, rows: rows, selected: state.selectedModelIndex, scroll: 0, focused: focused)
        return cursor
    }
}

/// The running-models pane, as `ollama ps` shows them, with a live countdown.
enum RunningView {
    static let columns = [
        TableColumn("NAME"),
        TableColumn("SIZE", width: 6, alignRight: true),
        TableColumn("PROCESSOR", width: 15, dropPriority: 1),
        TableColumn("CTX", width: 6, alignRight: true, dropPriority: 2),
        TableColumn("UNTIL", width: 8, alignRight: true),
    ]

    static func draw(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, focused: Bool) {
        var title = "2 Running (\(state.running.count))"
        if state.runningStale { title += " stale" }
        let inner = buffer.drawBox(rect, title: title, focused: focused)
        guard !inner.isEmpty else { return }
        let notes = state.vanished.map { "\($0.name) unloaded" }
        let (tableRect, notesRect) = inner.splitBottom(min(notes.count, max(0, inner.height - 2)))
        if state.running.isEmpty {
            buffer.put("No model loaded", x: tableRect.x + 1, y: tableRect.y, style: Style(.dim), maxX: tableRect.maxX)
        } else {
            let rows = state.running.map { model in
                TableRow([
                    model.name, Format.bytes(model.size), model.processorDescription,
                    model.contextLength > 0 ? String(model.contextLength) : "—",
                    Format.countdown(to: model.expiresAt, now: state.now),
                ], style: state.runningStale ? Style(.dim) : .normal)
            }
            let selected = state.running.firstIndex { $0.name == state.selectedRunning }
            buffer.drawTable(tableRect, columns: columns, rows: rows, selected: focused ? selected : nil, scroll: 0,
                             focused: focused)
        }
        for (i, note) in notes.suffix(notesRect.height).enumerated() {
            buffer.put("↓ " + note, x: notesRect.x + 1, y: notesRect.y + i, style: Style(.dim, [.italic]), maxX: notesRect.maxX)
        }
    }
}

/// The pulls pane: each job's phase, overall bar, rate and ETA.
enum PullsView {
    static func draw(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, focused: Bool) {
        let active = state.pulls.filter(\.isActive).count
        let inner = buffer.drawBox(rect, title: "3 Pulls (\(active) active)", focused: focused)
        guard !inner.isEmpty else { return }
        if state.pulls.isEmpty {
            buffer.put("No pulls yet — press p to pull a model", x: inner.x + 1, y: inner.y, style: Style(.dim), maxX: inner.maxX)
            return
        }
        var y = inner.y
        for job in state.pulls {
            guard y < inner.maxY else { break }
            let selected = focused && job.id == (state.selectedPull ?? state.pulls.first?.id)
            let percent = Int((job.fraction * 100).rounded(.down))
            var detail: String
            var role = ColorRole.normal
            switch job.phase {
            case .failed: detail = "failed: " + (job.error ?? "error"); role = .error
            case .cancelled: detail = "cancelled"; role = .dim
            case .done: detail = "done \(Format.bytes(job.totalBytes))"; role = .good
            case .manifest: detail = "pulling manifest"
            case .verifying: detail = "verifying"
            case .writing: detail = "writing manifest"
            case .downloading:
                detail = "\(percent)% \(Format.bytes(job.completedBytes))/\(Format.bytes(job.totalBytes))"
                if job.rate > 0 { detail += " " + Format.rate(job.rate) }
                if let eta = job.etaSeconds { detail += " " + Format.eta(seconds: eta) }
            }
            let nameStyle = selected ? Style(.selection, [.bold]) : Style(.normal, [.bold])
            let x = buffer.put(job.model, x: inner.x, y: y, style: nameStyle, maxX: inner.maxX)
            buffer.put(" " + detail, x: x, y: y, style: Style(role), maxX: inner.maxX)
            y += 1
            if y < inner.maxY, job.isActive || job.phase == .done {
                buffer.drawGauge(x: inner.x, y: y, width: inner.width, fraction: job.fraction,
                                 style: Style(job.phase == .done ? .good : .gauge))
                y += 1
            }
        }
    }
}
