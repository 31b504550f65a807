import DeckCore
import Foundation
import Logging
import MCP

/// The SDK's `Transport` over a tool server's pipes: one JSON-RPC message per line, as the stdio
/// transport of the MCP specification says. The SDK's own `StdioTransport` reads the dashboard's
/// stdin and polls; this one reads the child's stdout on a thread of its own, bounds a message's
/// size, and ends the stream with the reason when the server exits or sends what is not JSON-RPC.
public actor ProcessTransport: Transport {
    public nonisolated let logger = Logger(label: "ollama-deck.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })
    let process: ChildProcess
    let maxMessageBytes: Int
    private let stream: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    /// Told why the stream ended (exit, protocol violation, oversized message).
    private let onEnd: @Sendable (String) -> Void

    public init(process: ChildProcess, maxMessageBytes: Int = 16 << 20, onEnd: @escaping @Sendable (String) -> Void) {
        self.process = process
        self.maxMessageBytes = maxMessageBytes
        self.onEnd = onEnd
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    public func connect() async throws {
        let continuation = self.continuation
        let onEnd = self.onEnd
        let process = self.process
        let limit = maxMessageBytes
        let violation = Violation()
        process.startReading(maxLineBytes: limit, onLine: { line in
            if let problem = Self.problem(with: line) {
                violation.set(problem)
                return false
            }
            continuation.yield(line)
            return true
        }, onEnd: { end in
            let reason: String
            switch end {
            case .tooLong: reason = "it sent a message over \(limit >> 20) MB"
            case .stoppedByReader: reason = violation.get() ?? "it broke the protocol"
            case .closed: reason = "it closed its output"
            }
            // The SDK's message loop ends on an error; a plain finish would leave it spinning.
            continuation.finish(throwing: ToolFailure(reason))
            onEnd(reason)
        })
    }

    public func disconnect() async {
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        try await process.write(data)
    }

    public func receive() -> AsyncThrowingStream<Data, any Error> { stream }

    /// Why a line is not a JSON-RPC message (an object with `jsonrpc`, or a batch), or nil.
    static func problem(with line: Data) -> String? {
        let first = line.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) }
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") {
            if let object = try? JSONDecoder().decode(Probe.self, from: line) {
                if object.jsonrpc == "2.0" { return nil }
            } else if (try? JSONDecoder().decode([Probe].self, from: line)) != nil {
                return nil
            }
        }
        let sample = String(decoding: line.prefix(60), as: UTF8.self)
        return "it sent something that is not JSON-RPC: \(sample)\(line.count > 60 ? "…" : "")"
    }

    private struct Probe: Decodable { var jsonrpc: String? }

    /// The first protocol problem the reading thread met.
    private final class Violation: @unchecked Sendable {
        private let lock = NSLock()
        private var text: String?
        func set(_ value: String) { lock.withLock { if text == nil { text = value } } }
        func get() -> String? { lock.withLock { text } }
    }
}
