import Foundation
import Testing

/// Keys as tmux sends them with `TERM=xterm-256color` inside (a very common setup, where Home and
/// End arrive as `ESC [1~` and `ESC [4~`, which that terminfo entry does not list).
@Suite("Keys in tmux with TERM=xterm-256color", .serialized)
struct KeysEndToEndTests {
    func startDeck(_ sim: SimProcess, width: Int = 80, height: Int = 24, host: String? = nil) throws -> TmuxSession {
        try TmuxSession(
            command: "'\(Products.path("ollama-deck"))' --host \(host ?? sim.url) --log-file /tmp/ollama-deck-e2e.log "
                + "--chat-store '\(NSTemporaryDirectory())deck-keys-\(UUID().uuidString).sqlite'",
            width: width, height: height, environment: ["TERM": "xterm-256color"])
    }

    /// The chat prompt's line (the row with the prompt marker in the chat pane).
    func promptLine(_ screen: String) -> String {
        screen.split(separator: "\n").last { $0.contains("›") }.map(String.init) ?? ""
    }

    @Test("Home and End edit the prompt; End during a reply follows it and neither stops it nor types")
    func homeAndEnd() async throws {
        let sim = try SimProcess(extraArguments: ["--token-rate", "40"])
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") && $0.contains("online") }.0)
        try tmux.send("j", "j", "Enter")
        try tmux.type("abc")
        try tmux.send("Home")
        try tmux.type("X")
        try tmux.send("End")
        try tmux.type("Y")
        let (edited, screen) = try await tmux.waitFor { self.promptLine($0).contains("XabcY") }
        #expect(edited, "Home/End did not edit the prompt:\n\(screen)")
        try tmux.send("C-u")
        try tmux.type("tell me a long story")
        try tmux.send("Enter")
        #expect(try await tmux.waitFor { $0.contains("streaming") }.0)
        try tmux.send("End")
        try tmux.send("PageUp")
        try tmux.send("End")
        try await Task.sleep(for: .milliseconds(300))
        let during = try tmux.capture()
        #expect(!during.contains("[4~") && !during.contains("[1~") && !during.contains("[5~"), "a sequence was typed:\n\(during)")
        #expect(!during.contains("stopped"), "End stopped the reply:\n\(during)")
        let (finished, after) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("tok/s") }
        #expect(finished, "the reply did not finish:\n\(after)")
        try tmux.send("C-q")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
    }

    @Test("? at 80×24 scrolls to the last binding and / finds a key; Esc closes it")
    func helpScrollsAndSearches() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") }.0)
        try tmux.send("?")
        #expect(try await tmux.waitFor { $0.contains("┏ Keys") }.0)
        for _ in 0..<12 { try tmux.send("PageDown") }
        let (bottom, screen) = try await tmux.waitFor { $0.contains("Terminal too small") }
        #expect(bottom, "PgDn never reached the end of the help:\n\(screen)")
        try tmux.send("g", "/")
        try tmux.type("code block")
        let (found, searched) = try await tmux.waitFor { $0.contains("copy last code block") }
        #expect(found, "search did not find ^B:\n\(searched)")
        try tmux.send("Enter", "Escape")
        #expect(try await tmux.waitFor { !$0.contains("┏ Keys") }.0)
        try tmux.send("q")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
    }

    @Test("offline, in the chat prompt: the banner offers F5, which retries, and r types; a tiny terminal's q quits")
    func keysShownWorkWhereShown() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim, width: 100, height: 30, host: "http://127.0.0.1:1")
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("unreachable") && $0.contains("r now") }.0)
        try tmux.send("4")
        let (offered, banner) = try await tmux.waitFor { $0.contains("F5 now") }
        #expect(offered, "the chat pane's banner does not offer F5:\n\(banner)")
        try tmux.type("r")
        #expect(try await tmux.waitFor { self.promptLine($0).contains("› r") }.0)
        try tmux.send("F5")
        let (retried, after) = try await tmux.waitFor { $0.contains("connecting") || $0.contains("retry in 1s") || $0.contains("retry in 2s") }
        #expect(retried, "F5 did not retry:\n\(after)")
        try tmux.resize(width: 30, height: 8)
        #expect(try await tmux.waitFor { $0.contains("too small") && $0.contains("q quits") }.0)
        try tmux.send("q")
        // The shell's report scrolls past a screen this small: ask whether the program is gone.
        var gone = false
        for _ in 0..<50 where !gone {
            gone = try tmux.programPID(named: "ollama-deck") == nil
            if !gone { try await Task.sleep(for: .milliseconds(100)) }
        }
        let last = try tmux.capture()
        #expect(gone, "q did not quit on the too-small screen:\n\(last)")
    }
}

/// Saved chats read back from the database after a restart, as a person would check them.
@Suite("Saved chats across a restart", .serialized)
struct SavedChatsEndToEndTests {
    /// `SELECT` through Python's sqlite3 (no SQLite client is needed on the machine).
    func query(_ store: String, _ sql: String) throws -> [String] {
        let script = "import sqlite3,sys\nfor row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join(map(str, row)))"
        return try shell(["python3", "-c", script, store, sql]).split(separator: "\n").map(String.init)
    }

    /// Waits until the store holds `count` finished messages (prompts and whole replies).
    func finished(_ store: String, count: Int) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let rows = try? query(store, "SELECT count(*) FROM message WHERE complete"), rows.first == String(count) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test("^L starts a new saved chat: after a restart the first chat is whole under its own key and title")
    func clearKeepsTheOldChat() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let store = NSTemporaryDirectory() + "deck-clear-\(UUID().uuidString).sqlite"
        let command = "'\(Products.path("ollama-deck"))' --host \(sim.url) --log-file /tmp/ollama-deck-e2e.log --chat-store '\(store)'"
        let tmux = try TmuxSession(command: command, width: 100, height: 30, environment: ["TERM": "xterm-256color"])
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") }.0)
        try tmux.send("j", "j", "Enter")
        for (index, prompt) in ["alpha1", "alpha2", "alpha3"].enumerated() {
            try tmux.type(prompt)
            try tmux.send("Enter")
            #expect(try await finished(store, count: 2 * (index + 1)), "no reply to \(prompt)")
        }
        try tmux.send("C-l")
        try tmux.type("beta1")
        try tmux.send("Enter")
        #expect(try await finished(store, count: 8))
        try tmux.send("C-q")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
        let sessions = try query(store, "SELECT title, (SELECT group_concat(content, ',') FROM (SELECT content FROM message m WHERE m.session_key = s.key AND role = 'user' ORDER BY position)) FROM session s ORDER BY title")
        #expect(sessions == ["alpha1|alpha1,alpha2,alpha3", "beta1|beta1"])
        // Restart: the open pane is the new chat, and ^L there again does not touch the old one.
        let again = try TmuxSession(command: command, width: 100, height: 30, environment: ["TERM": "xterm-256color"])
        defer { again.kill() }
        #expect(try await again.waitFor { $0.contains("online") && $0.contains("4 Chat") }.0)
        try again.send("4", "C-l")
        try again.type("gamma1")
        try again.send("Enter")
        #expect(try await finished(store, count: 10))
        try again.send("C-q")
        #expect(try await again.waitFor { $0.contains("EXITED=0") }.0)
        let after = try query(store, "SELECT title, (SELECT count(*) FROM message m WHERE m.session_key = s.key) FROM session s ORDER BY title")
        #expect(after == ["alpha1|6", "beta1|2", "gamma1|2"])
    }
}
