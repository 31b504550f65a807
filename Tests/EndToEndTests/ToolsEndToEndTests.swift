import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `mcp-server-time` from PyPI, in a virtual environment at the package root (`.venv-mcp`): made
/// here when `.ci/run` has not made it already.
enum TimeServer {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let venv = root.appendingPathComponent(".venv-mcp").path
    static let command = venv + "/bin/mcp-server-time"

    static func install() throws -> String {
        if !FileManager.default.isExecutableFile(atPath: command) {
            try shell(["python3", "-m", "venv", venv])
            try shell([venv + "/bin/pip", "install", "--quiet", "mcp-server-time"])
        }
        return command
    }
}

/// The pids of processes whose command line contains `text`.
/// The pids of running `mcp-server-time` processes (the Python interpreter running the script;
/// not the dashboard or the shell, whose command lines name it too).
func pids(matching script: String) throws -> [Int32] {
    try shell(["pgrep", "-f", "^[^ ]*python[^ ]* " + script]).split(separator: "\n").compactMap { Int32($0) }
}

/// A process in the background (posix_spawn, all output to /dev/null), killed by `stop`.
final class BackgroundProcess {
    let pid: pid_t

    init(_ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        _ = spawnActionsCloseFrom(&actions, 3)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        guard posix_spawn(&child, arguments[0], &actions, nil, argv, environ) == 0 else {
            throw HarnessError.simDidNotStart("cannot start \(arguments[0])")
        }
        pid = child
    }

    func stop() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}

@Suite("Tools end to end: a real MCP server from PyPI", .serialized)
struct ToolsEndToEndTests {
    static let deck = Products.path("ollama-deck")

    @Test("--mcp adds mcp-server-time; asked the time in Taipei, the model calls it on y and answers from its result; the chat and its call come back after a restart; the server never outlives the dashboard, even killed")
    func timeInTaipei() async throws {
        let server = try TimeServer.install()
        try #require(FileManager.default.isExecutableFile(atPath: server), "mcp-server-time did not install into \(TimeServer.venv)")
        let sim = try SimProcess()
        defer { sim.stop() }
        let store = NSTemporaryDirectory() + "deck-tools-\(UUID().uuidString).sqlite"
        let command = "'\(Self.deck)' --host \(sim.url) --mcp 'time=\(server)' --log-file /tmp/ollama-deck-tools.log --chat-store '\(store)'"
        let environment = ["XDG_CONFIG_HOME": NSTemporaryDirectory() + "none", "TERM": "xterm-256color"]
        var tmux = try TmuxSession(command: command, width: 120, height: 40, environment: environment)
        defer { tmux.kill() }
        let (online, _) = try await tmux.waitFor { $0.contains("qwen3:8b") }
        #expect(online)
        // Not started before a chat offers tools.
        #expect(try pids(matching: server).isEmpty)
        try tmux.send("4")
        try tmux.type("/model qwen3:8b")
        try tmux.send("Enter")
        try tmux.type("what time is it in Taipei?")
        try tmux.send("Enter")
        let (asked, askScreen) = try await tmux.waitFor(timeout: .seconds(60)) { $0.contains("run this tool call?") }
        #expect(asked, "no approval asked:\n\(askScreen)")
        #expect(askScreen.contains("⚙ get_current_time · time {\"timezone\":\"Asia/Taipei\"}"))
        #expect(askScreen.contains("y run this call"))  // the help bar shows the choices
        #expect(try pids(matching: server).count == 1)
        try tmux.send("y")
        let (answered, answer) = try await tmux.waitFor(timeout: .seconds(30)) { screen in
            screen.contains("From the tool results: get_current_time says") && screen.contains("[done]")
        }
        #expect(answered, "no answer from the tool result:\n\(answer)")
        // The answer is built from the tool's own result: a Taipei time, +08:00.
        #expect(answer.contains("✓ done"))
        #expect(answer.contains("+08:00"))

        // F4 shows the server, ready with its two tools.
        try tmux.send("F4")
        let (overlay, tools) = try await tmux.waitFor { $0.contains("time · ready, 2 tools") }
        #expect(overlay, "no tools overlay:\n\(tools)")
        #expect(tools.contains("● convert_time"))
        try tmux.send("Escape")

        // Quitting stops the server.
        try tmux.send("C-q")
        try await Task.sleep(for: .milliseconds(300))
        _ = try await tmux.waitFor(timeout: .seconds(5)) { $0.contains("EXITED=") }
        var stopped = false
        for _ in 0..<50 where !stopped {
            stopped = try pids(matching: server).isEmpty
            if !stopped { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(stopped, "mcp-server-time outlived the dashboard")
        tmux.kill()

        // After a restart the chat is back with its tool call, and goes on from it.
        tmux = try TmuxSession(command: command, width: 120, height: 40, environment: environment)
        let (restored, again) = try await tmux.waitFor(timeout: .seconds(20)) { $0.contains("⚙ get_current_time · time") }
        #expect(restored, "the tool call did not come back:\n\(again)")
        #expect(again.contains("+08:00"))
        try tmux.send("4")
        try tmux.type("and in Tokyo?")
        try tmux.send("Enter")
        let (askedAgain, _) = try await tmux.waitFor(timeout: .seconds(60)) { $0.contains("run this tool call?") }
        #expect(askedAgain)
        let running = try pids(matching: server)
        #expect(running.count == 1)
        // Killed outright, the dashboard still takes its server with it (PR_SET_PDEATHSIG).
        let deckPID = try #require(try tmux.programPID(named: "ollama-deck"))
        kill(deckPID, SIGKILL)
        var orphaned = true
        for _ in 0..<50 where orphaned {
            orphaned = !(try pids(matching: server).isEmpty)
            if orphaned { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(!orphaned, "mcp-server-time was orphaned by a killed dashboard")
    }

    /// The dashboard in tmux on `sim` with one tool server (`--mcp` value), its chat store fresh.
    func dashboard(_ sim: SimProcess, mcp: String) throws -> TmuxSession {
        let store = NSTemporaryDirectory() + "deck-tools-\(UUID().uuidString).sqlite"
        return try TmuxSession(
            command: "'\(Self.deck)' --host \(sim.url) --mcp '\(mcp)' --log-file /tmp/ollama-deck-tools.log --chat-store '\(store)'",
            width: 120, height: 40, environment: ["XDG_CONFIG_HOME": NSTemporaryDirectory() + "none"])
    }

    /// Once the models are listed: the chat pane, qwen3:8b (it has tools), and `prompt` sent.
    func ask(_ tmux: TmuxSession, _ prompt: String) async throws {
        _ = try await tmux.waitFor { $0.contains("qwen3:8b") }
        try tmux.send("4")
        try tmux.type("/model qwen3:8b")
        try tmux.send("Enter")
        try tmux.type(prompt)
        try tmux.send("Enter")
    }

    @Test("--mcp NAME=URL reaches a Streamable HTTP server built on the official Python SDK; its event-stream answers come back")
    func streamableHTTP() async throws {
        _ = try TimeServer.install()
        let port = Int.random(in: 20_000...40_000)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("http_mcp.py").path
        let server = try BackgroundProcess([TimeServer.venv + "/bin/python", script, String(port)])
        defer { server.stop() }
        var listening = false
        for _ in 0..<100 where !listening {
            listening = (try shell(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1",
                                    "http://127.0.0.1:\(port)/mcp"])) != "000"
            if !listening { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(listening, "the Python MCP server did not listen on \(port)")
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try dashboard(sim, mcp: "web=http://127.0.0.1:\(port)/mcp")
        defer { tmux.kill() }
        try await ask(tmux, "what is the weather in Paris?")
        let (asked, askScreen) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("run this tool call?") }
        #expect(asked, "no approval asked:\n\(askScreen)")
        #expect(askScreen.contains("⚙ get_weather · web {\"city\":\"Paris\"}"))
        try tmux.send("y")
        let (answered, answer) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("(from the HTTP server).") }
        #expect(answered, "no answer from the HTTP tool:\n\(answer)")
        #expect(answer.contains("get_weather says Sunny and 21 C"))
    }

    @Test("a hostile tool server: escape sequences in a result never reach the pty; a crash mid-call is said under the call and the chat goes on")
    func hostileServer() async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("DeckTests/Fixtures/hostile_mcp.py").path
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try dashboard(sim, mcp: "bad=python3 \(script)")
        defer { tmux.kill() }
        let pty = try tmux.capturePTY()
        try await ask(tmux, "please run escapes")
        let (asked, askScreen) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("run this tool call?") }
        #expect(asked, "no approval asked:\n\(askScreen)")
        #expect(askScreen.contains("⚙ escapes · bad"))
        try tmux.send("y")
        let (shown, screen) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("From the tool results: escapes says") }
        #expect(shown, "no answer:\n\(screen)")
        let bytes = [UInt8](pty())
        func contains(_ needle: [UInt8]) -> Bool {
            bytes.count >= needle.count && (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<$0 + needle.count]) == needle }
        }
        #expect(!contains([0x1B] + Array("]52;".utf8)), "an OSC 52 from the tool reached the terminal")
        #expect(!contains([0x1B] + Array("]0;pwned".utf8)), "a title change from the tool reached the terminal")
        #expect(!contains([0xC2, 0x9B] + Array("31m".utf8)), "a C1 CSI from the tool reached the terminal")
        // A crash in the middle of a call: said under the call; the chat still answers.
        try tmux.type("now crash")
        try tmux.send("Enter")
        _ = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("⚙ crash · bad") && $0.contains("run this tool call?") }
        try tmux.send("y")
        let (failed, failScreen) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("exited with status 3") }
        #expect(failed, "the crash was not said:\n\(failScreen)")
        let (answered, _) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("crash says error:") }
        #expect(answered)
    }
}
