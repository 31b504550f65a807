import NIOCore
import Synchronization

/// The values a streamed reply has decoded so far, handed from the network's event loop to the task
/// that reads them.
///
/// The event loop pushes each read's values at once; the reader takes them one by one without
/// waiting and suspends only when none are left. When the reader falls far behind, the next network
/// read is held until it catches up, so memory stays bounded whatever the server sends.
final class StreamFeed<Element: Sendable>: Sendable {
    /// How a stream ended.
    enum End: Sendable {
        case finished
        case failed(OllamaError)
    }

    private struct State {
        var values: [Element] = []
        /// `values[..<taken]` were handed out already.
        var taken = 0
        var end: End?
        /// True once the end was reported to the reader (an error is thrown once, then nil follows).
        var endReported = false
        var reader: UnsafeContinuation<Void, Never>?
        /// The network read held while the reader is behind.
        var heldRead: EventLoopPromise<Void>?

        var unread: Int { values.count - taken }
    }

    private let state = Mutex(State())
    /// Unread values beyond this hold the next network read.
    let highWater: Int
    private let pacingMode = Mutex(Pacing.none)

    /// When network reads wait after the stream has caught up with the server.
    enum Pacing: Sendable {
        case none
        /// For this long after the last arrival.
        case interval(TimeAmount)
        /// Until the pacer's next tick.
        case pacer(StreamPacer)
    }

    init(highWater: Int = 4096) {
        self.highWater = highWater
    }

    private let skipped = Mutex<(count: Int, first: String?)>((0, nil))

    /// Lines skipped because they were not JSON, and the first of them (shortened).
    var skippedLines: (count: Int, first: String?) { skipped.withLock { $0 } }

    func noteSkipped(snippet: String) {
        skipped.withLock { skipped in
            skipped.count += 1
            if skipped.first == nil { skipped.first = snippet }
        }
    }

    var pacing: Pacing {
        get { pacingMode.withLock { $0 } }
        set { pacingMode.withLock { $0 = newValue } }
    }

    // MARK: - Event loop side

    /// Adds decoded values and wakes the reader. Returns a future that holds the next network read
    /// when the reader is `highWater` values behind; nil when reading may go on.
    func push(_ newValues: [Element], on eventLoop: any EventLoop) -> EventLoopFuture<Void>? {
        if newValues.isEmpty { return nil }
        let (reader, hold) = state.withLock { state -> (UnsafeContinuation<Void, Never>?, EventLoopFuture<Void>?) in
            guard state.end == nil else { return (nil, nil) }
            if state.taken == state.values.count {
                state.values.removeAll(keepingCapacity: true)
                state.taken = 0
            }
            state.values.append(contentsOf: newValues)
            let reader = state.reader
            state.reader = nil
            guard state.unread >= highWater else { return (reader, nil) }
            let promise = eventLoop.makePromise(of: Void.self)
            state.heldRead = promise
            return (reader, promise.futureResult)
        }
        reader?.resume()
        return hold
    }

    /// Records how the stream ended (the first end wins) and wakes the reader.
    func finish(_ end: End) {
        let (reader, held) = state.withLock { state -> (UnsafeContinuation<Void, Never>?, EventLoopPromise<Void>?) in
            if state.end == nil { state.end = end }
            defer {
                state.reader = nil
                state.heldRead = nil
            }
            return (state.reader, state.heldRead)
        }
        held?.succeed()
        reader?.resume()
    }

    /// True while a network read is held for the reader.
    var isHoldingRead: Bool { state.withLock { $0.heldRead != nil } }

    // MARK: - Reader side

    private enum Step {
        case value(Element)
        case end(End)
        case wait(release: EventLoopPromise<Void>?)
    }

    /// The next value; nil after the end. `cancel` runs when the reading task is cancelled while
    /// waiting; it must lead to ``finish(_:)``.
    func next(cancel: @escaping @Sendable () -> Void) async throws(OllamaError) -> Element? {
        while true {
            let step = state.withLock { state -> Step in
                if state.taken < state.values.count {
                    let value = state.values[state.taken]
                    state.taken += 1
                    return .value(value)
                }
                if let end = state.end {
                    if state.endReported { return .end(.finished) }
                    state.endReported = true
                    state.values = []
                    return .end(end)
                }
                let held = state.heldRead
                state.heldRead = nil
                return .wait(release: held)
            }
            switch step {
            case .value(let value):
                return value
            case .end(.finished):
                return nil
            case .end(.failed(let error)):
                throw error
            case .wait(let held):
                held?.succeed()
                await withTaskCancellationHandler {
                    await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                        let ready = state.withLock { state -> Bool in
                            if state.taken < state.values.count || state.end != nil { return true }
                            state.reader = continuation
                            return false
                        }
                        if ready { continuation.resume() }
                    }
                } onCancel: {
                    cancel()
                }
            }
        }
    }
}
