import DeckCore
import TermUI

/// Where each part of the dashboard goes for a terminal size.
public struct DashboardLayout: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        /// Models across the top, Running and Pulls bottom-left, Chat bottom-right (80×24 and up).
        case stacked
        /// A left column of Models, Running and Pulls; Chat takes the rest (110 columns and up).
        case wide
        /// One pane at a time with a tab bar (narrow or short terminals).
        case tabs
        /// Below the minimum: only a message.
        case tooSmall
    }

    public var mode: Mode
    public var status: Rect
    public var banner: Rect?
    public var tabBar: Rect?
    public var panes: [Pane: Rect]
    public var helpBar: Rect

    public static let minimumWidth = AppState.minimumWidth
    public static let minimumHeight = AppState.minimumHeight

    /// `hostRows`: the rows the Hosts pane wants (nil without a fleet: no Hosts pane).
    public static func compute(width: Int, height: Int, focus: Pane, banner: Bool, hostRows: Int? = nil) -> DashboardLayout {
        let full = Rect(x: 0, y: 0, width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            return DashboardLayout(mode: .tooSmall, status: full, banner: nil, tabBar: nil, panes: [:], helpBar: Rect(x: 0, y: 0, width: 0, height: 0))
        }
        var (status, rest) = full.splitTop(1)
        var bannerRect: Rect?
        if banner {
            let split = rest.splitTop(1)
            bannerRect = split.0
            rest = split.1
        }
        var (body, help) = rest.splitBottom(1)
        var hostsPane: [Pane: Rect] = [:]
        if let hostRows, width >= 80, height >= 24 {
            // A fleet: the Hosts pane across the top, as tall as its hosts (up to a third).
            let (hosts, below) = body.splitTop(min(hostRows, max(4, body.height / 3)))
            hostsPane[.hosts] = hosts
            body = below
        }
        if width >= 110, height >= 24 {
            let (left, chat) = body.splitLeft(min(64, width / 2))
            let (models, lower) = left.splitTop(left.height / 2)
            let (running, pulls) = lower.splitTop(lower.height / 2)
            return DashboardLayout(mode: .wide, status: status, banner: bannerRect, tabBar: nil,
                                   panes: [.models: models, .running: running, .pulls: pulls, .chat: chat].merging(hostsPane) { a, _ in a }, helpBar: help)
        }
        if width >= 80, height >= 24 {
            let (models, lower) = body.splitTop(max(hostRows == nil ? 8 : 6, body.height * 2 / 5))
            let (left, chat) = lower.splitLeft(max(lower.width / 2, min(46, lower.width - 30)))
            let (running, pulls) = left.splitTop(left.height / 2)
            return DashboardLayout(mode: .stacked, status: status, banner: bannerRect, tabBar: nil,
                                   panes: [.models: models, .running: running, .pulls: pulls, .chat: chat].merging(hostsPane) { a, _ in a }, helpBar: help)
        }
        let (tabs, pane) = body.splitTop(1)
        _ = status
        status = full.splitTop(1).0
        return DashboardLayout(mode: .tabs, status: status, banner: bannerRect, tabBar: tabs, panes: [focus: pane], helpBar: help)
    }
}
