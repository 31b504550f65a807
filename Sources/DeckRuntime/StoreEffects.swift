#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeckCore
import DeckStore
import Dispatch
import OllamaKit
import Synchronization

/// The chat store's effects: run one at a time on a serial queue, in the order issued.
///
/// Two rules keep a slow or failing store from costing memory or a notice a second:
/// - A streaming reply's partial saves coalesce: only the newest text of each (session, position)
///   waits to be written, however many ticks pass while the store is busy.
/// - After a failure, partial saves are skipped until a back-off (1 s doubling to 60 s) runs out;
///   the failure is reported once, and the first write that works again is reported too, so the
///   dashboard can write the open chats again whole.
final class StoreEffects: Sendable {
    private let store: ChatStore?
    private let inbox: Inbox
    private let queue = DispatchQueue(label: "ollama-deck.store")
    private let health = Mutex(Health())

    private struct Health {
        var failing = false
        var retryAt: ContinuousClock.Instant?
        var delay: Duration = .seconds(1)
        /// The newest partial text of each streaming reply, waiting for the queue.
        var partials: [String: (session: String, position: Int, entry: ChatEntry)] = [:]
    }

    init(store: ChatStore?, inbox: Inbox) {
        self.store = store
        self.inbox = inbox
    }

    var isAvailable: Bool { store != nil }

    /// Runs the store effects; false for any other effect.
    func run(_ effect: Effect) -> Bool {
        switch effect {
        case .saveSession(let header):
            ordered { try $0.save(header); return nil }
        case .saveEntry(let session, let position, let entry, let complete):
            if complete {
                _ = health.withLock { $0.partials.removeValue(forKey: Self.slot(session, position)) }
                ordered { try $0.save(entry, session: session, position: position, complete: true); return nil }
            } else {
                savePartial(session: session, position: position, entry: entry)
            }
        case .truncateSession(let session, let position):
            ordered { try $0.truncate(session: session, from: position); return nil }
        case .saveOpenPanes(let keys):
            ordered { try $0.setOpenSessions(keys); return nil }
        case .listSessions:
            if store == nil { inbox.post(.sessionsListed(.failure(ChatInputError("chat history is unavailable")))) }
            ordered { .sessionsListed(.success(try $0.sessions())) }
        case .openSession(let key, let pane, let jumpTo):
            ordered { store in
                guard let record = try store.session(key) else {
                    return .sessionOpened(pane: pane, .failure(ChatInputError("that chat no longer exists")), jumpTo: nil)
                }
                return .sessionOpened(pane: pane, .success(record), jumpTo: jumpTo)
            }
        case .deleteSession(let key):
            ordered { try $0.delete(session: key); return nil }
        case .renameSession(let key, let title):
            ordered { try $0.rename(session: key, to: title); return nil }
        case .searchSessions(let query):
            ordered { .searchFinished(query: query, .success(try $0.search(query))) }
        default:
            return false
        }
        return true
    }

    /// Waits, without blocking a thread, until every store effect issued so far has run.
    func flush() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in queue.async { done.resume() } }
    }

    /// Partial saves waiting for the queue (tests check nothing is left behind).
    var pendingPartialCount: Int { health.withLock { $0.partials.count } }

    static func slot(_ session: String, _ position: Int) -> String { "\(session)\u{0}\(position)" }

    private func savePartial(session: String, position: Int, entry: ChatEntry) {
        guard store != nil else { return }
        let slot = Self.slot(session, position)
        let schedule = health.withLock { health -> Bool in
            if health.failing, let retryAt = health.retryAt, ContinuousClock.now < retryAt { return false }
            let waiting = health.partials[slot] != nil
            health.partials[slot] = (session, position, entry)
            return !waiting
        }
        guard schedule else { return }
        ordered { [self] store in
            guard let latest = self.health.withLock({ $0.partials.removeValue(forKey: slot) }) else { return nil }
            try store.save(latest.entry, session: latest.session, position: latest.position, complete: false)
            return nil
        }
    }

    /// Runs a store operation in order; a failure is reported once, never a crash.
    private func ordered(_ body: @escaping @Sendable (ChatStore) throws -> Msg?) {
        guard let store else { return }
        let inbox = self.inbox
        queue.async { [self] in
            do {
                let message = try body(store)
                let recovered = self.health.withLock { health -> Bool in
                    defer { health.failing = false; health.delay = .seconds(1); health.retryAt = nil }
                    return health.failing
                }
                if recovered { inbox.post(.storeRecovered) }
                if let message { inbox.post(message) }
            } catch {
                let first = self.health.withLock { health -> Bool in
                    defer {
                        health.failing = true
                        health.retryAt = ContinuousClock.now + health.delay
                        health.delay = min(.seconds(60), health.delay * 2)
                    }
                    return !health.failing
                }
                if first { inbox.post(.storeFailed(StoreFailure.explain(error))) }
            }
        }
    }
}
