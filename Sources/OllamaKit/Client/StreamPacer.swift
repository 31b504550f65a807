import NIOCore
import Synchronization

/// A clock that paced streams read by: each ``tick()`` lets every stream waiting on it read once more.
///
/// A display that draws frames calls ``tick()`` once per frame: its streams then read right after
/// each frame and need no timer of their own, so a process streaming several replies sleeps on one
/// clock (timers are costly to re-arm, most of all in a virtual machine). Streams on a pacer read
/// only when it ticks — keep ticking while any of them runs. See ``OllamaStream/paced(by:)``.
public final class StreamPacer: Sendable {
    private let waiting = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    /// Lets every waiting stream read now.
    public func tick() {
        let released = waiting.withLock { waiting -> [@Sendable () -> Void] in
            if waiting.isEmpty { return [] }
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
        for release in released { release() }
    }

    /// How many streams wait for the next tick.
    public var waitingCount: Int { waiting.withLock { $0.count } }

    /// Runs `release` at the next tick.
    func hold(_ release: @escaping @Sendable () -> Void) {
        waiting.withLock { $0.append(release) }
    }
}
