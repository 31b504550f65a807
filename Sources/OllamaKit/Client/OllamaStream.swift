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
/// without its closing value throws ``OllamaError/unexpectedEndOfStream``. Cancelling the task
/// that iterates closes the connection. Iterate it once.
public struct OllamaStream<Element: Decodable & Sendable & StreamTerminating>: AsyncSequence, Sendable {
    let body: HTTPClientResponse.Body
    let maxLineBytes: Int
    let host: String
    /// The HTTP client's event loops, whose timers pace the reads.
    let eventLoops: any EventLoopGroup

    /// How long reads wait after the stream has caught up with the server (nil: no waiting).
    var pace: Duration?

    public func makeAsyncIterator() -> Iterator {
        Iterator(
            source: body.makeAsyncIterator(), framer: LineFramer(maxLineBytes: maxLineBytes), host: host,
            pace: pace, eventLoops: eventLoops)
    }

    /// The same stream, reading from the network at most about once per `interval` while values keep
    /// coming. Whenever it has caught up with the server, the next read waits until `interval` after
    /// the last arrival; what the server sends meanwhile waits in the socket and comes in one read.
    /// A display that draws 15 frames a second then wakes about 15 times a second rather than once
    /// per token. Nothing arrives later than `interval` after it was sent; the first value is never
    /// held back.
    public func paced(_ interval: Duration) -> OllamaStream {
        var copy = self
        copy.pace = interval
        return copy
    }

    public struct Iterator: AsyncIteratorProtocol {
        var source: HTTPClientResponse.Body.AsyncIterator
        var framer: LineFramer
        let host: String
        var lineDecoder = StreamLineDecoder<Element>()
        var ready: [[UInt8]] = []
        var readyIndex = 0
        var reachedEOF = false
        var finished = false
        let pace: Duration?
        let eventLoops: any EventLoopGroup
        /// When the next read from the network may start (set after a read had to wait for the server).
        var nextReadAt: ContinuousClock.Instant?

        init(
            source: HTTPClientResponse.Body.AsyncIterator, framer: LineFramer, host: String, pace: Duration?,
            eventLoops: any EventLoopGroup
        ) {
            self.pace = pace
            self.eventLoops = eventLoops
            self.source = source
            self.framer = framer
            self.host = host
        }

        public mutating func next() async throws -> Element? {
            while !finished {
                if readyIndex < ready.count {
                    let line = ready[readyIndex]
                    readyIndex += 1
                    return try decode(line)
                }
                if reachedEOF {
                    finished = true
                    if !lineDecoder.sawTerminal { throw OllamaError.unexpectedEndOfStream }
                    return nil
                }
                let chunk: ByteBuffer?
                do {
                    if let pace {
                        if let nextReadAt { await Self.wait(until: nextReadAt, on: eventLoops) }
                        let started = ContinuousClock.now
                        chunk = try await source.next()
                        let arrived = ContinuousClock.now
                        // A read that had to wait means everything sent so far has been read.
                        nextReadAt = arrived - started > .milliseconds(2) ? arrived + pace : nil
                    } else {
                        chunk = try await source.next()
                    }
                } catch {
                    finished = true
                    throw OllamaError.from(error, host: host, duringStream: true)
                }
                ready.removeAll(keepingCapacity: true)
                readyIndex = 0
                guard let chunk else {
                    reachedEOF = true
                    if let rest = framer.finish() { ready.append(rest) }
                    continue
                }
                let output = framer.append(chunk.readableBytesView)
                ready = output.lines
                if output.overflowed {
                    finished = true
                    throw OllamaError.lineTooLong(limit: framer.maxLineBytes)
                }
            }
            return nil
        }

        /// Waits on an event loop's timer (the loop the reading task is likely on already) rather
        /// than `Task.sleep`'s, which wakes a thread of its own. Cancellation ends the wait early;
        /// the read after it then reports the cancellation.
        static func wait(until instant: ContinuousClock.Instant, on eventLoops: any EventLoopGroup) async {
            let (seconds, attoseconds) = (instant - .now).components
            let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
            guard nanoseconds > 0 else { return }
            let scheduled = eventLoops.any().scheduleTask(in: .nanoseconds(nanoseconds)) {}
            await withTaskCancellationHandler {
                _ = try? await scheduled.futureResult.get()
            } onCancel: {
                scheduled.cancel()
            }
        }

        private mutating func decode(_ line: [UInt8]) throws -> Element {
            do {
                return try lineDecoder.decode(line)
            } catch {
                finished = true
                throw error
            }
        }
    }
}
