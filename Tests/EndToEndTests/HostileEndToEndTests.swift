import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The dashboard under hostile conditions: resize and signal storms, secrets, a broken chat store,
/// oversized lines, and a very large model list.
@Suite("Hostile conditions, end to end", .serialized)
struct HostileEndToEndTests {
    static let deck = Products.path("ollama-deck")

    func startDeck(_ sim: SimProcess, extra: String = "", environment: [String: String] = [:]) throws -> TmuxSession {
        let store = NSTemporaryDirectory() + "deck-hostile-\(UUID().uuidString).sqlite"
        return try TmuxSession(
            command: "'\(Self.deck)' --host \(sim.url) --log-file /tmp/ollama-deck-hostile.log --chat-store '\(store)' \(extra)",
            environment: environment)
    }

    @Test("1,000 random sizes from 1×1 to 300×100 while two replies stream: no crash, and the layout comes back")
    func resizeStorm() async throws {
        let sim = try SimProcess(extraArguments: ["--token-rate", "100", "--reply-tokens", "3000"])
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("llama3.2") }.0)
        try tmux.send("j", "j", "Enter", "C-n", "C-g")
        try tmux.type("天空")
        try tmux.send("Enter")
        var random = SeededGenerator(#function)
        for _ in 0..<1_000 {
            try tmux.resize(width: Int.random(in: 1...300, using: &random), height: Int.random(in: 1...100, using: &random))
        }
        try tmux.resize(width: 120, height: 40)
        let (alive, screen) = try await tmux.waitFor { $0.contains("1 Models") && $0.contains("Chat 2/2") }
        #expect(alive, "no layout after the storm:\n\(screen)")
        try tmux.send("C-q", "y")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
    }

    @Test("a signal storm (WINCH, CONT) then SIGHUP: the terminal is restored")
    func signalStorm() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") }.0)
        let pid = try #require(try tmux.programPID(named: "ollama-deck"))
        for i in 0..<300 { kill(pid, i % 3 == 0 ? SIGCONT : SIGWINCH) }
        try await Task.sleep(for: .milliseconds(300))
        try tmux.send("?")
        #expect(try await tmux.waitFor { $0.contains("┏ Keys") }.0)
        kill(pid, SIGHUP)
        let (exited, after) = try await tmux.waitFor { $0.contains("EXITED=") && $0.contains("icanon") }
        #expect(exited, "no exit after SIGHUP:\n\(after)")
        #expect(!after.contains("-icanon") && !after.contains("-echo "))
    }

    @Test("the API key and configured headers never appear on screen, in the log or in an export")
    func secrets() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let export = NSTemporaryDirectory() + "deck-export-\(UUID().uuidString).md"
        let log = "/tmp/ollama-deck-hostile.log"
        let tmux = try startDeck(sim, extra: "-H 'X-Secret: hunter2-header'", environment: ["OLLAMA_API_KEY": "sk-very-secret-key"])
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") }.0)
        try tmux.chatWithLlama("hi")
        #expect(try await tmux.waitFor { $0.contains("tok/s") }.0)
        try tmux.type("/export \(export)")
        try tmux.send("Enter")
        let (exported, screen) = try await tmux.waitFor { $0.contains("exported to") }
        #expect(exported, "no export:\n\(screen)")
        try tmux.send("?")
        let help = try tmux.capture()
        try tmux.send("Escape", "C-q")
        _ = try await tmux.waitFor { $0.contains("EXITED=") }
        let files = [(try? String(contentsOfFile: export, encoding: .utf8)) ?? "", (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""]
        for text in [screen, help] + files {
            #expect(!text.contains("sk-very-secret-key"))
            #expect(!text.contains("hunter2-header"))
        }
        #expect(files[0].contains("# Chat with llama3.2:latest"))
    }

    @Test("a chat store that cannot be opened: a clear message, and chat still works")
    func brokenStore() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try TmuxSession(command: "'\(Self.deck)' --host \(sim.url) --chat-store /etc/hostname/chats.sqlite")
        defer { tmux.kill() }
        let (warned, screen) = try await tmux.waitFor { $0.contains("chat history unavailable") }
        #expect(warned, "no warning:\n\(screen)")
        #expect(try await tmux.waitFor { $0.contains("llama3.2") }.0)  // the list is there to pick from
        try tmux.chatWithLlama("hi")
        #expect(try await tmux.waitFor { $0.contains("tok/s") }.0)
        try tmux.send("C-q")
    }

    @Test("an oversized line ends the reply with a clear error; the dashboard stays up")
    func oversizedLine() async throws {
        let sim = try SimProcess(extraArguments: ["--fault", "long-line", "--fault-after", "2"])
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("llama3.2") }.0)
        try tmux.chatWithLlama("hi")
        let (failed, screen) = try await tmux.waitFor { $0.contains("exceeded") }
        #expect(failed, "no error for the long line:\n\(screen)")
        #expect(screen.contains("[error]"))
        try tmux.send("C-q")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
    }

    @Test("a server that accepts and never answers: the UI stays live, and the request fails with a message")
    func hangingServer() async throws {
        let sim = try SimProcess(extraArguments: ["--fault", "hang"])
        defer { sim.stop() }
        let tmux = try startDeck(sim, extra: "--request-timeout 2")
        defer { tmux.kill() }
        // While the first requests hang, keys still work.
        #expect(try await tmux.waitFor { $0.contains("1 Models") }.0)
        try tmux.send("?")
        let (help, screen) = try await tmux.waitFor(timeout: .seconds(1.5)) { $0.contains("┏ Keys") }
        #expect(help, "the help did not open while requests hang:\n\(screen)")
        try tmux.send("Escape")
        let (timedOut, after) = try await tmux.waitFor(timeout: .seconds(10)) { $0.contains("no answer in time") }
        #expect(timedOut, "no timeout message:\n\(after)")
        try tmux.send("q")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
    }

    @Test("10,000 installed models: listed, counted, and filtered")
    func hugeLibrary() async throws {
        let sim = try SimProcess(extraArguments: ["--extra-models", "10000"])
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        let (listed, screen) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("1 Models (10007") }
        #expect(listed, "count not shown:\n\(screen)")
        try tmux.send("/")
        try tmux.type("synthetic-qwen3-42")
        let (filtered, after) = try await tmux.waitFor { $0.contains("of 10007") && $0.contains("synthetic-qwen3-42") }
        #expect(filtered, "filter did not narrow the list:\n\(after)")
        try tmux.send("Escape", "q")
    }

    @Test("a non-UTF-8 locale falls back to C.UTF-8: Chinese still draws")
    func posixLocale() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let store = NSTemporaryDirectory() + "deck-locale-\(UUID().uuidString).sqlite"
        let tmux = try TmuxSession(command: "env LC_ALL=POSIX LANG= '\(Self.deck)' --host \(sim.url) --chat-store '\(store)'")
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("llama3.2") }.0)
        try tmux.chatWithLlama("你好")
        let (drawn, screen) = try await tmux.waitFor { $0.contains("› 你好") && $0.contains("tok/s") }
        #expect(drawn, "Chinese not drawn under LC_ALL=POSIX:\n\(screen)")
        try tmux.send("C-q")
    }
}
