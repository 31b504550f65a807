#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// A server as the dashboard knows it: a short name and the URL it is reached at (never with
/// credentials: those stay in the runtime's client configuration).
public struct HostEndpoint: Sendable, Equatable {
    public var name: String
    public var url: String

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    /// The name a host gets when none is given: its host part, with the port when it is not
    /// Ollama's default (`gpu-box`, `127.0.0.1:11500`).
    public static func defaultName(for url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasSuffix(":11434") { rest = rest.dropLast(6) }
        return rest.isEmpty ? url : String(rest)
    }
}

/// A model that left memory, with when it was noticed (shown for a while).
public struct VanishedModel: Sendable, Equatable {
    public var name: String
    public var at: Date
}

/// One second of a host's activity, for the Hosts pane's sparklines.
public struct HostSample: Sendable, Equatable {
    /// Tokens streamed from the host in that second (chunks of chat replies).
    public var tokensPerSecond: Double
    /// Memory the loaded models held (sum of `size`), and the part in VRAM.
    public var memory: Int64
    public var vram: Int64
    /// A model was loaded, or left memory, since the previous sample.
    public var loaded: Bool
    public var evicted: Bool

    public init(tokensPerSecond: Double, memory: Int64, vram: Int64, loaded: Bool = false, evicted: Bool = false) {
        self.tokensPerSecond = tokensPerSecond
        self.memory = memory
        self.vram = vram
        self.loaded = loaded
        self.evicted = evicted
    }
}

/// Everything known about one server: what it answered, when to ask again, and how busy it is.
/// Each host is refreshed on its own schedule with its own backoff, so one dead or slow host never
/// delays the others.
public struct HostState: Sendable, Equatable {
    public let name: String
    public var url: String
    public var connection: ConnectionState = .connecting
    /// What a reachable server answered oddly, by request ("version", "models", "running"):
    /// shown as "server answered, but …" instead of offline.
    public var serverProblems: [String: String] = [:]

    /// Set by the update when the host's list arrives (the Models pane's index follows it).
    public internal(set) var models: [InstalledModel] = [] {
        didSet { cloudModels = Set(models.lazy.filter(\.isCloud).map(\.name)) }
    }
    /// The names of its cloud models, for what a frame asks per pane (no scan of the list).
    public private(set) var cloudModels: Set<String> = []
    public var modelsLoadedOnce = false
    public var modelsStale = false
    public var running: [RunningModel] = []
    public var runningStale = false
    public var runningLoadedOnce = false
    public var vanished: [VanishedModel] = []

    public var retryDelay: TimeInterval = 1
    public var nextRunningRefresh: Date
    public var nextModelsRefresh: Date
    /// Refresh requests in flight (a host never has more than a few).
    public var pendingRequests = 0
    /// The last `/api/ps` refresh's round trip.
    public var roundTrip: TimeInterval?

    /// Chat chunks streamed from this host since the last sample.
    public var tokensSinceSample = 0
    public var lastSampleAt: Date
    /// A load or an eviction seen since the last sample.
    var loadSinceSample = false
    var evictionSinceSample = false
    /// The last few minutes, one sample a second, oldest first.
    public var samples: [HostSample] = []
    public static let maxSamples = 180

    public init(_ endpoint: HostEndpoint, now: Date) {
        self.name = endpoint.name
        self.url = endpoint.url
        self.nextRunningRefresh = now
        self.nextModelsRefresh = now
        self.lastSampleAt = now
    }

    /// The disk the installed models take.
    public var diskTotal: Int64 {
        var total: Int64 = 0
        for model in models { total = Format.saturatingAdd(total, model.size) }
        return total
    }

    /// Memory the loaded models hold, and how much of it is in VRAM.
    public var memoryTotal: Int64 {
        var total: Int64 = 0
        for model in running { total = Format.saturatingAdd(total, model.size) }
        return total
    }

    public var vramTotal: Int64 {
        var total: Int64 = 0
        for model in running { total = Format.saturatingAdd(total, model.sizeVRAM) }
        return total
    }

    /// Tokens per second in the latest sample (what is streaming from it right now).
    public var tokensPerSecond: Double { samples.last?.tokensPerSecond ?? 0 }

    /// The first thing this server answered oddly, for the banner.
    public var serverProblem: String? {
        ["version", "models", "running"].lazy.compactMap { self.serverProblems[$0] }.first
    }

    /// The installed model a name refers to, as Ollama resolves names: no tag means `:latest`, and
    /// case does not matter.
    public func installedModel(named name: String) -> InstalledModel? {
        let wanted = ModelNameCheck.canonical(name)
        return models.first { ModelNameCheck.canonical($0.name) == wanted }
    }

    /// Closes the current second: tokens streamed and memory held, with loads and evictions marked.
    mutating func takeSample(now: Date) {
        let elapsed = max(0.001, now.timeIntervalSince(lastSampleAt))
        let rate = elapsed > 10 ? 0 : Double(tokensSinceSample) / max(1, elapsed.rounded())
        samples.append(HostSample(
            tokensPerSecond: rate, memory: memoryTotal, vram: vramTotal,
            loaded: loadSinceSample, evicted: evictionSinceSample))
        if samples.count > Self.maxSamples { samples.removeFirst(samples.count - Self.maxSamples) }
        tokensSinceSample = 0
        loadSinceSample = false
        evictionSinceSample = false
        lastSampleAt = now
    }
}

/// A model on a host: how the Models and Running panes, marks and operations name a row.
public struct ModelRef: Sendable, Hashable {
    public var host: String
    public var name: String

    public init(host: String, name: String) {
        self.host = host
        self.name = name
    }
}

/// A row of the Models pane: an installed model and the host it is on.
public struct ModelRow: Sendable, Equatable {
    public var host: String
    /// The host's place in the fleet, for sorting by host.
    public var hostOrder: Int
    public var model: InstalledModel

    public var name: String { model.name }
    public var ref: ModelRef { ModelRef(host: host, name: model.name) }
}

/// A row of the Running pane: a loaded model and its host.
public struct RunningRow: Sendable, Equatable {
    public var host: String
    public var model: RunningModel

    public var name: String { model.name }
    public var ref: ModelRef { ModelRef(host: host, name: model.name) }
}

/// The Models filter: words match a model's name or family; `@name` narrows to hosts whose name
/// starts with it (several `@` terms: any of them).
public struct ModelFilter: Sendable, Equatable {
    public var hostPrefixes: [String]
    public var needle: String

    public init(_ text: String) {
        var hosts: [String] = []
        var words: [Substring] = []
        for word in text.lowercased().split(separator: " ") {
            if word.first == "@" {
                if word.count > 1 { hosts.append(String(word.dropFirst())) }
            } else {
                words.append(word)
            }
        }
        hostPrefixes = hosts
        needle = words.joined(separator: " ")
    }

    public func admits(host: String) -> Bool {
        if hostPrefixes.isEmpty { return true }
        let lower = host.lowercased()
        return hostPrefixes.contains { lower.hasPrefix($0) }
    }

    public func admits(_ model: InstalledModel) -> Bool {
        needle.isEmpty || model.name.lowercased().contains(needle) || model.details.family.lowercased().contains(needle)
    }
}
