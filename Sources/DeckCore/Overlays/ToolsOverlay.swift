/// The `/tools` overlay (F4 in a chat pane): every tool server with its state, command and tools;
/// a selected row is a server or one of its tools.
public struct ToolsOverlayState: Sendable, Equatable {
    /// The selected row of ``rows(_:)``.
    public var selected = 0

    public init(selected: Int = 0) { self.selected = selected }

    /// A server row, or a tool row under it.
    public struct Row: Sendable, Equatable {
        public var server: Int
        public var tool: Int?
    }

    /// The rows: each server, then its tools.
    public static func rows(_ tools: ToolsState) -> [Row] {
        tools.servers.indices.flatMap { server in
            [Row(server: server, tool: nil)] + tools.servers[server].tools.indices.map { Row(server: server, tool: $0) }
        }
    }
}

func openToolsOverlay(_ state: inout AppState) -> [Effect] {
    state.overlay = .tools(ToolsOverlayState())
    return []
}

/// Keys in `/tools`: move, switch the selected tool (or all of a server's) off and on, start or
/// restart the selected server.
func performToolsOverlay(_ state: inout AppState, _ overlay: ToolsOverlayState, _ action: Action) -> [Effect] {
    var overlay = overlay
    let rows = ToolsOverlayState.rows(state.tools)
    defer { if state.overlay != nil { state.overlay = .tools(overlay) } }
    switch action {
    case .cancel:
        state.overlay = nil
    case .moveUp:
        overlay.selected = max(0, overlay.selected - 1)
    case .moveDown:
        overlay.selected = min(max(0, rows.count - 1), overlay.selected + 1)
    case .toggleTool:
        guard overlay.selected < rows.count else { return [] }
        let row = rows[overlay.selected]
        var server = state.tools.servers[row.server]
        if let tool = row.tool {
            let name = server.tools[tool].name
            if server.disabled.remove(name) == nil { server.disabled.insert(name) }
        } else if !server.tools.isEmpty {
            // On a server row: all of its tools off, or all on again.
            let names = Set(server.tools.map(\.name))
            server.disabled = server.disabled.isSuperset(of: names) ? [] : names
        }
        state.tools.servers[row.server] = server
    case .restartToolServer:
        guard overlay.selected < rows.count else { return [] }
        let index = rows[overlay.selected].server
        guard state.tools.servers[index].state != .starting else { return [] }
        let name = state.tools.servers[index].name
        let wasIdle = state.tools.servers[index].state == .idle
        state.tools.servers[index].state = .starting
        state.tools.servers[index].tools = []
        overlay.selected = rows.firstIndex { $0.server == index && $0.tool == nil } ?? 0
        return [wasIdle ? .startToolServers([name]) : .restartToolServer(name)]
    default:
        break
    }
    return []
}
