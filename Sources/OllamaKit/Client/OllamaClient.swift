#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A client for the whole Ollama REST API.
///
/// ```swift
/// let client = OllamaClient(configuration: .fromEnvironment())
/// for try await chunk in try await client.chat(ChatRequest(model: "llama3.2", messages: [.user("Hi")])) {
///     print(chunk.message.content, terminator: "")
/// }
/// try await client.shutdown()
/// ```
///
/// Streaming calls return an ``OllamaStream``; errors are ``OllamaError``. Call ``shutdown()``
/// when done with a client that created its own HTTP client.
public final class OllamaClient: Sendable {
    public let configuration: OllamaClientConfiguration
    let http: HTTPClient
    private let ownsHTTPClient: Bool

    /// Creates a client. Without `httpClient` it makes its own, which ``shutdown()`` closes.
    public init(configuration: OllamaClientConfiguration = .fromEnvironment(), httpClient: HTTPClient? = nil) {
        self.configuration = configuration
        if let httpClient {
            self.http = httpClient
            self.ownsHTTPClient = false
        } else {
            var config = HTTPClient.Configuration()
            // No per-read timeout: unary requests have a deadline each, and streams watch their own
            // silence (one timer per `readTimeout`, rather than one rearmed on every read).
            config.timeout = .init(connect: TimeAmount(configuration.connectTimeout), read: nil)
            config.decompression = .enabled(limit: .ratio(100))
            config.redirectConfiguration = .follow(max: 5, allowCycles: false)
            // Fail fast when nothing listens: callers (the dashboard) reconnect with their own backoff.
            config.connectionPool.retryConnectionEstablishment = false
            // Streams hold a connection each: several chat panes, pulls and polling at once.
            config.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
            self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            self.ownsHTTPClient = true
        }
    }

    /// A client for another server that shares this client's HTTP client (its event loops and
    /// connection pool; connections are kept per server anyway): a fleet of 32 servers holds one
    /// HTTP client, not 32. Shut this client down last: that closes the shared one.
    public func sibling(configuration: OllamaClientConfiguration) -> OllamaClient {
        OllamaClient(configuration: configuration, httpClient: http)
    }

    /// Whether this client created its HTTP client (and closes it on ``shutdown()``).
    public var ownsTransport: Bool { ownsHTTPClient }

    /// Closes the HTTP client this client created (no-op for one passed in).
    public func shutdown() async throws {
        if ownsHTTPClient { try await http.shutdown() }
    }

    /// The server as a printable URL.
    public var hostDescription: String { configuration.host.description }

    // MARK: - Health and listings

    /// `HEAD /`: succeeds when the server answers.
    public func heartbeat() async throws {
        _ = try await unary(.HEAD, "/", body: Optional<Int>.none)
    }

    /// `GET /`: the server's greeting, `Ollama is running`.
    public func greeting() async throws -> String {
        let buffer = try await unary(.GET, "/", body: Optional<Int>.none)
        return String(buffer: buffer)
    }

    /// `GET /api/version`.
    public func version() async throws -> String {
        try await unaryDecoded(.GET, "/api/version", body: Optional<Int>.none, as: VersionResponse.self).version
    }

    /// `GET /api/tags`: installed models, newest first. Entries that cannot be read are left out;
    /// ``listModelsListing()`` says which and why.
    public func listModels() async throws -> [InstalledModel] {
        try await listModelsListing().entries
    }

    /// `GET /api/tags`, read entry by entry: the models, and the entries that could not be read.
    public func listModelsListing() async throws -> Listing<InstalledModel> {
        try await unaryDecoded(.GET, "/api/tags", body: Optional<Int>.none, as: LenientModelList<InstalledModel>.self).listing
    }

    /// `GET /api/tags`, decoded only when the body differs from the one whose fingerprint is
    /// `previous`: a dashboard that asks every few seconds pays a hash for an unchanged list, not a
    /// decode (200 models on each of 32 hosts made decoding most of an idle fleet's work). Returns
    /// nil for the listing when the body is the same; the fingerprint is this process's `Hasher` of
    /// the body (never stored or sent).
    public func listModelsListing(unlessFingerprint previous: Int?) async throws -> (listing: Listing<InstalledModel>?, fingerprint: Int) {
        let buffer = try await unary(.GET, "/api/tags", body: Optional<Int>.none)
        var hasher = Hasher()
        hasher.combine(buffer.readableBytes)
        buffer.withUnsafeReadableBytes { hasher.combine(bytes: $0) }
        let fingerprint = hasher.finalize()
        if previous == fingerprint { return (nil, fingerprint) }
        do {
            var listing = try OllamaJSON.makeDecoder().decode(LenientModelList<InstalledModel>.self, from: Data(buffer.readableBytesView)).listing
            listing.entries.shareRepeatedLists()
            return (listing, fingerprint)
        } catch {
            throw OllamaError.malformedResponse(
                reason: Self.describeDecodingError(error), snippet: String(buffer: buffer).prefixString(80))
        }
    }

    /// `GET /api/ps`: models loaded in memory. Entries that cannot be read are left out;
    /// ``runningModelsListing()`` says which and why.
    public func runningModels() async throws -> [RunningModel] {
        try await runningModelsListing().entries
    }

    /// `GET /api/ps`, read entry by entry.
    public func runningModelsListing() async throws -> Listing<RunningModel> {
        try await unaryDecoded(.GET, "/api/ps", body: Optional<Int>.none, as: LenientModelList<RunningModel>.self).listing
    }

    /// `POST /api/show`: a model's details, template, parameters, license and `model_info`.
    public func show(model: String, verbose: Bool = false) async throws -> ShowResponse {
        try await unaryDecoded(
            .POST, "/api/show", body: ShowRequest(model: model, verbose: verbose ? true : nil), as: ShowResponse.self)
    }

    // MARK: - Model operations

    /// `POST /api/pull`: streams progress; layer errors arrive as ``OllamaError/stream(message:)``.
    public func pull(model: String, insecure: Bool = false) async throws -> OllamaStream<ProgressResponse> {
        try await streaming("/api/pull", body: TransferRequest(model: model, insecure: insecure ? true : nil))
    }

    /// `POST /api/push`: streams progress.
    public func push(model: String, insecure: Bool = false) async throws -> OllamaStream<ProgressResponse> {
        try await streaming("/api/push", body: TransferRequest(model: model, insecure: insecure ? true : nil))
    }

    /// `POST /api/create` (current form): streams progress.
    public func create(_ request: CreateRequest) async throws -> OllamaStream<ProgressResponse> {
        var request = request
        request.stream = nil
        return try await streaming("/api/create", body: request)
    }

    /// `POST /api/copy`: copies `source` to `destination`.
    public func copy(source: String, destination: String) async throws {
        _ = try await unary(.POST, "/api/copy", body: CopyRequest(source: source, destination: destination))
    }

    /// `DELETE /api/delete`: removes a model from disk (it does not unload it; see ``unload(model:)``).
    public func delete(model: String) async throws {
        _ = try await unary(.DELETE, "/api/delete", body: DeleteRequest(model: model))
    }

    /// Loads a model into memory (an empty generate request), as `ollama run` does before a chat.
    @discardableResult
    public func load(model: String, keepAlive: KeepAlive? = nil) async throws -> GenerateResponse {
        try await unaryDecoded(
            .POST, "/api/generate", body: GenerateRequest(model: model, prompt: "", keepAlive: keepAlive),
            as: GenerateResponse.self, timeout: generationLimit)
    }

    /// Unloads a model now (`keep_alive` 0), as `ollama stop` does. The reply's `doneReason` is `unload`.
    @discardableResult
    public func unload(model: String) async throws -> GenerateResponse {
        try await unaryDecoded(
            .POST, "/api/generate", body: GenerateRequest(model: model, prompt: "", keepAlive: .duration("0s")),
            as: GenerateResponse.self, timeout: generationLimit)
    }

    /// How long a one-shot request that may load a model can take.
    var generationLimit: Duration { configuration.generationTimeout ?? configuration.readTimeout }

    // MARK: - Generation

    /// `POST /api/chat`, streamed.
    public func chat(_ request: ChatRequest) async throws -> OllamaStream<ChatResponse> {
        var request = request
        request.stream = nil
        return try await streaming("/api/chat", body: request)
    }

    /// `POST /api/chat` with `stream: false`: one reply with the whole message.
    public func chatOnce(_ request: ChatRequest) async throws -> ChatResponse {
        var request = request
        request.stream = false
        return try await unaryDecoded(
            .POST, "/api/chat", body: request, as: ChatResponse.self, timeout: generationLimit)
    }

    /// `POST /api/generate`, streamed.
    public func generate(_ request: GenerateRequest) async throws -> OllamaStream<GenerateResponse> {
        var request = request
        request.stream = nil
        return try await streaming("/api/generate", body: request)
    }

    /// `POST /api/generate` with `stream: false`.
    public func generateOnce(_ request: GenerateRequest) async throws -> GenerateResponse {
        var request = request
        request.stream = false
        return try await unaryDecoded(
            .POST, "/api/generate", body: request, as: GenerateResponse.self, timeout: generationLimit)
    }

    /// `POST /api/embed`: one normalised vector per input.
    public func embed(_ request: EmbedRequest) async throws -> EmbedResponse {
        try await unaryDecoded(
            .POST, "/api/embed", body: request, as: EmbedResponse.self, timeout: generationLimit)
    }

    /// Legacy `POST /api/embeddings`: one vector, not normalised.
    public func embeddings(_ request: EmbeddingsRequest) async throws -> EmbeddingsResponse {
        try await unaryDecoded(
            .POST, "/api/embeddings", body: request, as: EmbeddingsResponse.self, timeout: generationLimit)
    }
}
