#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// The dashboard's panes.
public enum Pane: Int, Sendable, CaseIterable, Equatable {
    case models, running, pulls, chat
    /// Shown only with more than one host.
    case hosts

    public var title: String {
        switch self {
        case .models: return "Models"
        case .running: return "Running"
        case .pulls: return "Pulls"
        case .chat: return "Chat"
        case .hosts: return "Hosts"
        }
    }

    /// The panes shown: the Hosts pane with a fleet.
    public static func shown(fleet: Bool) -> [Pane] { fleet ? [.hosts, .models, .running, .pulls, .chat] : [.models, .running, .pulls, .chat] }
}

/// How the models list is ordered.
public enum ModelSort: String, Sendable, CaseIterable, Equatable {
    case modified, name, size, host

    /// Newest and biggest first; names and hosts A to Z (hosts in the order they were named).
    public var defaultDescending: Bool { self != .name && self != .host }

    /// The next order; sorting by host only when there are several.
    public func next(fleet: Bool) -> ModelSort {
        let all = fleet ? ModelSort.allCases : [.modified, .name, .size]
        return all[((all.firstIndex(of: self) ?? -1) + 1) % all.count]
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
    /// Which model to pull, and onto which host.
    case pullPrompt(PullPrompt)
    /// A one-line question about a model: a new name for copy or rename, or a keep-alive.
    case prompt(Prompt)
    /// Delete these models? Defaults to No.
    case confirmDelete([DeleteCandidate])
    /// A copy or rename onto a name that exists: replace it? Defaults to No.
    case confirmReplace(ModelOperation, host: String, existing: DeleteCandidate)
    /// Push this model? Defaults to No.
    case confirmPush(ModelRef)
    case createForm(CreateForm)
    case details(DetailsState)
    case sessions(SessionListState)
    /// `/tools`: the tool servers, their state and tools; switch tools off and on, restart a server.
    case tools(ToolsOverlayState)
}

/// The pull prompt: a model name, and the host it goes to (Tab moves between hosts).
public struct PullPrompt: Sendable, Equatable {
    public var input = TextInput()
    public var host: String
    public var error: String?

    public init(host: String, input: TextInput = TextInput(), error: String? = nil) {
        self.host = host
        self.input = input
        self.error = error
    }
}

/// A one-line prompt about one model on one host.
public struct Prompt: Sendable, Equatable {
    public enum Purpose: Sendable, Equatable { case copy, rename, keepAlive }
    public var purpose: Purpose
    public var model: String
    public var host: String
    public var input: TextInput
    public var error: String?

    public init(purpose: Purpose, model: String, host: String, input: TextInput = TextInput(), error: String? = nil) {
        self.purpose = purpose
        self.model = model
        self.host = host
        self.input = input
        self.error = error
    }

    /// The question; with several hosts it names the host the answer acts on.
    public func title(fleet: Bool) -> String {
        let model = fleet ? "\(self.model) on \(host)" : self.model
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
    public var host: String
    public var size: Int64
    public var loaded: Bool

    public init(name: String, host: String, size: Int64, loaded: Bool) {
        self.name = name
        self.host = host
        self.size = size
        self.loaded = loaded
    }
}

/// The create form: a new model derived from `source` with a system prompt and parameters.
public struct CreateForm: Sendable, Equatable {
    public var source: String
    /// The host the source is on, where the new model is made.
    public var host: String
    public var name = TextInput()
    public var system = TextInput()
    public var parameters = TextInput()
    /// 0 name, 1 system, 2 parameters.
    public var field = 0
    public var error: String?

    public init(source: String, host: String) {
        self.source = source
        self.host = host
    }
}

/// The details overlay: loading, or the model's sections, scrolled, with a search.
public struct DetailsState: Sendable, Equatable {
    public var model: String
    /// The host asked; nil for a text of our own (a job's error).
    public var host: String?
    /// With several hosts: where else a model of this name is, and whether it is the same one.
    public var elsewhere: [DetailLine] = []
    public var lines: [DetailLine]?
    public var error: String?
    /// Where the sections are scrolled, and their search.
    public var view = ScrolledSearch()
    public var scroll: Int { view.scroll }
    public var search: TextInput { view.search }
    public var isSearching: Bool { view.isSearching }

    public init(model: String, host: String? = nil) {
        self.model = model
        self.host = host
    }
}

/// One line of the details overlay.
public struct DetailLine: Sendable, Equatable {
    public var text: String
    public var isHeading: Bool
}

/// Everything the dashboard shows. Changed only by ``update(_:_:)``.
///
/// By concern: ``hosts`` holds each server's data and refresh schedule (``HostState``), ``chats``
/// each chat pane (``ChatPane``), ``overlay`` the open dialog with its own state; what is left here
/// is the frame (size, clock, focus), the list panes' view state and the scheduling counters.
public struct AppState: Sendable, Equatable {
    /// The servers, in the order they were named. Never empty.
    public var hosts: [HostState]
    /// The host new chats and pulls go to when no row says otherwise.
    public var defaultHost: String
    public var isDemo: Bool
    /// True when a demo can be offered (no host was named explicitly).
    public var canOfferDemo: Bool
    /// While a demo started with `d` runs: the server it replaced, which `d` goes back to.
    public var demoReturnHost: String?
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

    /// The Models pane: its order, filter, selection and marks, and the rows they give.
    public var modelsPane = ModelsPane()

    // Running pane
    public var selectedRunning: ModelRef?

    // Hosts pane
    public var selectedHost: String?

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

    /// The MCP servers whose tools chat panes offer to tool-capable models.
    public var tools = ToolsState()

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
    /// A message for the status area (errors from actions).
    public var notice: String?
    public var noticeAt: Date?
    public var wantsQuit = false
    /// Mixed into new session keys; the runtime sets a random one per run.
    public var sessionKeySalt = ""

    /// One server, named after its URL: the dashboard as it was before fleets.
    public init(host: String, now: Date, isDemo: Bool = false, canOfferDemo: Bool = false) {
        self.init(hosts: [HostEndpoint(name: HostEndpoint.defaultName(for: host), url: host)], now: now,
                  isDemo: isDemo, canOfferDemo: canOfferDemo)
    }

    /// Several servers (at least one); the first is the default unless `defaultHost` names another.
    public init(hosts endpoints: [HostEndpoint], defaultHost: String? = nil, now: Date, isDemo: Bool = false, canOfferDemo: Bool = false) {
        precondition(!endpoints.isEmpty, "a dashboard needs a host")
        self.hosts = endpoints.map { HostState($0, now: now) }
        self.defaultHost = defaultHost.flatMap { name in endpoints.contains { $0.name == name } ? name : nil } ?? endpoints[0].name
        self.now = now
        self.isDemo = isDemo
        self.canOfferDemo = canOfferDemo
    }

    public static func == (lhs: AppState, rhs: AppState) -> Bool {
        lhs.hosts == rhs.hosts && lhs.defaultHost == rhs.defaultHost && lhs.focus == rhs.focus && lhs.overlay == rhs.overlay
            && lhs.modelsPane == rhs.modelsPane
            && lhs.pulls == rhs.pulls && lhs.chats == rhs.chats && lhs.activeChat == rhs.activeChat && lhs.compareMode == rhs.compareMode && lhs.width == rhs.width && lhs.height == rhs.height
            && lhs.notice == rhs.notice && lhs.wantsQuit == rhs.wantsQuit
            && lhs.selectedRunning == rhs.selectedRunning
            && lhs.selectedPull == rhs.selectedPull && lhs.selectedHost == rhs.selectedHost && lhs.tools == rhs.tools

    }

    /// More than one server: host columns, the Hosts pane and `model@host` titles show.
    public var isFleet: Bool { hosts.count > 1 }

    /// The index of the host with this name.
    public func hostIndex(_ name: String) -> Int? { hosts.firstIndex { $0.name == name } }

    /// The host with this name.
    public func host(named name: String) -> HostState? { hostIndex(name).map { hosts[$0] } }

    /// The one server of a single-host dashboard (the first of a fleet).
    public var primary: HostState { hosts[0] }

    /// Every host's loaded models, host by host.
    public var runningRows: [RunningRow] {
        hosts.flatMap { host in host.running.map { RunningRow(host: host.name, model: $0) } }
    }

    /// The installed model a row names.
    public func installedModel(_ ref: ModelRef) -> InstalledModel? {
        host(named: ref.host)?.models.first { $0.name == ref.name }
    }

    public var hasActiveWork: Bool { chats.contains(where: \.isStreaming) || pulls.contains(where: \.isActive) }

    /// The index of the pane with this id.
    public func chatIndex(id: Int) -> Int? { chats.firstIndex { $0.id == id } }

    public mutating func makeEffectID() -> EffectID {
        defer { nextEffectID += 1 }
        return nextEffectID
    }
}
