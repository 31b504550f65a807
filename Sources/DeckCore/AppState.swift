#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// The dashboard's panes.
public enum Pane: Int, Sendable, CaseIterable, Equatable {
    case models, running, pulls, chat

    public var title: String {
        switch self {
        case .models: return "Models"
        case .running: return "Running"
        case .pulls: return "Pulls"
        case .chat: return "Chat"
        }
    }
}

/// How the models list is ordered.
public enum ModelSort: String, Sendable, CaseIterable, Equatable {
    case modified, name, size

    /// Newest and biggest first; names A to Z.
    public var defaultDescending: Bool { self != .name }

    public var next: ModelSort {
        let all = ModelSort.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// Whether the server answers.
public enum ConnectionState: Sendable, Equatable {
    case connecting
    case online(version: String)
    case offline(reason: String, retryAt: Date)

    public var isOnline: Bool {
        if case .online = self { return true }
        return false
    }
}

/// A modal layer over the panes.
public enum Overlay: Sendable, Equatable {
    case help
    case confirmQuit
    case pullPrompt(TextInput, error: String?)
}

/// Everything the dashboard shows. Changed only by ``update(_:_:)``.
public struct AppState: Sendable, Equatable {
    public var host: String
    public var isDemo: Bool
    /// True when a demo can be offered (no host was named explicitly).
    public var canOfferDemo: Bool
    public var connection: ConnectionState = .connecting
    public var width: Int = 80
    public var height: Int = 24
    public var now: Date
    public var utcOffsetSeconds: Int = 0

    public var focus: Pane = .models
    public var overlay: Overlay?

    // Models pane
    public var models: [InstalledModel] = []
    public var modelsLoadedOnce = false
    public var modelsStale = false
    public var sort: ModelSort = .modified
    public var sortDescending = true
    public var filter = TextInput()
    public var isEditingFilter = false
    public var selectedModel: String?
    public var modelsScroll = 0

    // Running pane
    public var running: [RunningModel] = []
    public var runningStale = false
    public var selectedRunning: String?
    /// Models that left memory, with when it was noticed, shown for a while.
    public var vanished: [(name: String, at: Date)] = []

    // Pulls pane
    public var pulls: [PullJob] = []
    public var selectedPull: Int?
    public var nextPullID = 1

    // Chat pane
    public var chat = ChatPane()

    // Scheduling
    public var nextEffectID: EffectID = 1
    public var retryDelay: TimeInterval = 1
    public var nextRunningRefresh: Date
    public var nextModelsRefresh: Date
    public var pendingRequests = 0
    /// A message for the status area (errors from actions).
    public var notice: String?
    public var noticeAt: Date?
    public var wantsQuit = false

    public init(host: String, now: Date, isDemo: Bool = false, canOfferDemo: Bool = false) {
        self.host = host
        self.now = now
        self.isDemo = isDemo
        self.canOfferDemo = canOfferDemo
        self.nextRunningRefresh = now
        self.nextModelsRefresh = now
    }

    public static func == (lhs: AppState, rhs: AppState) -> Bool {
        lhs.host == rhs.host && lhs.connection == rhs.connection && lhs.focus == rhs.focus && lhs.overlay == rhs.overlay
            && lhs.models == rhs.models && lhs.sort == rhs.sort && lhs.sortDescending == rhs.sortDescending
            && lhs.filter == rhs.filter && lhs.selectedModel == rhs.selectedModel && lhs.running == rhs.running
            && lhs.pulls == rhs.pulls && lhs.chat == rhs.chat && lhs.width == rhs.width && lhs.height == rhs.height
            && lhs.modelsStale == rhs.modelsStale && lhs.notice == rhs.notice && lhs.wantsQuit == rhs.wantsQuit
            && lhs.isEditingFilter == rhs.isEditingFilter && lhs.selectedRunning == rhs.selectedRunning
            && lhs.vanished.map(\.name) == rhs.vanished.map(\.name) && lhs.selectedPull == rhs.selectedPull
    }

    /// The models shown: filtered by the filter text (case-insensitive substring of name or
    /// family), then sorted.
    public var visibleModels: [InstalledModel] {
        let needle = filter.text.lowercased()
        let matching = needle.isEmpty
            ? models
            : models.filter { $0.name.lowercased().contains(needle) || $0.details.family.lowercased().contains(needle) }
        let ascending: [InstalledModel]
        switch sort {
        case .name: ascending = matching.sorted { $0.name < $1.name }
        case .size: ascending = matching.sorted { ($0.size, $0.name) < ($1.size, $1.name) }
        case .modified: ascending = matching.sorted { ($0.modifiedAt, $0.name) < ($1.modifiedAt, $1.name) }
        }
        return sortDescending ? ascending.reversed() : ascending
    }

    /// Index of the selected model in ``visibleModels``.
    public var selectedModelIndex: Int? {
        guard let selectedModel else { return nil }
        return visibleModels.firstIndex { $0.name == selectedModel }
    }

    public var hasActiveWork: Bool { chat.isStreaming || pulls.contains(where: \.isActive) }

    public mutating func makeEffectID() -> EffectID {
        defer { nextEffectID += 1 }
        return nextEffectID
    }
}
