#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A model loaded in the simulator's pretend memory.
public struct SimLoadedModel: Sendable, Equatable {
    public var model: SimModel
    public var expiresAt: Date
    public var sizeInMemory: Int64
    public var sizeVRAM: Int64
    public var contextLength: Int
}

/// What the simulator has seen, for tests to assert on.
public struct SimStats: Sendable, Equatable {
    /// The most recent requests (at most ``requestHistoryLimit``), as `METHOD /path`, oldest first.
    public var requests: [String] = []
    /// Requests received in all, however many the history still holds.
    public var requestCount = 0
    /// A long demo must not grow without bound.
    public static let requestHistoryLimit = 1000
    /// Streams whose client went away before the stream ended.
    public var clientDisconnects = 0
    /// Streams that ran to their end.
    public var completedStreams = 0
    /// Streams currently being written.
    public var activeStreams = 0
    /// The headers of the most recent request, names lower-cased.
    public var lastHeaders: [String: String] = [:]
}

/// The simulator's mutable world: installed models, loaded models, partial downloads.
public actor SimState {
    let configuration: SimConfiguration
    private(set) var installed: [String: SimModel] = [:]
    private(set) var loaded: [String: SimLoadedModel] = [:]
    /// Bytes of each blob already on disk, so an interrupted pull resumes.
    private var blobsOnDisk: [String: Int64] = [:]
    private var random: SeededRandom
    public private(set) var stats = SimStats()

    init(configuration: SimConfiguration) {
        self.configuration = configuration
        self.random = SeededRandom(seed: configuration.seed)
        for model in configuration.installed {
            installed[model.name] = model
            for layer in model.layers { blobsOnDisk[layer.digest] = layer.size }
        }
    }

    // MARK: Stats

    func record(request: String, headers: [(String, String)]) {
        stats.requests.append(request)
        stats.requestCount += 1
        if stats.requests.count > SimStats.requestHistoryLimit { stats.requests.removeFirst(stats.requests.count - SimStats.requestHistoryLimit / 2) }
        stats.lastHeaders = Dictionary(headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { _, last in last })
    }
    func streamStarted() { stats.activeStreams += 1 }
    func streamEnded(clientLeft: Bool) {
        stats.activeStreams -= 1
        if clientLeft { stats.clientDisconnects += 1 } else { stats.completedStreams += 1 }
    }

    // MARK: Library

    /// Installed models, newest first (as `/api/tags` sorts them).
    func installedModels() -> [SimModel] {
        installed.values.sorted { ($0.modifiedAt, $0.name) > ($1.modifiedAt, $1.name) }
    }

    func model(named raw: String) -> SimModel? { installed[ModelName.normalize(raw)] }

    func registryModel(named raw: String) -> SimModel? {
        let name = ModelName.normalize(raw)
        return configuration.registry.first { $0.name == name }
    }

    func install(_ model: SimModel) { installed[model.name] = model }

    @discardableResult
    func remove(named raw: String) -> SimModel? { installed.removeValue(forKey: ModelName.normalize(raw)) }

    func blobBytesOnDisk(_ digest: String) -> Int64 { blobsOnDisk[digest] ?? 0 }
    func setBlobBytes(_ digest: String, _ bytes: Int64) { blobsOnDisk[digest] = bytes }

    func nextRandom() -> UInt64 { random.next() }

    // MARK: Memory

    /// Loaded models, longest-lived first (as `/api/ps` sorts them); expired ones are dropped.
    func loadedModels(now: Date = Date()) -> [SimLoadedModel] {
        expire(now: now)
        return loaded.values.sorted { ($0.expiresAt, $0.model.name) > ($1.expiresAt, $1.model.name) }
    }

    func isLoaded(_ name: String, now: Date = Date()) -> Bool {
        expire(now: now)
        return loaded[name] != nil
    }

    /// Marks a model loaded (or refreshes its expiry). Returns true when it was not loaded before.
    @discardableResult
    func load(_ model: SimModel, keepAliveSeconds: Double, contextLength: Int?, now: Date = Date()) -> Bool {
        expire(now: now)
        let wasLoaded = loaded[model.name] != nil
        let expires = Self.expiry(keepAliveSeconds: keepAliveSeconds, now: now)
        if var existing = loaded[model.name] {
            existing.expiresAt = expires
            loaded[model.name] = existing
            return false
        }
        let context = contextLength ?? min(model.contextLength, 4096)
        let memory = model.size + Int64(context) * 131_072 + 300_000_000
        let usedVRAM = loaded.values.reduce(Int64(0)) { $0 + $1.sizeVRAM }
        let freeVRAM = max(0, configuration.gpuMemoryBytes - usedVRAM)
        let vram = min(memory, freeVRAM)
        loaded[model.name] = SimLoadedModel(
            model: model, expiresAt: expires, sizeInMemory: memory, sizeVRAM: vram, contextLength: context)
        return !wasLoaded
    }

    func unload(_ name: String) { loaded.removeValue(forKey: name) }

    private func expire(now: Date) {
        for (name, entry) in loaded where entry.expiresAt <= now { loaded.removeValue(forKey: name) }
    }

    /// Negative keep-alive means "forever": now + the largest Go duration (about the year 2318).
    static func expiry(keepAliveSeconds: Double, now: Date) -> Date {
        if keepAliveSeconds < 0 { return now.addingTimeInterval(Double(Int64.max) / 1e9) }
        return now.addingTimeInterval(keepAliveSeconds)
    }
}
