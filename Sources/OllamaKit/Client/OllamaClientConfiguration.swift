import Algorithms
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How an ``OllamaClient`` reaches its server.
public struct OllamaClientConfiguration: Sendable, Equatable {
    /// The server.
    public var host: OllamaHost
    /// Sent as `Authorization: Bearer <key>` (for example for ollama.com); never shown or logged.
    public var apiKey: String?
    /// Extra headers sent with every request, in order.
    public var headers: [HeaderField]
    /// Time allowed to open a connection.
    public var connectTimeout: Duration
    /// Time allowed for a whole non-streaming request.
    public var requestTimeout: Duration
    /// Longest silence allowed while waiting for the next bytes of a reply (model loads can be slow).
    public var readTimeout: Duration
    /// The longest NDJSON line accepted (the Go client allows 8 MB).
    public var maxLineBytes: Int
    /// The largest non-streaming body accepted.
    public var maxBodyBytes: Int
    public var userAgent: String
    /// Streams skip a line that is not JSON (counting it, see ``OllamaStream/skippedLines``) instead
    /// of ending with ``OllamaError/malformedResponse(reason:snippet:)``. Off by default.
    public var skipsMalformedLines = false
    /// Values a stream keeps for a reader that falls behind before it stops reading the network
    /// (memory stays bounded whatever the server sends).
    public var maxBufferedValues = 4096
    /// The limit for one-shot requests that may load a model first (load, keep-alive, unload,
    /// `chatOnce`, `generateOnce`, `embed`); nil uses ``readTimeout``.
    public var generationTimeout: Duration?

    /// One HTTP header.
    public struct HeaderField: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// Parses `Name: value`; nil when there is no colon or no name.
        public init?(parsing text: String) {
            guard let colon = text.firstIndex(of: ":") else { return nil }
            let name = String(text[text.startIndex..<colon].trimming(while: \.isWhitespace))
            let value = String(text[text.index(after: colon)...].trimming(while: \.isWhitespace))
            guard !name.isEmpty, !name.contains(" ") else { return nil }
            self.init(name: name, value: value)
        }
    }

    public init(
        host: OllamaHost = .default, apiKey: String? = nil, headers: [HeaderField] = [],
        connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30),
        readTimeout: Duration = .seconds(300), maxLineBytes: Int = 8 * 1024 * 1024,
        maxBodyBytes: Int = 64 * 1024 * 1024, userAgent: String = "ollama-deck/0.1 (OllamaKit)"
    ) {
        self.host = host
        self.apiKey = apiKey
        self.headers = headers
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.readTimeout = readTimeout
        self.maxLineBytes = maxLineBytes
        self.maxBodyBytes = maxBodyBytes
        self.userAgent = userAgent
    }

    /// The configuration the environment describes: `OLLAMA_HOST` (overridden by `explicitHost`)
    /// and `OLLAMA_API_KEY`.
    public static func fromEnvironment(
        explicitHost: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> OllamaClientConfiguration {
        var configuration = OllamaClientConfiguration(
            host: OllamaHost.resolve(explicit: explicitHost, environment: environment))
        if let key = environment["OLLAMA_API_KEY"], !key.isEmpty {
            configuration.apiKey = key
        }
        return configuration
    }

    /// Every header a request carries, the API key included.
    func requestHeaders(streaming: Bool) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("Content-Type", "application/json"),
            ("Accept", streaming ? "application/x-ndjson" : "application/json"),
            ("User-Agent", userAgent),
        ]
        if let apiKey { fields.append(("Authorization", "Bearer \(apiKey)")) }
        for header in headers { fields.append((header.name, header.value)) }
        return fields
    }
}
