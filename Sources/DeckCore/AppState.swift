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
    case help(HelpState)
    case confirmQuit
    case pullPrompt(TextInput, error: String?)
    /// A one-line question about a model: a new name for copy or rename, or a keep-alive.
    case prompt(Prompt)
    /// Delete these models? Defaults to No.
    case confirmDelete([DeleteCandidate])
    /// A copy or rename onto a name that exists: replace it? Defaults to No.
    case confirmReplace(ModelOperation, existing: DeleteCandidate)
    /// Push this model? Defaults to No.
    case confirmPush(String)
    case createForm(CreateForm)
    case details(DetailsState)
    case sessions(SessionListState)
}

/// A one-line prompt about one model.
public struct Prompt: Sendable, Equatable {
    public enum Purpose: Sendable, Equatable { case copy, rename, keepAlive }
    public var purpose: Purpose
    public var model: String
    public var input: TextInput
    public var error: String?

    public init(purpose: Purpose, model: String, input: TextInput = TextInput(), error: String? = nil) {
        self.purpose = purpose
        self.model = model
        self.input = input
        self.error = error
    }

    public var title: String {
        switch purpose {
        case .copy: return "Copy \(model) as"
        case .rename: return "Rename \(model) to"
        case .keepAlive: return "Keep \(model) loaded for"
        }
    }

    public var hint: String {
        switch purpose {
        case .copy, .rename: return "name[:tag], e.g. my-model:v2"
        case .keepAlive: return "5m, 1h, 90s, forever, or 0 to unload"
        }
    }
}

/// A model offered for deletion, with its size for the question.
public struct DeleteCandidate: Sendable, Equatable {
    public var name: String
    public var size: Int64
    public var loaded: Bool

    public init(name: String, size: Int64, loaded: Bool) {
        self.name = name
        self.size = size
        self.loaded = loaded
    }
}

/// The create form: a new model derived from `source` with a system prompt and parameters.
public struct CreateForm: Sendable, Equatable {
    public var source: String
    public var name = TextInput()
    public var system = TextInput()
    public var parameters = TextInput()
    /// 0 name, 1 system, 2 parameters.
    public var field = 0
    public var error: String?

    public init(source: String) { self.source = source }
}

/// The details overlay: loading, or the model's sections, scrolled, with a search.
public struct DetailsState: Sendable, Equatable {
    public var model: String
    public var lines: [DetailLine]?
    public var error: String?
    /// Where the sections are scrolled, and their search.
    public var view = ScrolledSearch()
    public var scroll: Int { view.scroll }
    public var search: TextInput { view.search }
    public var isSearching: Bool { view.isSearching }

    public init(model: String) { self.model = model }
}

/// One line of the details overlay.
public struct DetailLine: Sendable, Equatable {
    public var text: String
    public var isHeading: Bool
}

/// Everything the dashboard shows. Changed only by ``update(_:_:)``.
public struct AppState: Sendable, Equatable {
    public var host: String
    public var isDemo: Bool
    /// True when a demo can be offered (no host was named explicitly).
    public var canOfferDemo: Bool
    /// While a demo started with `d` runs: the server it replaced, which `d` goes back to.
    public var demoReturnHost: String?
    public var connection: ConnectionState = .connecting
    /// What a reachable server answered oddly, by request ("version", "models", "running"):
    /// shown as "server answered, but …" instead of offline.
    public var serverProblems: [String: String] = [:]
    public var width: Int = 80
    public var height: Int = 24
    /// Now, on the monotonic scale every interval uses (refreshes, retries, stalls, notices).
    public var now: Date
    /// The wall clock's distance from ``now``: it moves only when someone sets the clock.
    public var wallClockOffset: TimeInterval = 0
    /// The wall clock: for the time of day shown, and for comparing with the server's dates.
    public var wallNow: Date { now.addingTimeInterval(wallClockOffset) }
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
    /// Models marked with Space for a bulk delete.
    public var marked: Set<String> = []

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
    /// A job with no progress for this long is marked stalled.
    public var stallSeconds: TimeInterval = 30

    // Chat panes (up to four side by side)
    public var chats: [ChatPane] = [ChatPane(id: 1)]
    public var activeChat = 0
    public var nextChatID = 2
    /// One prompt goes to every pane.
    public var compareMode = false

    /// The chat pane that has the keyboard.
    public var chat: ChatPane {
        get { chats[activeChat] }
        set { chats[activeChat] = newValue }
    }

    public static let maxChatPanes = 4
    /// Below this size only a "too small" message shows.
    public static let minimumWidth = 40
    public static let minimumHeight = 10

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
    /// Mixed into new session keys; the runtime sets a random one per run.
    public var sessionKeySalt = ""

    public init(host: String, now: Date, isDemo: Bool = false, canOfferDemo: Bool = false) {
        self.host = host
        self.now = now
        self.isDemo = isDemo
        self.canOfferDemo = canOfferDemo
        self.nextRunningRefresh = now
        self.nextModelsRefresh = now
    }

    public static func == (lhs: AppState, rhs: AppState) -> Bool {
        lhs.host == rhs.host && lhs.connection == rhs.connection && lhs.serverProblems == rhs.serverProblems && lhs.focus == rhs.focus && lhs.overlay == rhs.overlay
            && lhs.models == rhs.models && lhs.sort == rhs.sort && lhs.sortDescending == rhs.sortDescending
            && lhs.filter == rhs.filter && lhs.selectedModel == rhs.selectedModel && lhs.running == rhs.running
            && lhs.pulls == rhs.pulls && lhs.chats == rhs.chats && lhs.activeChat == rhs.activeChat && lhs.compareMode == rhs.compareMode && lhs.width == rhs.width && lhs.height == rhs.height
            && lhs.modelsStale == rhs.modelsStale && lhs.notice == rhs.notice && lhs.wantsQuit == rhs.wantsQuit
            && lhs.isEditingFilter == rhs.isEditingFilter && lhs.selectedRunning == rhs.selectedRunning
            && lhs.vanished.map(\.name) == rhs.vanished.map(\.name) && lhs.selectedPull == rhs.selectedPull
            && lhs.marked == rhs.marked
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

    /// The first thing a reachable server answered oddly, for the banner.
    public var serverProblem: String? {
        ["version", "models", "running"].lazy.compactMap { self.serverProblems[$0] }.first
    }

    public var hasActiveWork: Bool { chats.contains(where: \.isStreaming) || pulls.contains(where: \.isActive) }

    /// The index of the pane with this id.
    public func chatIndex(id: Int) -> Int? { chats.firstIndex { $0.id == id } }

    public mutating func makeEffectID() -> EffectID {
        defer { nextEffectID += 1 }
        return nextEffectID
    }
}
