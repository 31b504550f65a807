#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AsyncHTTPClient
import NIOCore

/// A value that can be the last one of a stream: `done: true` for chat and generate, `status: "success"`
/// for pull, push and create.
public protocol StreamTerminating {
    /// True for the stream's closing value.
    var isTerminal: Bool { get }

    /// Reads the type's most common line shape without `JSONDecoder`, or returns nil to let
    /// `JSONDecoder` decide. Must agree with `JSONDecoder` on every line it accepts.
    static func decodeCommonShape(_ line: UnsafeBufferPointer<UInt8>) -> Self?
}

extension StreamTerminating {
    public static func decodeCommonShape(_ line: UnsafeBufferPointer<UInt8>) -> Self? { nil }
}

/// The typed values of one NDJSON reply, in order.
///
/// Lines are framed on the newline byte only. An `{"error": ...}` line is thrown as
/// ``OllamaError/stream(message:)`` after the values before it were delivered; a stream that ends
/// without its closing value throws ``OllamaError/unexpectedEndOfStream``; a server silent for longer
/// than the configuration's `readTimeout` throws ``OllamaError/timeout(host:)``. Cancelling the task
/// that iterates, or dropping the stream, closes the connection. Iterate it once.
public struct OllamaStream<Element: Decodable & Sendable & StreamTerminating>: AsyncSequence, Sendable {
    let connection: StreamConnection<Element>
    /// When reads wait after the stream has caught up with the server.
    var pacing = StreamFeed<Element>.Pacing.none

    public func makeAsyncIterator() -> Iterator {
        connection.feed.pacing = pacing
        return Iterator(connection: connection)
    }

    /// The same stream, reading from the network at most about once per `interval` while values keep
    /// coming. Whenever it has caught up with the server, the next read waits `interval`; what the
    /// server sends meanwhile waits in the socket and comes in one read. A display that draws 15
    /// frames a second then wakes about twice per frame rather than once per token. Nothing arrives
    /// later than `interval` after it was sent; the first value is never held back.
    public func paced(_ interval: Duration) -> OllamaStream {
        var copy = self
        copy.pacing = .interval(TimeAmount(interval))
        return copy
    }

    /// The same stream, reading from the network at most once per tick of `pacer` while values keep
    /// coming: whenever it has caught up with the server, the next read waits for the next
    /// ``StreamPacer/tick()``. A display that ticks once per frame wakes the network thread about
    /// twice per frame, with no timer at all. The first value is never held back.
    public func paced(by pacer: StreamPacer) -> OllamaStream {
        var copy = self
        copy.pacing = .pacer(pacer)
        return copy
    }

    /// Lines this stream skipped because they were not JSON (only with
    /// ``OllamaClientConfiguration/skipsMalformedLines``), and the first of them, shortened.
    public var skippedLines: (count: Int, first: String?) { connection.feed.skippedLines }

    public struct Iterator: AsyncIteratorProtocol {
        let connection: StreamConnection<Element>

        public mutating func next() async throws -> Element? {
            let connection = self.connection
            return try await connection.feed.next(cancel: { connection.cancel() })
        }
    }
}

/// One streamed request in flight: its values, and the request to cancel when the reader is
/// cancelled or lets go of the stream.
final class StreamConnection<Element: Sendable>: Sendable {
    let feed: StreamFeed<Element>
    private let task: HTTPClient.Task<Void>

    init(feed: StreamFeed<Element>, task: HTTPClient.Task<Void>) {
        self.feed = feed
        self.task = task
    }

    /// Closes the connection; the stream then ends with ``OllamaError/cancelled`` (a no-op once it ended).
    func cancel() { task.cancel() }

    deinit { task.cancel() }
}
