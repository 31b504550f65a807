import Crypto
import DeckCore
import Foundation
import GRDB
import OllamaKit

/// Chat sessions and messages in SQLite (WAL mode, so a killed process keeps every committed
/// write), with an FTS5 trigram index for search in any language, Chinese included.
public final class ChatStore: Sendable {
    private let queue: DatabaseQueue
    public let path: String

    /// Opens (creating if needed) the store at `path`. `configure` may adjust the SQLite
    /// configuration (tests use it to cap the file's size, as a full disk would).
    public init(path: String, configure: (inout Configuration) -> Void = { _ in }) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(2)
        configure(&configuration)
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        try Self.migrator.migrate(queue)
    }

    /// `$XDG_DATA_HOME/ollama-deck/chats.sqlite` (or `~/.local/share/...`).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? "/tmp") + "/.local/share")
        return base + "/ollama-deck/chats.sqlite"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE session (
                    key TEXT PRIMARY KEY, title TEXT NOT NULL, model TEXT, system TEXT, options TEXT NOT NULL DEFAULT '{}',
                    updated_at REAL NOT NULL);
                CREATE TABLE message (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_key TEXT NOT NULL REFERENCES session(key) ON DELETE CASCADE,
                    position INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL, thinking TEXT NOT NULL,
                    images TEXT NOT NULL DEFAULT '[]', metrics TEXT, interruption TEXT, ttft REAL,
                    complete INTEGER NOT NULL, UNIQUE(session_key, position));
                CREATE TABLE open_pane (slot INTEGER PRIMARY KEY, session_key TEXT NOT NULL);
                CREATE VIRTUAL TABLE message_fts USING fts5(content, thinking, content='message', content_rowid='id',
                    tokenize='trigram');
                CREATE TRIGGER message_ai AFTER INSERT ON message BEGIN
                    INSERT INTO message_fts(rowid, content, thinking) VALUES (new.id, new.content, new.thinking);
                END;
                CREATE TRIGGER message_ad AFTER DELETE ON message BEGIN
                    INSERT INTO message_fts(message_fts, rowid, content, thinking) VALUES ('delete', old.id, old.content, old.thinking);
                END;
                CREATE TRIGGER message_au AFTER UPDATE ON message BEGIN
                    INSERT INTO message_fts(message_fts, rowid, content, thinking) VALUES ('delete', old.id, old.content, old.thinking);
                    INSERT INTO message_fts(rowid, content, thinking) VALUES (new.id, new.content, new.thinking);
                END;
                """)
        }
        // Only finished messages go into the search index. A streaming reply is saved every second
        // so a crash keeps it; re-indexing its whole text each time cost more than the rest of the
        // dashboard's streaming work.
        migrator.registerMigration("v2: index finished messages only") { db in
            try db.execute(sql: """
                DROP TRIGGER message_ai;
                DROP TRIGGER message_ad;
                DROP TRIGGER message_au;
                INSERT INTO message_fts(message_fts, rowid, content, thinking)
                    SELECT 'delete', id, content, thinking FROM message WHERE NOT complete;
                CREATE TRIGGER message_ai AFTER INSERT ON message WHEN new.complete BEGIN
                    INSERT INTO message_fts(rowid, content, thinking) VALUES (new.id, new.content, new.thinking);
                END;
                CREATE TRIGGER message_ad AFTER DELETE ON message WHEN old.complete BEGIN
                    INSERT INTO message_fts(message_fts, rowid, content, thinking) VALUES ('delete', old.id, old.content, old.thinking);
                END;
                CREATE TRIGGER message_au AFTER UPDATE ON message BEGIN
                    INSERT INTO message_fts(message_fts, rowid, content, thinking)
                        SELECT 'delete', old.id, old.content, old.thinking WHERE old.complete;
                    INSERT INTO message_fts(rowid, content, thinking)
                        SELECT new.id, new.content, new.thinking WHERE new.complete;
                END;
                """)
        }
        // Images are kept, content-addressed: a chat reopened after a restart sends them again.
        migrator.registerMigration("v3: images kept by digest") { db in
            try db.execute(sql: "CREATE TABLE image (digest TEXT PRIMARY KEY, base64 TEXT NOT NULL)")
        }
        // Fleets: a chat remembers the host (by name) it ran on.
        migrator.registerMigration("v4: session host") { db in
            try db.execute(sql: "ALTER TABLE session ADD COLUMN host TEXT")
        }
        // Tools: a reply's tool calls (as the server sent them) and a tool entry's call and state.
        migrator.registerMigration("v5: tool calls") { db in
            try db.execute(sql: "ALTER TABLE message ADD COLUMN tool TEXT")
        }
        return migrator
    }

    /// The SHA-256 of an image's base64 text, as its key in the `image` table.
    static func digest(ofBase64 base64: String) -> String {
        "sha256:" + SHA256.hash(data: Data(base64.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static let encoder = JSONEncoder()
    static let decoder = JSONDecoder()

    static func json<T: Encodable>(_ value: T) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// Writes a session's header (insert or update).
    public func save(_ header: SessionHeader) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO session (key, title, model, system, options, updated_at, host) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET title = excluded.title, model = excluded.model,
                    system = excluded.system, options = excluded.options, updated_at = excluded.updated_at,
                    host = excluded.host
                    """,
                arguments: [header.key, header.title, header.model, header.system, Self.json(header.options),
                            header.updatedAt.timeIntervalSince1970, header.host])
        }
    }

    /// Writes one entry at its position (insert or replace), with whether it is complete.
    public func save(_ entry: ChatEntry, session: String, position: Int, complete: Bool) throws {
        let kept = entry.images.map { image in (image, image.base64.isEmpty ? nil : Self.digest(ofBase64: image.base64)) }
        let images = kept.map { image, digest in
            StoredImage(name: image.name, byteCount: image.byteCount, width: image.width, height: image.height,
                        format: image.format, digest: digest)
        }
        try queue.write { db in
            for (image, digest) in kept {
                guard let digest else { continue }
                try db.execute(sql: "INSERT INTO image (digest, base64) VALUES (?, ?) ON CONFLICT(digest) DO NOTHING",
                               arguments: [digest, image.base64])
            }
            try db.execute(
                sql: """
                    INSERT INTO message (session_key, position, role, content, thinking, images, metrics, interruption, ttft, complete, tool)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(session_key, position) DO UPDATE SET role = excluded.role, content = excluded.content,
                    thinking = excluded.thinking, images = excluded.images, metrics = excluded.metrics,
                    interruption = excluded.interruption, ttft = excluded.ttft, complete = excluded.complete,
                    tool = excluded.tool
                    """,
                arguments: [session, position, entry.role.rawValue, entry.content, entry.thinking, Self.json(images),
                            entry.metrics.map { Self.json($0) }, entry.interruption, entry.timeToFirstToken, complete,
                            StoredTool(entry).map { Self.json($0) }])
        }
    }

    /// Drops the entries from `position` on (regenerate).
    public func truncate(session: String, from position: Int) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM message WHERE session_key = ? AND position >= ?", arguments: [session, position])
            try Self.deleteUnusedImages(db)
        }
    }

    /// Every saved session, newest first. A damaged header row is left out of the list (it cannot
    /// be opened) rather than failing the whole list.
    public func sessions() throws -> [SessionSummary] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.key, s.title, s.model, s.host, s.updated_at, (SELECT COUNT(*) FROM message m WHERE m.session_key = s.key) AS n
                FROM session s ORDER BY s.updated_at DESC
                """).compactMap { try? Self.summary($0) }
        }
    }

    static func summary(_ row: Row) throws -> SessionSummary {
        let key: String = try row.decode(forColumn: "key")
        let title: String? = try? row.decode(forColumn: "title")
        let model: String? = try? row.decode(forColumn: "model")
        let host: String? = try? row.decode(forColumn: "host")
        let updated: Double? = try? row.decode(forColumn: "updated_at")
        let count: Int? = try? row.decode(forColumn: "n")
        return SessionSummary(key: key, title: title ?? "(untitled)", model: model,
                              updatedAt: Date(timeIntervalSince1970: updated ?? 0), messageCount: count ?? 0, host: host)
    }

    /// A whole session, or nil when there is none with this key. Messages that cannot be read (a
    /// damaged row) and gaps between stored positions come back as `unreadable` entries, so the
    /// entries after them keep the positions they have in the store.
    public func session(_ key: String) throws -> SessionRecord? {
        try queue.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.*, (SELECT COUNT(*) FROM message m WHERE m.session_key = s.key) AS n FROM session s WHERE key = ?
                """, arguments: [key]) else { return nil }
            let optionsText: String? = try? row.decode(forColumn: "options")
            let options = optionsText.flatMap { try? Self.decoder.decode([String: JSONValue].self, from: Data($0.utf8)) } ?? [:]
            let system: String? = try? row.decode(forColumn: "system")
            var entries: [ChatEntry] = []
            let messages = try Row.fetchAll(db, sql: "SELECT * FROM message WHERE session_key = ? ORDER BY position", arguments: [key])
            for message in messages {
                guard let position: Int = try? message.decode(forColumn: "position"), position >= entries.count else { continue }
                while entries.count < position {
                    entries.append(ChatEntry(role: .unreadable, content: "a saved message is missing here"))
                }
                entries.append((try? Self.entry(message, db: db))
                    ?? ChatEntry(role: .unreadable, content: "a saved message could not be read (damaged row)"))
            }
            return SessionRecord(summary: try Self.summary(row), system: system, options: options, entries: entries)
        }
    }

    static func entry(_ row: Row, db: Database) throws -> ChatEntry {
        let roleText: String = try row.decode(forColumn: "role")
        guard let role = ChatEntry.Role(rawValue: roleText), role != .notice, role != .unreadable else {
            return ChatEntry(role: .unreadable, content: "a saved message has an unknown role '\(roleText)'")
        }
        var entry = ChatEntry(role: role, content: try row.decode(forColumn: "content"),
                              thinking: (try? row.decode(String.self, forColumn: "thinking")) ?? "")
        if let metrics: String = try? row.decode(forColumn: "metrics") {
            entry.metrics = try? decoder.decode(GenerationMetrics.self, from: Data(metrics.utf8))
        }
        entry.interruption = try? row.decode(forColumn: "interruption")
        entry.timeToFirstToken = try? row.decode(forColumn: "ttft")
        let imagesText: String? = try? row.decode(forColumn: "images")
        let stored = imagesText.flatMap { try? decoder.decode([StoredImage].self, from: Data($0.utf8)) } ?? []
        entry.images = try stored.map { image in
            let base64 = try image.digest.flatMap {
                try String.fetchOne(db, sql: "SELECT base64 FROM image WHERE digest = ?", arguments: [$0])
            } ?? ""
            return AttachedImage(name: image.name, byteCount: image.byteCount, width: image.width, height: image.height,
                                 format: image.format, base64: base64)
        }
        let toolText: String? = try? row.decode(forColumn: "tool")
        if let toolText {
            guard let stored = try? decoder.decode(StoredTool.self, from: Data(toolText.utf8)) else {
                return ChatEntry(role: .unreadable, content: "a saved tool call could not be read")
            }
            entry.toolCalls = stored.calls ?? []
            entry.tool = stored.call
        }
        if entry.role == .tool, entry.tool == nil {
            return ChatEntry(role: .unreadable, content: "a saved tool result has no call")
        }
        let complete: Bool = (try? row.decode(forColumn: "complete")) ?? false
        if !complete, entry.role == .assistant, entry.interruption == nil { entry.interruption = "interrupted (the app stopped)" }
        return entry
    }

    public func delete(session key: String) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM message WHERE session_key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM open_pane WHERE session_key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM session WHERE key = ?", arguments: [key])
            try Self.deleteUnusedImages(db)
        }
    }

    /// Drops kept images that no stored message names any more.
    static func deleteUnusedImages(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM image WHERE digest NOT IN (
                SELECT json_extract(i.value, '$.digest') FROM message m, json_each(m.images) i
                WHERE json_valid(m.images) AND json_extract(i.value, '$.digest') IS NOT NULL)
            """)
    }

    public func rename(session key: String, to title: String) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE session SET title = ? WHERE key = ?", arguments: [title, key])
        }
    }

    /// Remembers which sessions are open in the panes, in order.
    public func setOpenSessions(_ keys: [String]) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM open_pane")
            for (slot, key) in keys.enumerated() {
                try db.execute(sql: "INSERT INTO open_pane (slot, session_key) VALUES (?, ?)", arguments: [slot, key])
            }
        }
    }

    /// The sessions that were open in the panes, in order, and a reason for each one that could
    /// not be opened (gone, or unreadable).
    public func openSessions() throws -> (records: [SessionRecord], problems: [String]) {
        let keys = try queue.read { db in try String.fetchAll(db, sql: "SELECT session_key FROM open_pane ORDER BY slot") }
        var records: [SessionRecord] = []
        var problems: [String] = []
        for key in keys {
            do {
                if let record = try session(key) { records.append(record) } else { problems.append("a chat that was open no longer exists") }
            } catch {
                problems.append("a chat that was open could not be read: \(StoreFailure.explain(error))")
            }
        }
        return (records, problems)
    }

    /// Full-text search over every message; queries under three characters fall back to LIKE
    /// (the trigram index needs three).
    public func search(_ query: String, limit: Int = 50) throws -> [SearchHit] {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        return try queue.read { db in
            let pattern = "%" + trimmed.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            var rows: [Row]
            if trimmed.count >= 3 {
                let phrase = "\"" + trimmed.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                // Finished messages through the index; replies still incomplete (streaming, or cut
                // off by a crash) are not indexed, so they are scanned: there are few of them.
                rows = try Row.fetchAll(db, sql: """
                    SELECT session_key, title, position, content FROM (
                        SELECT m.session_key, s.title, m.position, m.content, s.updated_at FROM message_fts f
                        JOIN message m ON m.id = f.rowid JOIN session s ON s.key = m.session_key
                        WHERE message_fts MATCH ?
                        UNION ALL
                        SELECT m.session_key, s.title, m.position, m.content, s.updated_at FROM message m
                        JOIN session s ON s.key = m.session_key
                        WHERE NOT m.complete AND (m.content LIKE ? ESCAPE '\\' OR m.thinking LIKE ? ESCAPE '\\'))
                    ORDER BY updated_at DESC, position LIMIT ?
                    """, arguments: [phrase, pattern, pattern, limit])
            } else {
                rows = try Row.fetchAll(db, sql: """
                    SELECT m.session_key, s.title, m.position, m.content FROM message m JOIN session s ON s.key = m.session_key
                    WHERE m.content LIKE ? ESCAPE '\\' OR m.thinking LIKE ? ESCAPE '\\'
                    ORDER BY s.updated_at DESC, m.position LIMIT ?
                    """, arguments: [pattern, pattern, limit])
            }
            // A damaged row is left out of the hits rather than failing the search.
            return rows.compactMap { row in
                guard let key: String = try? row.decode(forColumn: "session_key"),
                    let position: Int = try? row.decode(forColumn: "position")
                else { return nil }
                let title: String = (try? row.decode(forColumn: "title")) ?? "(untitled)"
                let content: String = (try? row.decode(forColumn: "content")) ?? ""
                return SearchHit(sessionKey: key, sessionTitle: title, position: position,
                                 snippet: Self.snippet(content, around: trimmed))
            }
        }
    }

    /// How many messages the full-text index holds that match `query` (for tests of what is indexed).
    func indexedCount(matching query: String) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message_fts WHERE message_fts MATCH ?", arguments: ["\"\(query)\""]) ?? 0
        }
    }

    /// How many images the store keeps.
    func keptImageCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM image") ?? 0 }
    }

    /// Runs raw SQL on the store's database (tests that damage it on purpose).
    func withDatabase(_ body: (Database) throws -> Void) throws {
        try queue.write { db in try body(db) }
    }

    static func snippet(_ text: String, around query: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        guard let range = flat.range(of: query, options: .caseInsensitive) else { return String(flat.prefix(60)) }
        let start = flat.index(range.lowerBound, offsetBy: -20, limitedBy: flat.startIndex) ?? flat.startIndex
        let end = flat.index(range.upperBound, offsetBy: 40, limitedBy: flat.endIndex) ?? flat.endIndex
        return (start > flat.startIndex ? "…" : "") + flat[start..<end] + (end < flat.endIndex ? "…" : "")
    }
}

/// An image as a message stores it: its description and the digest of its data in the `image`
/// table (nil for images saved before images were kept).
struct StoredImage: Codable {
    var name: String
    var byteCount: Int
    var width: Int?
    var height: Int?
    var format: String
    var digest: String?
}

/// What the `tool` column keeps: a reply's calls, or a tool entry's call.
struct StoredTool: Codable {
    var calls: [ToolCall]?
    var call: ToolCallRecord?

    init?(_ entry: ChatEntry) {
        guard !entry.toolCalls.isEmpty || entry.tool != nil else { return nil }
        calls = entry.toolCalls.isEmpty ? nil : entry.toolCalls
        call = entry.tool
    }
}
