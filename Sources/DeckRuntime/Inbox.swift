import DeckCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What background work hands to the UI thread.
public enum RuntimeEvent: Sendable {
    case message(Msg)
    case signal(Int32)
}

/// A queue of events from any thread to the UI thread, with a self-pipe that wakes its `poll`.
/// Posting writes one byte only when the queue was empty, so a burst of stream chunks costs one
/// wake-up and becomes one frame.
public final class Inbox: Sendable {
    private let queue = Mutex<[RuntimeEvent]>([])
    /// The read end, for `poll`.
    public let wakeFD: Int32
    private let writeFD: Int32

    public init() {
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { fatalError("pipe() failed: \(errno)") }
        for fd in fds {
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(wakeFD)
        close(writeFD)
    }

    /// Queues an event and wakes the UI thread.
    public func post(_ event: RuntimeEvent) {
        let wasEmpty = queue.withLock { events in
            events.append(event)
            return events.count == 1
        }
        if wasEmpty {
            var byte: UInt8 = 1
            _ = write(writeFD, &byte, 1)
        }
    }

    public func post(_ message: Msg) { post(.message(message)) }

    /// Takes every queued event and empties the wake pipe.
    public func drain() -> [RuntimeEvent] {
        var scratch = [UInt8](repeating: 0, count: 64)
        // One wake byte per burst: a short read has emptied the pipe, no second call needed.
        while read(wakeFD, &scratch, scratch.count) == scratch.count {}
        return queue.withLock { events in
            defer { events.removeAll(keepingCapacity: true) }
            return events
        }
    }
}
