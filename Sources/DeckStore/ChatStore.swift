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
        return migrator
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
                    INSERT INTO session (key, title, model, system, options, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET title = excluded.title, model = excluded.model,
                    system = excluded.system, options = excluded.options, updated_at = excluded.updated_at
                    """,
                arguments: [header.key, header.title, header.model, header.system, Self.json(header.options),
                            header.updatedAt.timeIntervalSince1970])
        }
    }

    /// Writes one entry at its position (insert or replace), with whether it is complete.
    public func save(_ entry: ChatEntry, session: String, position: Int, complete: Bool) throws {
        let images = entry.images.map { StoredImage(name: $0.name, byteCount: $0.byteCount, width: $0.width, height: $0.height, format: $0.format) }
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO message (session_key, position, role, content, thinking, images, metrics, interruption, ttft, complete)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(session_key, position) DO UPDATE SET role = excluded.role, content = excluded.content,
                    thinking = excluded.thinking, images = excluded.images, metrics = excluded.metrics,
                    interruption = excluded.interruption, ttft = excluded.ttft, complete = excluded.complete
                    """,
                arguments: [session, position, entry.role.rawValue, entry.content, entry.thinking, Self.json(images),
                            entry.metrics.map { Self.json($0) }, entry.interruption, entry.timeToFirstToken, complete])
        }
    }

    /// Drops the entries from `position` on (regenerate).
    public func truncate(session: String, from position: Int) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM message WHERE session_key = ? AND position >= ?", arguments: [session, position])
        }
    }

    public func sessions() throws -> [SessionSummary] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.key, s.title, s.model, s.updated_at, (SELECT COUNT(*) FROM message m WHERE m.session_key = s.key) AS n
                FROM session s ORDER BY s.updated_at DESC
                """).map(Self.summary)
        }
    }

    static func summary(_ row: Row) -> SessionSummary {
        SessionSummary(key: row["key"], title: row["title"], model: row["model"],
                       updatedAt: Date(timeIntervalSince1970: row["updated_at"]), messageCount: row["n"] ?? 0)
    }

    public func session(_ key: String) throws -> SessionRecord? {
        try queue.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.*, (SELECT COUNT(*) FROM message m WHERE m.session_key = s.key) AS n FROM session s WHERE key = ?
                """, arguments: [key]) else { return nil }
            let options = (try? Self.decoder.decode([String: JSONValue].self, from: Data((row["options"] as String).utf8))) ?? [:]
            let entries = try Row.fetchAll(db, sql: "SELECT * FROM message WHERE session_key = ? ORDER BY position", arguments: [key])
                .map(Self.entry)
            return SessionRecord(summary: Self.summary(row), system: row["system"], options: options, entries: entries)
        }
    }

    static func entry(_ row: Row) -> ChatEntry {
        var entry = ChatEntry(role: ChatEntry.Role(rawValue: row["role"]) ?? .notice, content: row["content"], thinking: row["thinking"])
        if let metrics: String = row["metrics"] { entry.metrics = try? decoder.decode(GenerationMetrics.self, from: Data(metrics.utf8)) }
        entry.interruption = row["interruption"]
        entry.timeToFirstToken = row["ttft"]
        let stored = (try? decoder.decode([StoredImage].self, from: Data((row["images"] as String).utf8))) ?? []
        entry.images = stored.map { AttachedImage(name: $0.name, byteCount: $0.byteCount, width: $0.width, height: $0.height, format: $0.format, base64: "") }
        let complete: Bool = row["complete"]
        if !complete, entry.role == .assistant, entry.interruption == nil { entry.interruption = "interrupted (the app stopped)" }
        return entry
    }

    public func delete(session key: String) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM message WHERE session_key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM open_pane WHERE session_key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM session WHERE key = ?", arguments: [key])
        }
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

    public func openSessions() throws -> [SessionRecord] {
        let keys = try queue.read { db in try String.fetchAll(db, sql: "SELECT session_key FROM open_pane ORDER BY slot") }
        return try keys.compactMap { try session($0) }
    }

    /// Full-text search over every message; queries under three characters fall back to LIKE
    /// (the trigram index needs three).
    public func search(_ query: String, limit: Int = 50) throws -> [SearchHit] {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        return try queue.read { db in
            let rows: [Row]
            if trimmed.count >= 3 {
                let phrase = "\"" + trimmed.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                rows = try Row.fetchAll(db, sql: """
                    SELECT m.session_key, s.title, m.position, m.content FROM message_fts f
                    JOIN message m ON m.id = f.rowid JOIN session s ON s.key = m.session_key
                    WHERE message_fts MATCH ? ORDER BY s.updated_at DESC, m.position LIMIT ?
                    """, arguments: [phrase, limit])
            } else {
                let pattern = "%" + trimmed.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                rows = try Row.fetchAll(db, sql: """
                    SELECT m.session_key, s.title, m.position, m.content FROM message m JOIN session s ON s.key = m.session_key
                    WHERE m.content LIKE ? ESCAPE '\\' OR m.thinking LIKE ? ESCAPE '\\'
                    ORDER BY s.updated_at DESC, m.position LIMIT ?
                    """, arguments: [pattern, pattern, limit])
            }
            return rows.map { row in
                SearchHit(sessionKey: row[0], sessionTitle: row[1], position: row[2],
                          snippet: Self.snippet(row[3], around: trimmed))
            }
        }
    }

    static func snippet(_ text: String, around query: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        guard let range = flat.range(of: query, options: .caseInsensitive) else { return String(flat.prefix(60)) }
        let start = flat.index(range.lowerBound, offsetBy: -20, limitedBy: flat.startIndex) ?? flat.startIndex
        let end = flat.index(range.upperBound, offsetBy: 40, limitedBy: flat.endIndex) ?? flat.endIndex
        return (start > flat.startIndex ? "…" : "") + flat[start..<end] + (end < flat.endIndex ? "…" : "")
    }
}

/// An image as stored: its description only (the bytes were sent, not kept).
struct StoredImage: Codable {
    var name: String
    var byteCount: Int
    var width: Int?
    var height: Int?
    var format: String
}
