import NIOCore
import NIOHTTP1
import NIOPosix

/// A simulated Ollama server on loopback. Start it in-process (tests, `--demo`) or from the
/// `ollama-sim` executable.
///
/// ```swift
/// let sim = try await SimServer.start(configuration: .fast)
/// defer { Task { await sim.stop() } }
/// print(sim.baseURL)   // http://127.0.0.1:<port>
/// ```
public final class SimServer: Sendable {
    /// The world the server simulates; tests read its ``SimState/stats``.
    public let state: SimState
    /// The port it listens on.
    public let port: Int
    public let configuration: SimConfiguration
    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let runTask: Task<Void, Never>

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://\(configuration.bindHost):\(port)" }

    private init(
        state: SimState, port: Int, configuration: SimConfiguration,
        channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>,
        runTask: Task<Void, Never>
    ) {
        self.state = state
        self.port = port
        self.configuration = configuration
        self.channel = channel
        self.runTask = runTask
    }

    /// Binds and starts serving; returns once the port is known.
    public static func start(configuration: SimConfiguration = SimConfiguration()) async throws -> SimServer {
        let state = SimState(configuration: configuration)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.bindHost, port: configuration.port) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: child)
                }
            }
        let port = channel.channel.localAddress?.port ?? configuration.port
        let router = SimRouter(state: state, configuration: configuration)
        let runTask = Task.detached {
            _ = try? await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await router.serve(connection) }
                    }
                }
            }
        }
        return SimServer(state: state, port: port, configuration: configuration, channel: channel, runTask: runTask)
    }

    /// Stops accepting connections and closes the listening socket.
    public func stop() async {
        try? await channel.channel.close()
        runTask.cancel()
    }

    /// Waits until the server stops (for the executable).
    public func waitUntilStopped() async {
        await runTask.value
    }
}
