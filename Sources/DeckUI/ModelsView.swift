import DeckCore
import OllamaKit
import TermUI

/// The installed-models pane: a sortable, filterable table (with a host column for a fleet).
enum ModelsView {
    static let columns = [
        TableColumn("NAME", minWidth: 22),
        TableColumn("PARAMS", width: 7, alignRight: true, dropPriority: 2),
        TableColumn("QUANT", width: 7, dropPriority: 3),
        TableColumn("SIZE", width: 7, alignRight: true),
        TableColumn("FAMILY", width: 10, dropPriority: 4),
        TableColumn("MODIFIED", width: 8, alignRight: true, dropPriority: 1),
    ]

    /// The columns with HOST after NAME, as wide as the longest host name (up to 12).
    static func fleetColumns(_ state: AppState) -> [TableColumn] {
        var widest = 4
        for host in state.hosts { widest = max(widest, DisplayWidth.width(of: host.name)) }
        var all = columns
        all[0].minWidth = 18
        all.insert(TableColumn("HOST", width: min(12, widest)), at: 1)
        return all
    }

    static func draw(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, focused: Bool) -> DashboardView.Cursor? {
        let visible = state.modelsPane.visible
        let fleet = state.isFleet
        // The totals come with the index (summing 40,000 models per frame showed in a keystroke).
        let total = state.modelsPane.index.totalSize
        let count = state.modelsPane.index.totalCount
        var stale = false
        var loadedOnce = false
        for host in state.hosts {
            // A host that never answered has nothing stale to show (one server: as before fleets).
            stale = stale || (host.modelsStale && (host.modelsLoadedOnce || !fleet))
            loadedOnce = loadedOnce || host.modelsLoadedOnce
        }
        var title = "1 Models (\(count) · \(Format.bytes(total)))"
        if visible.count != count { title = "1 Models (\(visible.count) of \(count) · \(Format.bytes(total)))" }
        if stale { title += " stale" }
        if !state.modelsPane.marked.isEmpty { title += " · \(state.modelsPane.marked.count) marked" }
        let arrow = state.modelsPane.sortDescending ? "↓" : "↑"
        let inner = buffer.drawBox(rect, title: title, focused: focused, rightTitle: "sort: \(state.modelsPane.sort.rawValue) \(arrow)")
        guard !inner.isEmpty else { return nil }
        var tableRect = inner
        var cursor: DashboardView.Cursor?
        if state.modelsPane.isEditingFilter || !state.modelsPane.filter.isEmpty {
            let (filterRow, rest) = inner.splitTop(1)
            tableRect = rest
            let label = "/"
            let x = buffer.put(label, x: filterRow.x, y: filterRow.y, style: Style(.accent, [.bold]))
            let field = state.modelsPane.filter.visible(width: filterRow.maxX - x)
            buffer.put(field.text, x: x, y: filterRow.y, style: Style(.accent))
            if state.modelsPane.isEditingFilter { cursor = DashboardView.Cursor(x: x + field.cursorColumn, y: filterRow.y) }
            if state.modelsPane.isEditingFilter, state.modelsPane.filter.isEmpty {
                // What the filter takes: words, and with several hosts @host.
                let hint = fleet ? "name or family · @host narrows to a host" : "name or family"
                buffer.put(hint, x: x + 1, y: filterRow.y, style: Style(.dim), maxX: filterRow.maxX)
            }
        }
        if !loadedOnce {
            let reachable = state.hosts.contains { $0.connection.isOnline || $0.connection == .connecting }
            let message = reachable ? "loading…" : (fleet ? "no data: no host is reachable" : "no data: the server is unreachable")
            buffer.put(message, x: tableRect.x + 1, y: tableRect.y + 1, style: Style(.dim), maxX: tableRect.maxX)
            return cursor
        }
        if visible.isEmpty {
            buffer.put(emptyMessage(state, count: count), x: tableRect.x + 1, y: tableRect.y + 1, style: Style(.dim), maxX: tableRect.maxX)
            return cursor
        }
        let selected = state.modelsPane.selected.flatMap { visible.firstIndex(of: $0) }  // the index filtered and sorted the rows already
        // Rows are built only for what fits: with 5,000 models, formatting every one was most of a frame.
        let window = CellBuffer.tableWindow(rowCount: visible.count, height: tableRect.height, selected: selected, scroll: 0)
        let staleHosts = Set(state.hosts.filter(\.modelsStale).map(\.name))
        let rows = visible[window].map { row in
            let model = row.model
            // A cloud model is marked, and its size says where it is rather than "0 B".
            var cells = [
                (state.modelsPane.marked.contains(row.ref) ? "● " : "") + (model.isCloud ? "☁ " : "") + model.name,
                model.details.parameterSize, model.details.quantizationLevel,
                model.isCloud ? "cloud" : Format.bytes(model.size), model.details.family, Format.age(of: model.modifiedAt, now: state.wallNow),
            ]
            if fleet { cells.insert(row.host, at: 1) }
            return TableRow(cells, style: staleHosts.contains(row.host) ? Style(.dim) : .normal)
        }
        _ = buffer.drawTable(tableRect, columns: fleet ? fleetColumns(state) : columns, rows: rows,
                             selected: selected.map { $0 - window.lowerBound }, scroll: 0, focused: focused)
        drawHiddenCounts(&buffer, rect, above: window.lowerBound, below: visible.count - window.upperBound)
        return cursor
    }

    /// Why no row shows: nothing installed, nothing matches, or an `@host` no host's name starts with.
    static func emptyMessage(_ state: AppState, count: Int) -> String {
        if count == 0 {
            let pull = Keymap.label(for: .pull, in: paneKeyContexts(state)) ?? "^P"
            return "No models installed — press \(pull) to pull one"
        }
        let filter = ModelFilter(state.modelsPane.filter.text)
        if !filter.hostPrefixes.isEmpty, !state.hosts.contains(where: { filter.admits(host: $0.name) }) {
            return "No host's name starts with \(filter.hostPrefixes.map { "@" + $0 }.joined(separator: " or ")) (hosts: \(state.hosts.map(\.name).joined(separator: ", ")))"
        }
        return "No model matches \"\(state.modelsPane.filter.text)\""
    }
}

/// "↑ 3 · ↓ 12 more" on a list pane's bottom border when rows are out of view.
func drawHiddenCounts(_ buffer: inout CellBuffer, _ rect: Rect, above: Int, below: Int) {
    guard above > 0 || below > 0, rect.height >= 2 else { return }
    var parts: [String] = []
    if above > 0 { parts.append("↑ \(above)") }
    if below > 0 { parts.append("↓ \(below)") }
    let text = " " + parts.joined(separator: " · ") + " more "
    let x = rect.maxX - 2 - DisplayWidth.width(of: text)
    guard x > rect.x else { return }
    buffer.put(text, x: x, y: rect.maxY - 1, style: Style(.accent), maxX: rect.maxX - 1)
}

/// The running-models pane, as `ollama ps` shows them, with a live countdown (and the host of
/// each with a fleet).
enum RunningView {
    static let columns = [
        TableColumn("NAME", minWidth: 12),
        TableColumn("SIZE", width: 6, alignRight: true),
        TableColumn("PROCESSOR", width: 15, dropPriority: 1),
        TableColumn("CTX", width: 6, alignRight: true, dropPriority: 2),
        TableColumn("UNTIL", width: 8, alignRight: true),
    ]

    static func draw(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, focused: Bool) {
        let fleet = state.isFleet
        let rows = state.runningRows
        var title = "2 Running (\(rows.count))"
        if state.hosts.contains(where: { $0.runningStale && ($0.runningLoadedOnce || !fleet) }) { title += " stale" }
        let inner = buffer.drawBox(rect, title: title, focused: focused)
        guard !inner.isEmpty else { return }
        let notes = state.hosts.flatMap { host in host.vanished.map { "\($0.name)\(fleet ? " @" + host.name : "") unloaded" } }
        let (tableRect, notesRect) = inner.splitBottom(min(notes.count, max(0, inner.height - 2)))
        if rows.isEmpty {
            buffer.put("No model loaded", x: tableRect.x + 1, y: tableRect.y, style: Style(.dim), maxX: tableRect.maxX)
        } else {
            let selected = rows.firstIndex { $0.ref == state.selectedRunning }
            let window = CellBuffer.tableWindow(rowCount: rows.count, height: tableRect.height, selected: selected, scroll: 0)
            let staleHosts = Set(state.hosts.filter(\.runningStale).map(\.name))
            let tableRows = rows[window].map { row in
                let model = row.model
                var cells = [
                    model.name, Format.bytes(model.size), model.processorDescription,
                    model.contextLength > 0 ? String(model.contextLength) : "—",
                    Format.countdown(to: model.expiresAt, now: state.wallNow),
                ]
                if fleet { cells.insert(row.host, at: 1) }
                return TableRow(cells, style: staleHosts.contains(row.host) ? Style(.dim) : .normal)
            }
            var shownColumns = columns
            if fleet { shownColumns.insert(ModelsView.fleetColumns(state)[1], at: 1) }
            _ = buffer.drawTable(tableRect, columns: shownColumns, rows: tableRows,
                             selected: focused ? selected.map { $0 - window.lowerBound } : nil, scroll: 0, focused: focused)
            drawHiddenCounts(&buffer, rect, above: window.lowerBound, below: rows.count - window.upperBound)
        }
        for (i, note) in notes.suffix(notesRect.height).enumerated() {
            buffer.put("↓ " + note, x: notesRect.x + 1, y: notesRect.y + i, style: Style(.dim, [.italic]), maxX: notesRect.maxX)
        }
    }
}

/// The jobs pane: each pull, push or create with its phase, overall bar, rate and ETA; the
/// selected job also shows one bar per layer, as `ollama pull` does.
enum PullsView {
    static func draw(_ buffer: inout CellBuffer, _ rect: Rect, _ state: AppState, focused: Bool) {
        let active = state.pulls.filter(\.isActive).count
        let inner = buffer.drawBox(rect, title: "3 Pulls (\(active) active)", focused: focused)
        guard !inner.isEmpty else { return }
        if state.pulls.isEmpty {
            let pull = Keymap.label(for: .pull, in: paneKeyContexts(state)) ?? "p"
            buffer.put("No pulls yet — press \(pull) to pull a model", x: inner.x + 1, y: inner.y, style: Style(.dim), maxX: inner.maxX)
            return
        }
        let selectedID = state.selectedPull ?? state.pulls.first?.id
        // Jobs take one to many rows; the window starts where the selected job still fits.
        let heights = state.pulls.map { rowCount($0, selected: $0.id == selectedID, width: inner.width) }
        let selectedIndex = state.pulls.firstIndex { $0.id == selectedID } ?? 0
        var first = 0
        var used = heights[first...selectedIndex].reduce(0, +)
        while used > inner.height, first < selectedIndex {
            used -= heights[first]
            first += 1
        }
        var y = inner.y
        var fullyShown = first
        for job in state.pulls[first...] {
            guard y < inner.maxY else { break }
            let selected = job.id == selectedID
            let stalled = job.isStalled(now: state.now, after: state.stallSeconds)
            let percent = Int((job.fraction * 100).rounded(.down))
            var detail: String
            var role = ColorRole.normal
            switch job.phase {
            case .failed: detail = "failed: " + (job.error ?? "error"); role = .error
            case .cancelled: detail = "cancelled · R resumes"; role = .dim
            case .done:
                switch job.kind {
                case .pull: detail = "done \(Format.bytes(job.totalBytes))"
                case .push: detail = "pushed"
                case .create: detail = "created"
                }
                role = .good
            case .manifest: detail = job.statusText.isEmpty ? "starting" : job.statusText
            case .verifying: detail = "verifying"
            case .writing: detail = job.statusText
            case .downloading:
                detail = "\(percent)% \(Format.bytes(job.completedBytes))/\(Format.bytes(job.totalBytes))"
                if job.rate > 0 { detail += " " + Format.rate(job.rate) }
                if let eta = job.etaSeconds { detail += " " + Format.eta(seconds: eta) }
                if job.kind == .create { detail = job.statusText }
            }
            if stalled {
                detail = "stalled \(Int(state.now.timeIntervalSince(job.lastProgressAt)))s · R restarts"
                role = .warning
            }
            let kind = job.kind == .pull ? "" : job.kind.rawValue + " "
            let nameStyle = selected && focused ? Style(.selection, [.bold]) : Style(.normal, [.bold])
            var x = buffer.put(kind + job.model, x: inner.x, y: y, style: nameStyle, maxX: inner.maxX)
            if state.isFleet { x = buffer.put(" @" + job.host, x: x, y: y, style: Style(.accent), maxX: inner.maxX) }
            buffer.put(" " + detail, x: x, y: y, style: Style(role), maxX: inner.maxX)
            y += 1
            if y < inner.maxY, job.isActive || job.phase == .done {
                buffer.drawGauge(x: inner.x, y: y, width: inner.width, fraction: job.fraction,
                                 style: Style(job.phase == .done ? .good : .gauge))
                y += 1
            }
            if selected, job.isActive {
                for layer in job.layers where y < inner.maxY {
                    let label = "  \(PullJob.shortDigest(layer.digest)) \(Int((layer.fraction * 100).rounded(.down)))%"
                    let gaugeX = inner.x + 20
                    buffer.put(label, x: inner.x, y: y, style: Style(.dim), maxX: gaugeX)
                    var info = " \(Format.bytes(layer.completed))/\(Format.bytes(layer.total))"
                    if !layer.isComplete, layer.rate > 0 { info += " " + Format.rate(layer.rate) }
                    if let eta = layer.etaSeconds { info += " " + Format.eta(seconds: eta) }
                    let gaugeWidth = max(0, min(16, inner.maxX - gaugeX - DisplayWidth.width(of: info)))
                    if gaugeWidth > 0 { buffer.drawGauge(x: gaugeX, y: y, width: gaugeWidth, fraction: layer.fraction) }
                    buffer.put(info, x: gaugeX + gaugeWidth, y: y, style: Style(.dim), maxX: inner.maxX)
                    y += 1
                }
            }
            if selected {
                // The error, wrapped, under the selected job (e opens it in full).
                for line in errorLines(job, width: inner.width) where y < inner.maxY {
                    buffer.put(line, x: inner.x + 2, y: y, style: Style(.error), maxX: inner.maxX)
                    y += 1
                }
            }
            if y <= inner.maxY { fullyShown += 1 }
        }
        drawHiddenCounts(&buffer, rect, above: first, below: state.pulls.count - fullyShown)
    }

    /// A failed job's error wrapped to the pane (three lines at most), when it is longer than
    /// its line shows.
    static func errorLines(_ job: PullJob, width: Int) -> [String] {
        guard job.phase == .failed, let error = job.error else { return [] }
        if DisplayWidth.width(of: job.model + " failed: " + error) <= width { return [] }
        return Array(TextWrap.wrap(error, width: max(1, width - 2)).prefix(3))
    }

    /// Rows a job takes: its line, its bar while active or done, its layers when selected, and the
    /// wrapped error of a selected failed job.
    static func rowCount(_ job: PullJob, selected: Bool, width: Int) -> Int {
        var rows = 1
        if job.isActive || job.phase == .done { rows += 1 }
        if selected, job.isActive { rows += job.layers.count }
        if selected { rows += errorLines(job, width: width).count }
        return rows
    }
}
