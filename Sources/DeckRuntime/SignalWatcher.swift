import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Routes SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP and SIGCONT to the inbox, so the UI thread
/// handles them in its loop (a signal can land on any thread, and would not wake `poll`).
public final class SignalWatcher: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "ollama-deck.signals")

    public static let watched: [Int32] = [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT]

    /// Starts watching; call before curses starts.
    public init(inbox: Inbox) {
        for number in Self.watched {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { @Sendable in inbox.post(.signal(number)) }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops watching and restores default handling.
    public func stop() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for number in Self.watched { signal(number, SIG_DFL) }
    }
}
