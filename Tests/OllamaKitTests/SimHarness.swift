import OllamaKit
import OllamaSim

/// Starts a simulator on a free loopback port, hands a client for it to `body`, then tears both down.
func withSim<T>(
    _ configure: (inout SimConfiguration) -> Void = { _ in },
    client configureClient: (inout OllamaClientConfiguration) -> Void = { _ in },
    _ body: (SimServer, OllamaClient) async throws -> T
) async throws -> T {
    var configuration = SimConfiguration.fast
    configure(&configuration)
    let sim = try await SimServer.start(configuration: configuration)
    var clientConfiguration = OllamaClientConfiguration(host: OllamaHost.resolve(sim.baseURL))
    configureClient(&clientConfiguration)
    let client = OllamaClient(configuration: clientConfiguration)
    do {
        let result = try await body(sim, client)
        try await client.shutdown()
        await sim.stop()
        return result
    } catch {
        try? await client.shutdown()
        await sim.stop()
        throw error
    }
}

/// Collects a stream's values and the error that ended it.
func collect<S: AsyncSequence>(_ stream: S) async -> (values: [S.Element], error: (any Error)?) {
    var values: [S.Element] = []
    do {
        for try await value in stream { values.append(value) }
    } catch {
        return (values, error)
    }
    return (values, nil)
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
