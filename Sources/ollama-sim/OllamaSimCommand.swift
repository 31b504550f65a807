import ArgumentParser
import OllamaSim

#if canImport(Glibc)
import Glibc
#endif

@main
struct OllamaSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ollama-sim",
        abstract: "A simulated Ollama server for tests, demos and benchmarks (loopback only by default).",
        discussion: """
            Faults (--fault, or per request with the header X-Sim-Fault: NAME[,NAME]):
              drop, error, http-500, slow, malformed, long-line, invalid-utf8, hang, stall
            X-Sim-Fault-After: N sets how many stream lines go out before a mid-stream fault.
            """)

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 11434

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Seed for replies and digests.")
    var seed: UInt64 = 42

    @Option(name: .customLong("token-rate"), help: "Tokens per second for chat and generate.")
    var tokenRate: Double = 40

    @Option(name: .customLong("reply-tokens"), help: "Tokens in a reply when the request sets no num_predict.")
    var replyTokens: Int = 120

    @Option(name: .customLong("pull-rate"), help: "Simulated download speed in bytes per second.")
    var pullRate: Double = 400_000_000

    @Option(name: .customLong("load-ms"), help: "Milliseconds to load a model into memory.")
    var loadMilliseconds: Int = 250

    @Option(help: "Fault(s) applied to every request, comma-separated.")
    var fault: String = ""

    @Option(name: .customLong("fault-after"), help: "Stream lines sent before a mid-stream fault.")
    var faultAfter: Int = 3

    @Option(name: .customLong("extra-models"), help: "Install this many extra synthetic models (big-list tests).")
    var extraModels: Int = 0

    func validate() throws {
        let parsed = SimFault.parseList(fault)
        if !parsed.unknown.isEmpty {
            throw ValidationError(
                "unknown fault \(parsed.unknown.joined(separator: ", ")); known: "
                    + SimFault.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if !(0...65535).contains(port) { throw ValidationError("port must be between 0 and 65535") }
        if tokenRate <= 0 { throw ValidationError("--token-rate must be positive") }
        if pullRate <= 0 { throw ValidationError("--pull-rate must be positive") }
    }

    func run() async throws {
        var configuration = SimConfiguration()
        configuration.bindHost = host
        configuration.port = port
        configuration.seed = seed
        configuration.tokensPerSecond = tokenRate
        configuration.replyTokens = replyTokens
        configuration.pullBytesPerSecond = pullRate
        configuration.loadDelay = .milliseconds(loadMilliseconds)
        configuration.faults = SimFault.parseList(fault).faults
        configuration.faultAfterLines = faultAfter
        if extraModels > 0 {
            configuration.installed += SimCatalog.synthetic(count: extraModels, seed: seed)
        }
        let server: SimServer
        do {
            server = try await SimServer.start(configuration: configuration)
        } catch {
            throw ValidationError("cannot listen on \(host):\(port): \(error)")
        }
        print("ollama-sim listening on \(server.baseURL)")
        fflush(nil)
        await server.waitUntilStopped()
    }
}
