#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// One pull started from the dashboard, with progress kept as the reference recommends: per
/// digest the total and the largest `completed` seen, summed; `verifying` or `success` mean 100%.
public struct PullJob: Sendable, Equatable, Identifiable {
    public enum Phase: String, Sendable, Equatable {
        case manifest, downloading, verifying, writing, done, failed, cancelled
    }

    public struct Layer: Sendable, Equatable {
        public var digest: String
        public var total: Int64
        public var completed: Int64
        /// Bytes already on disk when this layer's first line arrived (not counted as speed).
        public var initial: Int64
        public var startedAt: Date
        /// (seconds since start, bytes) samples, at most one a second, the last ten kept.
        var sampleTimes: [Double] = []
        var sampleValues: [Int64] = []

        public var fraction: Double { total > 0 ? min(1, Double(completed) / Double(total)) : 0 }
        public var isComplete: Bool { total > 0 && completed >= total }

        /// Bytes per second over the sampling window (as `ollama pull` computes it).
        public var rate: Double {
            guard let firstTime = sampleTimes.first, let lastTime = sampleTimes.last,
                let firstValue = sampleValues.first, let lastValue = sampleValues.last
            else { return 0 }
            let seconds = (lastTime - firstTime).rounded()
            if sampleTimes.count >= 2, seconds >= 1 { return (Double(lastValue) - Double(firstValue)) / seconds }
            let elapsed = lastTime.rounded()
            return elapsed >= 1 ? (Double(lastValue) - Double(initial)) / elapsed : 0
        }

        /// Seconds left at the current rate, nil when unknown or done.
        public var etaSeconds: Double? {
            let rate = self.rate
            guard rate > 0, !isComplete else { return nil }
            return (Double(total) - Double(completed)) / rate
        }

        mutating func sample(now: Date) {
            let t = now.timeIntervalSince(startedAt)
            if let last = sampleTimes.last, t - last < 1 {
                return
            }
            sampleTimes.append(t)
            sampleValues.append(completed)
            if sampleTimes.count > 10 {
                sampleTimes.removeFirst()
                sampleValues.removeFirst()
            }
        }
    }

    /// What the job does: pull, push, or create.
    public enum Kind: String, Sendable, Equatable {
        case pull, push, create
    }

    public let id: Int
    public var model: String
    /// The host the job runs on.
    public var host: String
    public var kind: Kind = .pull
    public var phase: Phase = .manifest
    /// The last status line, as the server worded it.
    public var statusText = ""
    /// For create: the request, so a restart can send it again.
    public var createRequest: CreateRequest?
    public var layers: [Layer] = []
    public var error: String?
    public var startedAt: Date
    public var lastProgressAt: Date
    /// The running request, for cancellation.
    public var effect: EffectID?
    /// (time, bytes done) samples, at most one a second, the last ten kept.
    var samples: [(Date, Int64)] = []

    public init(id: Int, model: String, host: String, kind: Kind = .pull, now: Date) {
        self.host = host
        self.id = id
        self.model = model
        self.kind = kind
        self.startedAt = now
        self.lastProgressAt = now
    }

    public static func == (lhs: PullJob, rhs: PullJob) -> Bool {
        lhs.id == rhs.id && lhs.phase == rhs.phase && lhs.layers == rhs.layers && lhs.error == rhs.error
            && lhs.model == rhs.model && lhs.kind == rhs.kind && lhs.statusText == rhs.statusText
            && lhs.effect == rhs.effect
    }

    public var isActive: Bool { phase != .done && phase != .failed && phase != .cancelled }

    /// Sum of the layer totals seen so far (grows as layers start).
    public var totalBytes: Int64 { layers.reduce(0) { Format.saturatingAdd($0, $1.total) } }
    public var completedBytes: Int64 { layers.reduce(0) { Format.saturatingAdd($0, min($1.completed, $1.total)) } }

    /// 0…1 over the layers seen; 1 once verifying or done.
    public var fraction: Double {
        if phase == .verifying || phase == .writing || phase == .done { return 1 }
        guard totalBytes > 0 else { return 0 }
        return Double(completedBytes) / Double(totalBytes)
    }

    /// Bytes per second over the sampling window, excluding bytes that were already on disk.
    public var rate: Double {
        guard let first = samples.first, let last = samples.last else { return 0 }
        let seconds = last.0.timeIntervalSince(first.0).rounded()
        if samples.count >= 2, seconds >= 1 { return (Double(last.1) - Double(first.1)) / seconds }
        let elapsed = last.0.timeIntervalSince(startedAt).rounded()
        let initial = layers.reduce(0) { Format.saturatingAdd($0, $1.initial) }
        return elapsed >= 1 ? (Double(last.1) - Double(initial)) / elapsed : 0
    }

    /// Seconds left at the current rate, nil when unknown.
    public var etaSeconds: Double? {
        let rate = self.rate
        guard rate > 0, phase == .downloading else { return nil }
        return (Double(totalBytes) - Double(completedBytes)) / rate
    }

    /// Folds one progress line in.
    public mutating func apply(_ line: ProgressResponse, now: Date) {
        lastProgressAt = now
        let status = line.status
        statusText = status
        if status == "success" {
            phase = .done
            finishLayers()
            return
        }
        if status.hasPrefix("verifying") {
            phase = .verifying
            finishLayers()
            return
        }
        if status.hasPrefix("writing") || status.hasPrefix("removing") {
            phase = .writing
            return
        }
        if status == "pulling manifest" || status == "retrieving manifest" || status == "pushing manifest" {
            phase = status == "pushing manifest" ? .writing : .manifest
            return
        }
        guard let digest = line.digest else { return }
        phase = .downloading
        // A server may send anything: negative numbers count as 0, and done never exceeds the total.
        let total = max(0, line.total ?? 0)
        let completed = max(0, line.completed ?? 0)
        if let index = layers.firstIndex(where: { $0.digest == digest }) {
            layers[index].total = max(layers[index].total, total)
            layers[index].completed = max(layers[index].completed, completed)
            layers[index].sample(now: now)
        } else {
            var layer = Layer(digest: digest, total: total, completed: completed, initial: completed, startedAt: now)
            layer.sample(now: now)
            layers.append(layer)
        }
        if samples.last.map({ now.timeIntervalSince($0.0) >= 1 }) ?? true {
            samples.append((now, completedBytes))
            if samples.count > 10 { samples.removeFirst(samples.count - 10) }
        }
    }

    /// True when an active job has had no progress for `seconds`.
    public func isStalled(now: Date, after seconds: TimeInterval) -> Bool {
        isActive && now.timeIntervalSince(lastProgressAt) > seconds
    }

    mutating func finishLayers() {
        for index in layers.indices { layers[index].completed = layers[index].total }
    }

    /// The layer's digest as the CLI labels it: the first 12 hex characters.
    public static func shortDigest(_ digest: String) -> String {
        let hex = digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
        return String(hex.prefix(12))
    }
}
