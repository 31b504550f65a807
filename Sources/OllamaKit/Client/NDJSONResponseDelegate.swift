import AsyncHTTPClient
import Dispatch
import NIOCore
import NIOHTTP1
import Synchronization

/// Reads one streamed NDJSON reply on the network's event loop: checks the status, frames lines,
/// decodes them and pushes the values to a ``StreamFeed``.
///
/// It also decides when the next network read may start. AsyncHTTPClient reads again only once the
/// future returned for a body part completes, so:
/// - when the reader is far behind, the read waits for it (``StreamFeed/push(_:on:)``);
/// - when the stream is paced and a part arrived after a wait (everything the server sent has been
///   read), the next read waits for the interval, or for the pacer's next tick; whatever the server
///   sends meanwhile comes in one read. A display drawing 15 frames a second then wakes the event
///   loop about twice per frame, not once per token.
///
/// Silence is watched here, lazily: one timer per `readTimeout`, not one per read, and on Dispatch's
/// timer rather than the event loop's: a long-lived timer on the loop would make it re-arm its timer
/// file descriptor after every paced wake (a costly call in a virtual machine).
final class NDJSONResponseDelegate<Element: Decodable & Sendable & StreamTerminating>: HTTPClientResponseDelegate {
    typealias Response = Void

    let feed: StreamFeed<Element>
    /// Succeeds at a 200 head; fails with the HTTP error (after its body) or the transport error.
    let head: EventLoopPromise<Void>
    let eventLoop: any EventLoop
    private let host: String
    private let readTimeout: TimeAmount
    private let maxErrorBodyBytes = 1024 * 1024

    private struct Reading {
        var framer: LineFramer
        var decoder = StreamLineDecoder<Element>()
        /// Set for a non-200 head: the body is kept for its message.
        var errorStatus: HTTPResponseStatus?
        var errorBody = ByteBuffer()
        var headSettled = false
        var finished = false
        /// When bytes last arrived (or the request started).
        var lastArrival: NIODeadline
        /// True while the next read waits for a pause to end.
        var paused = false
        /// When the last pause ended.
        var resumedAt: NIODeadline
        /// True from the end of a pause to the first part after it: that part is what queued up
        /// during the pause, never a sign of having caught up.
        var expectBacklog = false
    }

    private let reading: Mutex<Reading>

    /// Parts closer together than this came from one read (AsyncHTTPClient hands over a read's HTTP
    /// chunks one after another); a part after a longer gap had to wait for the server.
    static var sameReadGap: TimeAmount { .milliseconds(1) }

    /// Skip lines that are not JSON (counted in the feed) rather than failing the stream.
    private let skipsMalformed: Bool

    init(
        eventLoop: any EventLoop, host: String, maxLineBytes: Int, readTimeout: TimeAmount, skipsMalformed: Bool = false,
        maxBufferedValues: Int = 4096
    ) {
        self.feed = StreamFeed<Element>(highWater: maxBufferedValues)
        self.skipsMalformed = skipsMalformed
        self.eventLoop = eventLoop
        self.head = eventLoop.makePromise(of: Void.self)
        self.host = host
        self.readTimeout = readTimeout
        let now = NIODeadline.now()
        self.reading = Mutex(Reading(framer: LineFramer(maxLineBytes: maxLineBytes), lastArrival: now, resumedAt: now))
    }

    /// Starts watching `task` for silence longer than the read timeout, and for its failure.
    func watch(_ task: HTTPClient.Task<Void>) {
        task.futureResult.whenFailure { [self] error in fail(error) }
        scheduleWatchdog(task, at: NIODeadline.now() + readTimeout)
    }

    // MARK: - HTTPClientResponseDelegate

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let ok = head.status == .ok
        reading.withLock { reading in
            reading.lastArrival = .now()
            if ok { reading.headSettled = true } else { reading.errorStatus = head.status }
        }
        if ok { self.head.succeed() }
        return eventLoop.makeSucceededVoidFuture()
    }

    private enum Pause {
        case none
        case until(NIODeadline)
        case nextTick(StreamPacer)
    }

    private enum PartOutcome {
        case read(values: [Element], Pause)
        case failed(values: [Element], OllamaError)
        case ignore
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let now = NIODeadline.now()
        let pacing = feed.pacing
        let outcome = reading.withLock { reading -> PartOutcome in
            let previousArrival = reading.lastArrival
            reading.lastArrival = now
            if reading.errorStatus != nil {
                if reading.errorBody.readableBytes < maxErrorBodyBytes {
                    var part = buffer
                    reading.errorBody.writeBuffer(&part)
                }
                return .ignore
            }
            if reading.finished { return .ignore }
            let output = reading.framer.append(buffer.readableBytesView)
            var values: [Element] = []
            values.reserveCapacity(output.lines.count)
            for line in output.lines {
                do {
                    values.append(try reading.decoder.decode(line))
                } catch OllamaError.malformedResponse(_, let snippet) where skipsMalformed {
                    feed.noteSkipped(snippet: snippet)
                } catch {
                    reading.finished = true
                    return .failed(values: values, Self.ollamaError(error))
                }
            }
            if output.overflowed {
                reading.finished = true
                return .failed(values: values, .lineTooLong(limit: reading.framer.maxLineBytes))
            }
            // A part that came after a wait means everything sent so far has been read.
            let waited = !reading.expectBacklog && now - previousArrival > Self.sameReadGap
            reading.expectBacklog = false
            if waited, !values.isEmpty {
                switch pacing {
                case .none:
                    break
                case .interval(let pace):
                    reading.paused = true
                    return .read(values: values, .until(now + pace))
                case .pacer(let pacer):
                    reading.paused = true
                    return .read(values: values, .nextTick(pacer))
                }
            }
            return .read(values: values, .none)
        }
        switch outcome {
        case .ignore:
            return eventLoop.makeSucceededVoidFuture()
        case .failed(let values, let error):
            _ = feed.push(values, on: eventLoop)
            feed.finish(.failed(error))
            // A failed future makes AsyncHTTPClient close the connection.
            return eventLoop.makeFailedFuture(error)
        case .read(let values, let pause):
            if let hold = feed.push(values, on: eventLoop) {
                // The reader is behind: the read waits for it instead of for the pause, and the
                // pause ends with the hold (else it would never end, and silence would go unseen).
                guard case .none = pause else { return hold.map { [self] in resume() } }
                return hold
            }
            switch pause {
            case .none:
                return eventLoop.makeSucceededVoidFuture()
            case .until(let deadline):
                return eventLoop.scheduleTask(deadline: deadline) { [self] in resume() }.futureResult
            case .nextTick(let pacer):
                let read = eventLoop.makePromise(of: Void.self)
                pacer.hold { [self] in
                    resume()
                    read.succeed()
                }
                return read.futureResult
            }
        }
    }

    private enum Ending {
        case httpError(HTTPResponseStatus, ByteBuffer)
        case stream(values: [Element], StreamFeed<Element>.End)
        case none
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        let ending = reading.withLock { reading -> Ending in
            if let status = reading.errorStatus, !reading.headSettled {
                reading.headSettled = true
                reading.finished = true
                return .httpError(status, reading.errorBody)
            }
            if reading.finished { return .none }
            reading.finished = true
            var values: [Element] = []
            if let rest = reading.framer.finish() {
                do {
                    values.append(try reading.decoder.decode(rest))
                } catch OllamaError.malformedResponse(_, let snippet) where skipsMalformed {
                    feed.noteSkipped(snippet: snippet)
                } catch {
                    return .stream(values: values, .failed(Self.ollamaError(error)))
                }
            }
            return .stream(values: values, reading.decoder.sawTerminal ? .finished : .failed(.unexpectedEndOfStream))
        }
        switch ending {
        case .httpError(let status, let body):
            let error = OllamaError.http(status: Int(status.code), message: OllamaClient.errorMessage(from: body))
            feed.finish(.failed(error))
            head.fail(error)
        case .stream(let values, let end):
            _ = feed.push(values, on: eventLoop)
            feed.finish(end)
        case .none:
            break
        }
    }

    // MARK: - Failure and silence

    /// Ends the stream with a transport error (cancellation, timeout, dropped connection).
    private func fail(_ error: any Error) {
        let (settleHead, alreadyFinished) = reading.withLock { reading -> (Bool, Bool) in
            defer {
                reading.headSettled = true
                reading.finished = true
            }
            return (!reading.headSettled, reading.finished)
        }
        let mapped = OllamaError.from(error, host: host, duringStream: !settleHead)
        if settleHead { head.fail(mapped) }
        if !alreadyFinished { feed.finish(.failed(mapped)) }
    }

    /// Checks for silence at `deadline`. Nothing cancels it: a finished stream's check finds it
    /// finished (or its delegate gone: the closure holds it weakly) and stops.
    private func scheduleWatchdog(_ task: HTTPClient.Task<Void>, at deadline: NIODeadline) {
        let delay = max(0, (deadline - .now()).nanoseconds)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(delay))) { [weak self, weak task] in
            guard let self, let task else { return }
            self.checkSilence(task)
        }
    }

    /// A pause ended: the next read may start.
    private func resume() {
        reading.withLock { reading in
            reading.paused = false
            reading.resumedAt = .now()
            reading.expectBacklog = true
        }
    }

    private func checkSilence(_ task: HTTPClient.Task<Void>) {
        let holding = feed.isHoldingRead
        let next = reading.withLock { reading -> NIODeadline? in
            if reading.finished { return nil }
            // Silence counts from the later of the last bytes and the end of a pause; a read held
            // for a slow reader or a pause is not the server's silence.
            let paused = holding || reading.paused
            return (paused ? NIODeadline.now() : max(reading.lastArrival, reading.resumedAt)) + readTimeout
        }
        guard let next else { return }
        if next <= .now() {
            task.fail(reason: HTTPClientError.readTimeout)
        } else {
            scheduleWatchdog(task, at: next)
        }
    }

    private static func ollamaError(_ error: any Error) -> OllamaError {
        error as? OllamaError ?? .malformedResponse(reason: String(describing: error), snippet: "")
    }
}
