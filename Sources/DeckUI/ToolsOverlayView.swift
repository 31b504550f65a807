import DeckCore
import TermUI

extension OverlayView {
    /// `/tools`: each server with its state and command line, its tools under it (○ when switched
    /// off), and what a failed server last wrote to stderr. Server text goes through `put`, which
    /// drops control characters.
    static func drawTools(_ buffer: inout CellBuffer, _ overlay: ToolsOverlayState, _ state: AppState) {
        let rect = centered(width: min(90, buffer.width - 4), height: min(26, buffer.height - 2), in: buffer.bounds)
        let offered = state.tools.offered.count
        let inner = buffer.drawBox(rect, title: "Tools · \(offered) offered to tool-capable models", focused: true)
        guard inner.height >= 3 else { return }
        let (body, footer) = inner.splitBottom(1)
        let bar = Keymap.helpBar(in: [.overlay(.tools)]).map { "\($0.keyLabel) \($0.help)" }.joined(separator: "   ")
        buffer.put(bar, x: footer.x + 1, y: footer.y, style: Style(.dim), maxX: footer.maxX)
        if state.tools.servers.isEmpty {
            let hint = [
                "No tool servers. Name one with --mcp, e.g.",
                "  ollama-deck --mcp 'time=uvx mcp-server-time'",
                "or under mcp: in the config file (README, \"Tools\").",
            ]
            for (i, line) in hint.enumerated() where i < body.height {
                buffer.put(line, x: body.x + 1, y: body.y + i, style: Style(.dim), maxX: body.maxX)
            }
            return
        }
        var lines: [(text: String, style: Style, row: Int?)] = []
        for (index, row) in ToolsOverlayState.rows(state.tools).enumerated() {
            let server = state.tools.servers[row.server]
            if let tool = row.tool {
                let info = server.tools[tool]
                let on = !server.disabled.contains(info.name)
                let trust = server.trusted.contains(info.name) ? " (trusted)" : ""
                let text = "  \(on ? "●" : "○") \(info.name)\(trust) — \(info.description.split(whereSeparator: \.isNewline).first.map(String.init) ?? "")"
                lines.append((text, on ? .normal : Style(.dim), index))
            } else {
                lines.append(("\(server.name) · \(stateText(server.state, tools: server.tools.count)) · \(server.summary)", Style(.title, [.bold]), index))
                if case .failed = server.state, !server.stderrTail.isEmpty {
                    for line in server.stderrTail.split(whereSeparator: \.isNewline).suffix(3) {
                        lines.append(("    stderr: " + line, Style(.dim), nil))
                    }
                }
            }
        }
        let selectedLine = lines.firstIndex { $0.row == overlay.selected } ?? 0
        let first = max(0, min(selectedLine - body.height + 1, lines.count - body.height))
        for (offset, line) in lines.enumerated().dropFirst(first).prefix(body.height) {
            let selected = line.row == overlay.selected
            buffer.put(line.text, x: body.x + 1, y: body.y + offset - first,
                       style: selected ? Style(.selection, [.bold]) : line.style, maxX: body.maxX)
        }
    }

    static func stateText(_ state: ToolServer.State, tools: Int) -> String {
        switch state {
        case .idle: return "starts with the first chat that offers tools"
        case .starting: return "starting…"
        case .ready: return "ready, \(tools) tool\(tools == 1 ? "" : "s")"
        case .failed(let reason): return "⚠ \(reason)"
        }
    }
}
