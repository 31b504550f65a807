import Algorithms
/// Faults the simulator can inject, globally (`--fault`) or per request (`X-Sim-Fault` header).
public enum SimFault: String, Sendable, CaseIterable {
    /// Close the connection in the middle of a stream.
    case drop
    /// Send `{"error": ...}` in the middle of a 200 stream.
    case error
    /// Answer HTTP 500 before anything else.
    case http500 = "http-500"
    /// Wait before sending the first byte.
    case slow
    /// Send a line that is not JSON in the middle of a stream.
    case malformed
    /// Send one very long line in the middle of a stream.
    case longLine = "long-line"
    /// Send bytes that are not valid UTF-8 inside a string.
    case invalidUTF8 = "invalid-utf8"
    /// Accept the request and never answer.
    case hang
    /// Go silent in the middle of a stream, keeping the connection open (a wedged model runner).
    case stall
    /// Replies carry terminal escapes (OSC 52 clipboard write, clear screen, title change, C1 CSI,
    /// a bidi override): what a hostile model might emit. The model list gains a model whose name
    /// and family carry escapes, and an `error` fault's message does too. A client must never pass
    /// them through.
    case escapes

    /// Parses a comma-separated list such as `drop,slow`; unknown names are reported.
    public static func parseList(_ text: String) -> (faults: Set<SimFault>, unknown: [String]) {
        var faults = Set<SimFault>()
        var unknown: [String] = []
        for part in text.split(separator: ",") {
            let name = part.trimming(while: \.isWhitespace).lowercased()
            if name.isEmpty { continue }
            if let fault = SimFault(rawValue: name) { faults.insert(fault) } else { unknown.append(name) }
        }
        return (faults, unknown)
    }
}

/// Everything that shapes a simulator run.
public struct SimConfiguration: Sendable {
    /// The address to bind; loopback only unless changed on purpose.
    public var bindHost = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    /// Makes replies, digests and timings reproducible.
    public var seed: UInt64 = 42
    /// Generation speed for chat and generate.
    public var tokensPerSecond: Double = 40
    /// Tokens in a reply when the request sets no `num_predict`.
    public var replyTokens = 120
    /// Simulated download speed for pulls (and upload for pushes).
    public var pullBytesPerSecond: Double = 400_000_000
    /// How often pull progress lines are sent (the real server ticks every 60 ms).
    public var progressInterval: Duration = .milliseconds(60)
    /// How long loading a model into memory takes.
    public var loadDelay: Duration = .milliseconds(250)
    /// Default keep-alive, in seconds.
    public var defaultKeepAlive: Double = 300
    /// Reported by `/api/version`.
    public var version = "0.32.15"
    /// Faults applied to every request.
    public var faults: Set<SimFault> = []
    /// How many stream lines go out before a mid-stream fault strikes.
    public var faultAfterLines = 3
    /// The delay of the `slow` fault.
    public var slowFirstByte: Duration = .seconds(2)
    /// The size of the `long-line` fault's line.
    public var longLineBytes = 10 * 1024 * 1024
    /// Models installed at start.
    public var installed: [SimModel] = SimCatalog.installed
    /// Models the pretend registry can serve.
    public var registry: [SimModel] = SimCatalog.registry
    /// The server's local UTC offset, used for `modified_at` and `expires_at` as the real server does.
    public var utcOffsetSeconds = -7 * 3600
    /// Simulated GPU memory; models that do not fit are split between CPU and GPU.
    public var gpuMemoryBytes: Int64 = 8 * 1024 * 1024 * 1024

    public init() {}

    /// A configuration for tests: fast tokens, fast pulls, short loads.
    public static var fast: SimConfiguration {
        var configuration = SimConfiguration()
        configuration.tokensPerSecond = 2000
        configuration.replyTokens = 24
        configuration.pullBytesPerSecond = 50_000_000_000
        configuration.progressInterval = .milliseconds(5)
        configuration.loadDelay = .milliseconds(5)
        configuration.slowFirstByte = .milliseconds(300)
        return configuration
    }
}
