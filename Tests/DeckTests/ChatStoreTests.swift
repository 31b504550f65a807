import Foundation
import DeckCore
@testable import DeckStore
@testable import DeckRuntime
import GRDB
import OllamaKit
import Testing

@Suite("Chat store (SQLite)")
struct ChatStoreTests {
    func freshStore() throws -> ChatStore {
        try ChatStore(path: NSTemporaryDirectory() + "deck-store-\(UUID().uuidString).sqlite")
    }

    func header(_ key: String, _ title: String, at seconds: Double = 0) -> SessionHeader {
        SessionHeader(key: key, title: title, model: "qwen3:8b", system: "Be brief.", options: ["temperature": .number(0.2)],
                      updatedAt: Date(timeIntervalSince1970: 1_790_000_000 + seconds))
    }

    @Test("a session round-trips with thinking, images, metrics and options; reopening survives a new connection")
    func roundTrip() throws {
        let store = try freshStore()
        try store.save(header("s1", "天空"))
        var user = ChatEntry(role: .user, content: "天空为什么是蓝色的？")
        user.images = [AttachedImage(name: "sky.png", byteCount: 1234, width: 8, height: 6, format: "PNG", base64: "AAAA")]
        try store.save(user, session: "s1", position: 0, complete: true)
        var reply = ChatEntry(role: .assistant, content: "因为瑞利散射。", thinking: "用户问天空。",
                              metrics: GenerationMetrics(evalCount: 7, evalDuration: 70_000_000))
        reply.timeToFirstToken = 0.25
        try store.save(reply, session: "s1", position: 1, complete: true)
        let reopened = try ChatStore(path: store.path)
        let record = try #require(try reopened.session("s1"))
        #expect(record.summary.title == "天空")
        #expect(record.system == "Be brief.")
        #expect(record.options == ["temperature": .number(0.2)])
        #expect(record.entries.map(\.content) == ["天空为什么是蓝色的？", "因为瑞利散射。"])
        #expect(record.entries[1].thinking == "用户问天空。")
        #expect(record.entries[1].metrics?.evalCount == 7)
        #expect(record.entries[1].timeToFirstToken == 0.25)
        #expect(record.entries[0].images.first?.label == "sky.png · 1.2 KB · PNG · 8×6")
        #expect(record.entries[1].interruption == nil)
    }

    @Test("an image is kept by digest, once for two messages, sent again after reopening, and dropped with its last message")
    func imagesKept() throws {
        let store = try freshStore()
        try store.save(header("s1", "pics"))
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        var first = ChatEntry(role: .user, content: "what is this?")
        first.images = [AttachedImage(name: "dot.png", byteCount: 68, width: 1, height: 1, format: "PNG", base64: png)]
        try store.save(first, session: "s1", position: 0, complete: true)
        var again = ChatEntry(role: .user, content: "and again?")
        again.images = first.images
        try store.save(again, session: "s1", position: 1, complete: true)
        #expect(try store.keptImageCount() == 1)
        let record = try #require(try ChatStore(path: store.path).session("s1"))
        #expect(record.entries.map { $0.images.map(\.base64) } == [[png], [png]])
        var pane = ChatPane(id: 1)
        pane.load(record)
        #expect(pane.requestMessages.filter { $0.role == "user" }.map(\.images) == [[png], [png]])
        try store.truncate(session: "s1", from: 1)
        #expect(try store.keptImageCount() == 1)
        try store.delete(session: "s1")
        #expect(try store.keptImageCount() == 0)
    }

    @Test("an image saved without its data (an older version) is never sent empty: left out, with a notice")
    func imageWithoutData() throws {
        let store = try freshStore()
        try store.save(header("s1", "old"))
        try store.withDatabase { db in
            try db.execute(sql: """
                INSERT INTO message (session_key, position, role, content, thinking, images, complete) VALUES
                ('s1', 0, 'user', 'look', '', '[{"name":"a.png","byteCount":9,"format":"PNG"}]', 1)
                """)
        }
        let record = try #require(try store.session("s1"))
        var pane = ChatPane(id: 1)
        pane.load(record)
        let sent = pane.requestMessages.filter { $0.role == "user" }
        #expect(sent.count == 1)
        #expect(sent[0].images == nil)
        #expect(pane.entries.contains { $0.role == .notice && $0.content.contains("saved without its data") })
    }

    @Test("damaged rows and gaps come back as unreadable entries that keep later positions; the list skips a damaged header")
    func damagedRows() throws {
        let store = try freshStore()
        try store.save(header("s1", "ok"))
        try store.withDatabase { db in
            try db.execute(sql: """
                INSERT INTO message (session_key, position, role, content, thinking, complete) VALUES
                ('s1', 0, 'user', 'first', '', 1),
                ('s1', 1, 'assistant', CAST(x'ff' AS BLOB), '', 1),
                ('s1', 3, 'wizard', 'odd role', '', 1),
                ('s1', 4, 'user', 'last', '', 1)
                """)
            // A header whose key is not text: the list leaves it out instead of failing.
            try db.execute(sql: "INSERT INTO session (key, title, updated_at) VALUES (x'00ff', 't', 0)")
        }
        let record = try #require(try store.session("s1"))
        #expect(record.entries.map(\.role) == [.user, .unreadable, .unreadable, .unreadable, .user])
        #expect(record.entries.last?.content == "last")
        var pane = ChatPane(id: 1)
        pane.load(record)
        #expect(pane.requestMessages.filter { $0.role != "system" }.map(\.content) == ["first", "last"])
        // A message added now is stored after the last one, never over it.
        pane.entries.append(ChatEntry(role: .user, content: "new"))
        #expect(pane.storedPosition(of: pane.entries.count - 1) == 5)
        #expect(try store.sessions().map(\.key) == ["s1"])
    }

    @Test("an incomplete reply (the process died) comes back marked interrupted")
    func partialReply() throws {
        let store = try freshStore()
        try store.save(header("s1", "x"))
        try store.save(ChatEntry(role: .assistant, content: "half a rep"), session: "s1", position: 0, complete: false)
        let entry = try #require(try store.session("s1")?.entries.first)
        #expect(entry.content == "half a rep")
        #expect(entry.interruption == "interrupted (the app stopped)")
    }

    @Test("full-text search finds Chinese and English, short queries too, and newest sessions first")
    func search() throws {
        let store = try freshStore()
        try store.save(header("old", "old", at: 0))
        try store.save(header("new", "new", at: 100))
        try store.save(ChatEntry(role: .assistant, content: "天空之所以是蓝色的，是因为瑞利散射。"), session: "old", position: 0, complete: true)
        try store.save(ChatEntry(role: .user, content: "Tell me about Rayleigh scattering"), session: "new", position: 0, complete: true)
        try store.save(ChatEntry(role: .assistant, content: "瑞利散射 explains it."), session: "new", position: 1, complete: true)
        let hits = try store.search("瑞利散射")
        #expect(hits.map(\.sessionKey) == ["new", "old"])
        #expect(try store.search("rayleigh").map(\.position) == [0])
        #expect(try store.search("瑞利").count == 2)  // under three characters: LIKE
        #expect(try store.search("nothing like this").isEmpty)
        #expect(hits.last?.snippet.contains("瑞利散射") == true)
    }

    @Test("a reply enters the search index when it is finished, once, and leaves it when deleted")
    func searchIndexesFinishedReplies() throws {
        let store = try freshStore()
        try store.save(header("s1", "x"))
        try store.save(ChatEntry(role: .assistant, content: "Rayleigh scat"), session: "s1", position: 0, complete: false)
        try store.save(ChatEntry(role: .assistant, content: "Rayleigh scattering, half"), session: "s1", position: 0, complete: false)
        // Still streaming: stored, not indexed, and found all the same (incomplete replies are scanned).
        #expect(try store.indexedCount(matching: "rayleigh") == 0)
        #expect(try store.search("rayleigh").map(\.snippet) == ["Rayleigh scattering, half"])
        try store.save(ChatEntry(role: .assistant, content: "Rayleigh scattering, whole"), session: "s1", position: 0, complete: true)
        #expect(try store.indexedCount(matching: "rayleigh") == 1)
        #expect(try store.search("rayleigh").count == 1)
        try store.save(ChatEntry(role: .assistant, content: "Rayleigh scattering, edited"), session: "s1", position: 0, complete: true)
        #expect(try store.search("rayleigh").map(\.snippet) == ["Rayleigh scattering, edited"])
        #expect(try store.search("whole").isEmpty)
        try store.truncate(session: "s1", from: 0)
        #expect(try store.search("rayleigh").isEmpty)
    }

    @Test("a database from before: its unfinished replies leave the index, finished ones stay searchable")
    func upgradeFromFirstSchema() throws {
        let path = NSTemporaryDirectory() + "deck-v1-\(UUID().uuidString).sqlite"
        let old = try DatabaseQueue(path: path)
        try ChatStore.migrator.migrate(old, upTo: "v1")
        try old.write { db in
            try db.execute(sql: "INSERT INTO session (key, title, updated_at) VALUES ('s1', 't', 0)")
            try db.execute(sql: """
                INSERT INTO message (session_key, position, role, content, thinking, complete) VALUES
                ('s1', 0, 'user', 'finished trigram text', '', 1), ('s1', 1, 'assistant', 'unfinished trigram text', '', 0)
                """)
        }
        try old.close()
        let store = try ChatStore(path: path)
        #expect(try store.indexedCount(matching: "trigram") == 1)
        #expect(try store.search("trigram").map(\.position) == [0, 1])  // the unfinished one by scan
        try store.save(ChatEntry(role: .assistant, content: "now finished trigram text"), session: "s1", position: 1, complete: true)
        #expect(try store.search("trigram").map(\.position) == [0, 1])
        #expect(try store.indexedCount(matching: "trigram") == 2)
    }

    @Test("truncate, rename, delete, and the open panes list")
    func management() throws {
        let store = try freshStore()
        try store.save(header("a", "A"))
        try store.save(header("b", "B"))
        for position in 0..<4 {
            try store.save(ChatEntry(role: .user, content: "m\(position)"), session: "a", position: position, complete: true)
        }
        try store.truncate(session: "a", from: 2)
        #expect(try store.session("a")?.entries.count == 2)
        try store.rename(session: "a", to: "Renamed")
        #expect(try store.sessions().contains { $0.title == "Renamed" && $0.messageCount == 2 })
        try store.setOpenSessions(["b", "a"])
        #expect(try store.openSessions().records.map(\.summary.key) == ["b", "a"])
        try store.delete(session: "a")
        #expect(try store.session("a") == nil)
        #expect(try store.openSessions().records.map(\.summary.key) == ["b"])
        #expect(try store.search("m1").isEmpty)
    }

    @Test("a database locked by another program: a clear reason, and saving works again once it lets go")
    func locked() throws {
        let path = NSTemporaryDirectory() + "deck-locked-\(UUID().uuidString).sqlite"
        let store = try ChatStore(path: path) { $0.busyMode = .timeout(0.2) }
        try store.save(header("s1", "first"))
        var blocking = Configuration()
        blocking.allowsUnsafeTransactions = true  // it holds its lock across accesses, as another program would
        let blocker = try DatabaseQueue(path: path, configuration: blocking)
        try blocker.writeWithoutTransaction { try $0.execute(sql: "BEGIN EXCLUSIVE") }
        let error = #expect(throws: (any Error).self) { try store.save(header("s2", "second")) }
        #expect(StoreFailure.explain(error!).contains("locked by another program"))
        try blocker.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try store.save(header("s2", "second"))
        #expect(try store.sessions().map(\.title).sorted() == ["first", "second"])
    }

    @Test("a full disk: a clear reason, and what was saved before is intact")
    func fullDisk() throws {
        let path = NSTemporaryDirectory() + "deck-full-\(UUID().uuidString).sqlite"
        // SQLite reports a size cap exactly as it reports a full disk (SQLITE_FULL).
        let store = try ChatStore(path: path) { configuration in
            configuration.prepareDatabase { try $0.execute(sql: "PRAGMA max_page_count = 40") }
        }
        try store.save(header("s1", "kept"))
        try store.save(ChatEntry(role: .user, content: "keep me"), session: "s1", position: 0, complete: true)
        var failure: (any Error)?
        for position in 1..<200 where failure == nil {
            do {
                try store.save(ChatEntry(role: .assistant, content: String(repeating: "天空很蓝。", count: 400)),
                               session: "s1", position: position, complete: true)
            } catch { failure = error }
        }
        let error = try #require(failure, "the capped database never filled up")
        #expect(StoreFailure.explain(error).contains("disk is full"))
        #expect(try store.session("s1")?.entries.first?.content == "keep me")
    }

    @Test("a read-only database: a clear reason")
    func readOnly() throws {
        let path = NSTemporaryDirectory() + "deck-ro-\(UUID().uuidString).sqlite"
        _ = try ChatStore(path: path)
        let store = try ChatStore(path: path) { $0.readonly = true }
        let error = #expect(throws: (any Error).self) { try store.save(header("s1", "x")) }
        #expect(StoreFailure.explain(error!).contains("read-only"))
    }

    @Test("a corrupt database file is a clear error, not a crash")
    func corrupt() throws {
        let path = NSTemporaryDirectory() + "deck-corrupt-\(UUID().uuidString).sqlite"
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: (any Error).self) { _ = try ChatStore(path: path) }
        #expect(StoreFailure.explain(error!).contains("damaged or not a database"))
    }
}

@Suite("Chat persistence: update logic")
struct ChatPersistenceUpdateTests {
    @Test("the first message creates a session and saves the prompt; ticks save partial replies; the end saves the reply")
    func effects() {
        var state = loadedState()
        press(&state, .enter)
        for character in "你好" { press(&state, .character(character)) }
        let effects = press(&state, .enter)
        let key = state.chat.sessionKey
        #expect(key != nil)
        #expect(effects.contains { if case .saveSession(let header) = $0 { return header.title == "你好" } else { return false } })
        #expect(effects.contains(.saveEntry(session: key!, position: 0, entry: ChatEntry(role: .user, content: "你好"), complete: true)))
        #expect(effects.contains(.saveOpenPanes([key!])))
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant("半"), done: false)))
        let tick = update(&state, .ticked(epoch.addingTimeInterval(1)))
        #expect(tick.contains { if case .saveEntry(_, 1, let entry, false) = $0 { return entry.content == "半" } else { return false } })
        let done = update(&state, .chatFinished(pane: 1, nil))
        #expect(done.contains { if case .saveEntry(_, 1, _, true) = $0 { return true } else { return false } })
    }

    @Test("a store write that fails mid-chat: a notice with the reason, and the reply goes on in memory")
    func writeFailsMidChat() {
        var state = loadedState()
        press(&state, .enter)
        for character in "hi" { press(&state, .character(character)) }
        press(&state, .enter)
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant("so "), done: false)))
        _ = update(&state, .storeFailed("the disk is full (or the database reached its size limit)"))
        #expect(state.notice?.contains("the disk is full") == true)
        #expect(state.notice?.contains("chats go on without it") == true)
        _ = update(&state, .chatChunkReceived(pane: 1, ChatResponse(model: "m", message: .assistant("far"), done: false)))
        _ = update(&state, .chatFinished(pane: 1, nil))
        #expect(state.chat.entries.last?.content == "so far")
        #expect(state.chat.status == .done)
    }

    @Test("notices are not stored and do not shift stored positions")
    func positions() {
        var pane = ChatPane(id: 1)
        pane.entries = [ChatEntry(role: .user, content: "a"), ChatEntry(role: .notice, content: "n"), ChatEntry(role: .assistant, content: "b")]
        #expect(pane.storedPosition(of: 2) == 1)
    }

    @Test("the session list opens, searches, renames and deletes (default No)")
    func sessionList() {
        var state = loadedState()
        state.focus = .chat
        #expect(press(&state, .control("s")) == [.listSessions])
        let sessions = [SessionSummary(key: "k1", title: "One", model: "qwen3:8b", updatedAt: epoch, messageCount: 2)]
        _ = update(&state, .sessionsListed(.success(sessions)))
        press(&state, .character("D"))
        #expect(press(&state, .enter).isEmpty)  // default No
        press(&state, .character("D"))
        #expect(press(&state, .character("y")) == [.deleteSession("k1"), .listSessions])
        press(&state, .character("/"), .character("瑞"))
        let hit = SearchHit(sessionKey: "k1", sessionTitle: "One", position: 3, snippet: "…瑞利…")
        _ = update(&state, .searchFinished(query: "瑞", .success([hit])))
        press(&state, .enter)
        #expect(press(&state, .enter) == [.openSession(key: "k1", pane: 1, jumpTo: 3)])
        #expect(state.overlay == nil)
    }
}

@Suite("Chat store effects (ordering, coalescing, back-off)")
struct StoreEffectsTests {
    func messages(_ inbox: Inbox) -> [Msg] {
        inbox.drain().compactMap { if case .message(let message) = $0 { return message } else { return nil } }
    }

    @Test("a failing store is reported once, not once per save; partial saves back off")
    func failureReportedOnce() async throws {
        let path = NSTemporaryDirectory() + "deck-fx-\(UUID().uuidString).sqlite"
        _ = try ChatStore(path: path)
        let inbox = Inbox()
        let effects = StoreEffects(store: try ChatStore(path: path) { $0.readonly = true }, inbox: inbox)
        for second in 0..<10 {
            _ = effects.run(.saveEntry(session: "s", position: 1, entry: ChatEntry(role: .assistant, content: "part \(second)"), complete: false))
            _ = effects.run(.saveSession(SessionHeader(key: "s", title: "t", model: nil, system: nil, options: [:], updatedAt: Date())))
        }
        await effects.flush()
        let failures = messages(inbox).filter { if case .storeFailed = $0 { return true } else { return false } }
        #expect(failures.count == 1)
    }

    @Test("partial saves of one reply share one slot: the store ends with the newest text and no slot is left waiting")
    func partialsCoalesce() async throws {
        let path = NSTemporaryDirectory() + "deck-fx-\(UUID().uuidString).sqlite"
        let store = try ChatStore(path: path)
        try store.save(SessionHeader(key: "s", title: "t", model: nil, system: nil, options: [:], updatedAt: Date()))
        let inbox = Inbox()
        let effects = StoreEffects(store: store, inbox: inbox)
        // Hold the queue with a slow read so that the partials pile up behind it.
        _ = effects.run(.listSessions)
        for n in 0..<200 {
            _ = effects.run(.saveEntry(session: "s", position: 0, entry: ChatEntry(role: .assistant, content: "reply \(n)"), complete: false))
        }
        await effects.flush()
        #expect(try store.session("s")?.entries.map(\.content) == ["reply 199"])
        #expect(effects.pendingPartialCount == 0)
        _ = effects.run(.saveEntry(session: "s", position: 0, entry: ChatEntry(role: .assistant, content: "final"), complete: true))
        await effects.flush()
        #expect(try store.session("s")?.entries.map(\.content) == ["final"])
    }
}
