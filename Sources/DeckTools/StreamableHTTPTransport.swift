import AsyncHTTPClient
import DeckCore
import Foundation
import Logging
import MCP
import NIOCore
import NIOHTTP1

/// The SDK's `Transport` for a Streamable HTTP MCP server, on AsyncHTTPClient: each message is a
/// POST; the answer is JSON, or an event stream read as it arrives (the SDK's own HTTP transport
/// reads event streams only on Apple platforms). The session id the server gives is sent back on
/// every request and the session is closed with a DELETE. Bodies are bounded.
public actor StreamableHTTPTransport: Transport {
    public nonisolated let logger = Logger(label: "ollama-deck.mcp.http", factory: { _ in SwiftLogNoOpLogHandler() })
    let endpoint: String
    let headers: [String: String]
    let maxMessageBytes: Int
    private var sessionID: String?
    private var protocolVersion: String?
    private let stream: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    /// Event streams being read (one per request still answering).
    private var readers: [UUID: Task<Void, Never>] = [:]

    public init(endpoint: String, headers: [String: String], maxMessageBytes: Int = 16 << 20) {
        self.endpoint = endpoint
        self.headers = headers
        self.maxMessageBytes = maxMessageBytes
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    public func connect() async throws {}

    public func disconnect() async {
        for reader in readers.values { reader.cancel() }
        readers = [:]
        if let sessionID {
            var request = HTTPClientRequest(url: endpoint)
            request.method = .DELETE
            request.headers.add(name: "Mcp-Session-Id", value: sessionID)
            for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
            _ = try? await HTTPClient.shared.execute(request, timeout: .seconds(2))
        }
        sessionID = nil
        continuation.finish()
    }

    public func receive() -> AsyncThrowingStream<Data, any Error> { stream }

    public func send(_ data: Data) async throws {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        if let sessionID { request.headers.add(name: "Mcp-Session-Id", value: sessionID) }
        if let protocolVersion { request.headers.add(name: "MCP-Protocol-Version", value: protocolVersion) }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: data))
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        } catch {
            throw ToolFailure("cannot reach \(endpoint): \(Self.describe(error))")
        }
        if let id = response.headers.first(name: "mcp-session-id"), !id.isEmpty { sessionID = id }
        let status = response.status.code
        if status == 202 { return }
        guard (200..<300).contains(status) else {
            let body = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
            let text = body.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            throw ToolFailure("the server answered HTTP \(status)\(text.isEmpty ? "" : ": " + String(text.prefix(200)))")
        }
        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        let continuation = self.continuation
        let limit = maxMessageBytes
        if contentType.hasPrefix("text/event-stream") {
            // Read on: the answer may come later than this send returns (a slow tool).
            let id = UUID()
            readers[id] = Task { [weak self] in
                do {
                    var events = ServerSentEvents(limit: limit)
                    for try await buffer in response.body {
                        for payload in try events.feed(Array(buffer.readableBytesView)) {
                            await self?.noteVersion(payload)
                            continuation.yield(payload)
                        }
                    }
                } catch {
                    // A broken or oversized stream ends this answer; the SDK's wait ends by timeout.
                }
                await self?.readerEnded(id)
            }
            return
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: limit)
        } catch {
            throw ToolFailure("the server sent an answer over \(limit >> 20) MB")
        }
        let payload = Data(body.readableBytesView)
        guard !payload.isEmpty else { return }
        if let problem = ProcessTransport.problem(with: payload) { throw ToolFailure(problem) }
        noteVersion(payload)
        continuation.yield(payload)
    }

    private func readerEnded(_ id: UUID) { readers[id] = nil }

    /// The protocol version the server chose in its initialize answer, sent on later requests.
    private func noteVersion(_ payload: Data) {
        guard protocolVersion == nil, let answer = try? JSONDecoder().decode(InitializeAnswer.self, from: payload) else { return }
        protocolVersion = answer.result?.protocolVersion
    }

    private struct InitializeAnswer: Decodable {
        struct Result: Decodable { var protocolVersion: String? }
        var result: Result?
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return String(describing: error) }
        return String(describing: error)
    }
}

/// Splits an event stream (`text/event-stream`) into the data of its events: `data:` lines joined
/// with newlines, an event ending at a blank line; comments and other fields skipped.
struct ServerSentEvents {
    let limit: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false

    init(limit: Int) { self.limit = limit }

    mutating func feed(_ bytes: [UInt8]) throws -> [Data] {
        var events: [Data] = []
        for byte in bytes {
            if byte == 0x0A {
                if line.last == 0x0D { line.removeLast() }
                if line.isEmpty {
                    if hasData { events.append(Data(data)) }
                    data = []
                    hasData = false
                } else if line.starts(with: Array("data:".utf8)) {
                    var value = line.dropFirst(5)
                    if value.first == 0x20 { value = value.dropFirst() }
                    if hasData { data.append(0x0A) }
                    data += value
                    hasData = true
                }
                line = []
            } else {
                line.append(byte)
                if line.count + data.count > limit { throw ToolFailure("an event over \(limit >> 20) MB") }
            }
        }
        return events
    }
}
