import Foundation
import Testing

/// `ollama-deck` in a real terminal (tmux) against `ollama-sim`, driven by keys, read from the screen.
@Suite("End to end in tmux", .serialized)
struct DashboardEndToEndTests {
    static let deck = Products.path("ollama-deck")

    func startDeck(_ sim: SimProcess, width: Int = 120, height: Int = 40, store: String? = nil) throws -> TmuxSession {
        let storePath = store ?? Self.freshStorePath()
        return try TmuxSession(
            command: "'\(Self.deck)' --host \(sim.url) --log-file /tmp/ollama-deck-e2e.log --chat-store '\(storePath)'",
            width: width, height: height)
    }

    static func freshStorePath() -> String {
        NSTemporaryDirectory() + "deck-e2e-\(UUID().uuidString).sqlite"
    }

    @Test("models listed, a Chinese reply streamed with aligned borders, q leaves a usable shell")
    func chatAndQuit() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        let (listed, first) = try await tmux.waitFor { $0.contains("qwen3:8b") && $0.contains("online") }
        #expect(listed, "models never appeared:\n\(first)")
        try tmux.chatWithLlama("天空为什么是蓝色的？")
        let (replied, screen) = try await tmux.waitFor { $0.contains("tok/s") }
        #expect(replied, "no reply stats:\n\(screen)")
        #expect(screen.contains("瑞利散射") || screen.contains("羊驼") || screen.contains("Ollama"))
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
        let bodyRows = rows.dropFirst(1).prefix(tmux.height - 2)
        for (index, row) in bodyRows.enumerated() where row.contains("┃") || row.contains("│") {
            #expect(cellWidth(row) == tmux.width, "row \(index + 1) is \(cellWidth(row)) cells: \(row)")
            #expect(row.last == "┃" || row.last == "│", "row \(index + 1) does not end on a border: \(row)")
        }
        try tmux.send("C-q")
        let (exited, after) = try await tmux.waitFor { $0.contains("EXITED=0") && $0.contains("icanon") }
        #expect(exited, "did not exit cleanly:\n\(after)")
        #expect(after.contains(" echo") && !after.contains("-echo "))
        #expect(!after.contains("-icanon"))
    }

    @Test("resize to a tiny terminal and back")
    func resize() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") }.0)
        try tmux.resize(width: 20, height: 5)
        let (small, tiny) = try await tmux.waitFor { $0.contains("too small") }
        #expect(small, "no 'too small' message:\n\(tiny)")
        try tmux.resize(width: 3, height: 2)
        try await Task.sleep(for: .milliseconds(300))
        try tmux.resize(width: 60, height: 20)
        #expect(try await tmux.waitFor { $0.contains("1 Models") && $0.contains("4 Chat") }.0)
        try tmux.resize(width: 130, height: 45)
        let (big, screen) = try await tmux.waitFor { $0.contains("3 Pulls") && $0.contains("qwen3:8b") }
        #expect(big, "no full layout after growing:\n\(screen)")
        try tmux.send("q")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
    }

    @Test("server killed: banner and stale data; restarted: recovery")
    func serverRestart() async throws {
        let sim = try SimProcess()
        let port = sim.port
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") && $0.contains("online") }.0)
        sim.stop()
        let (down, banner) = try await tmux.waitFor { $0.contains("unreachable") && $0.contains("offline") }
        #expect(down, "no banner:\n\(banner)")
        #expect(banner.contains("qwen3:8b"))  // the last data stays, marked stale
        #expect(banner.contains("stale"))
        let restarted = try SimProcess(port: port)
        defer { restarted.stop() }
        let (recovered, screen) = try await tmux.waitFor(timeout: .seconds(40)) {
            $0.contains("online") && !$0.contains("unreachable")
        }
        #expect(recovered, "did not reconnect:\n\(screen)")
        try tmux.send("q")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
    }

    @Test("server killed mid-reply: the partial reply stays, the pane says why; the server back: online again")
    func serverKilledMidStream() async throws {
        let sim = try SimProcess(extraArguments: ["--token-rate", "20", "--reply-tokens", "400"])
        let port = sim.port
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("llama3.2") }.0)
        try tmux.chatWithLlama("hi")
        let (streaming, partial) = try await tmux.waitFor { $0.contains("The sky") && $0.contains("[streaming]") }
        #expect(streaming, "no reply started:\n\(partial)")
        sim.stop()
        let (cut, screen) = try await tmux.waitFor { $0.contains("[error]") && $0.contains("⏹") }
        #expect(cut, "the pane does not say the reply was cut:\n\(screen)")
        #expect(screen.contains("The sky"), "the partial reply was lost:\n\(screen)")
        let restarted = try SimProcess(port: port)
        defer { restarted.stop() }
        // Online again: the status says so and the offline banner (with its retry countdown) is gone.
        let (back, after) = try await tmux.waitFor(timeout: .seconds(40)) {
            $0.contains("● online") && !$0.contains("retrying in")
        }
        #expect(back, "did not reconnect:\n\(after)")
        #expect(after.contains("The sky"))
        try tmux.send("C-q")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
    }

    @Test("SIGTERM restores the terminal")
    func sigterm() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") }.0)
        let pid = try #require(try tmux.programPID(named: "ollama-deck"))
        kill(pid, SIGTERM)
        let (exited, after) = try await tmux.waitFor { $0.contains("EXITED=") && $0.contains("icanon") }
        #expect(exited, "no exit after SIGTERM:\n\(after)")
        #expect(!after.contains("-icanon") && !after.contains("-echo "))
    }

    @Test("a pull typed at the prompt shows progress, and the model joins the list")
    func pull() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") }.0)
        try tmux.send("p")
        try tmux.type("smollm2:135m")
        try tmux.send("Enter")
        let (done, screen) = try await tmux.waitFor { $0.contains("done") && $0.contains("smollm2:135m") && $0.contains("(8 ·") }
        #expect(done, "pull did not finish into the list:\n\(screen)")
        try tmux.send("q")
    }

    @Test("Ctrl-Z suspends (the process stops, the screen is given back) and SIGCONT resumes with working keys")
    func suspendResume() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") }.0)
        let pid = try #require(try tmux.programPID(named: "ollama-deck"))
        try tmux.send("C-z")
        var stopped = false
        for _ in 0..<50 where !stopped {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            stopped = stat.split(separator: " ").dropFirst(2).first == "T"
            if !stopped { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(stopped, "the process did not stop on Ctrl-Z")
        let (released, away) = try await tmux.waitFor(timeout: .seconds(5)) { !$0.contains("1 Models") }
        #expect(released, "the dashboard still covers the screen while suspended:\n\(away)")
        kill(pid, SIGCONT)
        #expect(try await tmux.waitFor { $0.contains("1 Models") && $0.contains("qwen3:8b") }.0)
        try tmux.send("?")
        let (help, screen) = try await tmux.waitFor { $0.contains("┏ Keys") }
        #expect(help, "keys do not work after resuming:\n\(screen)")
        try tmux.send("Escape")
        try tmux.send("q")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
    }

    @Test("a fatal signal restores the terminal and says where the details are")
    func crashRestoresTerminal() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("qwen3:8b") }.0)
        let pid = try #require(try tmux.programPID(named: "ollama-deck"))
        kill(pid, SIGSEGV)
        let (exited, after) = try await tmux.waitFor { $0.contains("EXITED=") && $0.contains("icanon") }
        #expect(exited, "no exit after SIGSEGV:\n\(after)")
        #expect(after.contains("ollama-deck crashed; the terminal was restored"))
        #expect(!after.contains("EXITED=0"))
        #expect(!after.contains("-icanon") && !after.contains("-echo "))
    }

    @Test("delete: Enter on the confirmation keeps the model; y deletes it")
    func deleteConfirmation() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("mistral:7b") }.0)
        try tmux.send("G", "D")
        let (asked, question) = try await tmux.waitFor { $0.contains("Delete model?") && $0.contains("(default No)") }
        #expect(asked, "no confirmation:\n\(question)")
        #expect(question.contains("mistral:7b (4.1 GB)"))
        try tmux.send("Enter")
        let (kept, screen) = try await tmux.waitFor { $0.contains("nothing deleted") }
        #expect(kept, "no 'nothing deleted':\n\(screen)")
        #expect(screen.contains("mistral:7b"))
        try tmux.send("D")
        #expect(try await tmux.waitFor { $0.contains("Delete model?") }.0)
        try tmux.send("y")
        let (gone, after) = try await tmux.waitFor { $0.contains("deleted mistral:7b") && !$0.contains("1y ago") }
        #expect(gone, "model still listed:\n\(after)")
        try tmux.send("q")
    }

    @Test("rename: the new name appears and the old one goes")
    func rename() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let tmux = try startDeck(sim)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("mistral:7b") }.0)
        try tmux.send("G", "m", "C-u")
        try tmux.type("mistral-renamed")
        try tmux.send("Enter")
        let (renamed, screen) = try await tmux.waitFor { $0.contains("mistral-renamed:latest") && !$0.contains("mistral:7b ") }
        #expect(renamed, "rename not shown:\n\(screen)")
        try tmux.send("q")
    }

    @Test("a pull on a terminal draws bars that move")
    func pullBarsMove() async throws {
        let sim = try SimProcess(extraArguments: ["--pull-rate", "400000000"])
        defer { sim.stop() }
        let tmux = try TmuxSession(command: "'\(Self.deck)' pull --host \(sim.url) llama3.1:8b", width: 100, height: 20)
        defer { tmux.kill() }
        let (started, first) = try await tmux.waitFor { $0.contains("pulling ") && $0.contains("%") && $0.contains("▕") }
        #expect(started, "no bars:\n\(first)")
        try await Task.sleep(for: .milliseconds(1500))
        let later = try tmux.capture()
        #expect(later != first, "the bars did not move")
        let (done, screen) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("EXITED=0") }
        #expect(done, "pull did not finish:\n\(screen)")
        #expect(screen.contains("success"))
    }

    @Test("compare mode: two panes stream at once; Esc stops the focused one, the other finishes; both come back after a restart")
    func compareMode() async throws {
        let sim = try SimProcess(extraArguments: ["--token-rate", "10", "--reply-tokens", "60"])
        defer { sim.stop() }
        let store = Self.freshStorePath()
        let tmux = try startDeck(sim, width: 140, height: 40, store: store)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("llama3.2") }.0)
        try tmux.send("j", "j", "Enter")  // llama3.2 in pane 1
        try tmux.send("C-n")              // pane 2, same model
        try tmux.send("C-g")
        try tmux.type("hello")
        try tmux.send("Enter")
        let (both, streaming) = try await tmux.waitFor { $0.components(separatedBy: "[streaming]").count >= 3 }
        #expect(both, "two panes not streaming:\n\(streaming)")
        try tmux.send("C-g")               // compare off: Esc stops only the focused pane
        try tmux.send("Escape")
        let (result, screen) = try await tmux.waitFor(timeout: .seconds(20)) { $0.contains("stopped") && $0.contains("tok/s") }
        #expect(result, "expected one stopped and one finished pane:\n\(screen)")
        try tmux.send("C-q")
        try tmux.send("y")
        #expect(try await tmux.waitFor { $0.contains("EXITED=0") }.0)
        tmux.kill()
        let again = try startDeck(sim, width: 140, height: 40, store: store)
        defer { again.kill() }
        let (back, restored) = try await again.waitFor {
            $0.contains("Chat 1/2") && $0.contains("Chat 2/2") && $0.contains("stopped") && $0.contains("tok/s")
        }
        #expect(back, "the two panes did not come back:\n\(restored)")
        try again.send("C-q")
    }

    @Test("kill -9 mid-stream loses no completed message and keeps the partial reply; compare panes come back")
    func killAndRestore() async throws {
        let sim = try SimProcess(extraArguments: ["--token-rate", "8", "--reply-tokens", "200"])
        defer { sim.stop() }
        let store = Self.freshStorePath()
        let tmux = try startDeck(sim, width: 140, height: 40, store: store)
        defer { tmux.kill() }
        #expect(try await tmux.waitFor { $0.contains("llama3.2") }.0)
        try tmux.send("j", "j", "Enter", "C-n", "C-g")
        try tmux.type("天空为什么是蓝色的？")
        try tmux.send("Enter")
        let (streaming, before) = try await tmux.waitFor { $0.components(separatedBy: "[streaming]").count >= 3 }
        #expect(streaming, "not streaming:\n\(before)")
        try await Task.sleep(for: .milliseconds(2500))  // at least one tick saves the partial replies
        let pid = try #require(try tmux.programPID(named: "ollama-deck"))
        kill(pid, SIGKILL)
        #expect(try await tmux.waitFor { $0.contains("EXITED=") }.0)
        tmux.kill()

        let again = try startDeck(sim, width: 140, height: 40, store: store)
        defer { again.kill() }
        let (restored, screen) = try await again.waitFor {
            $0.components(separatedBy: "天空为什么是蓝色的？").count >= 3 && $0.components(separatedBy: "interrupted").count >= 3
        }
        #expect(restored, "panes not restored with their partial replies:\n\(screen)")
        #expect(screen.contains("Chat 1/2") && screen.contains("Chat 2/2"))
        try again.send("C-q")
    }

    /// Starts the dashboard on `sim`, starts recording what it writes to its pty, and says "hello"
    /// to llama3.2. Returns the session and a reader of the bytes written so far.
    func chatCapturingPTY(_ sim: SimProcess) async throws -> (TmuxSession, () -> Data) {
        let tmux = try startDeck(sim)
        #expect(try await tmux.waitFor { $0.contains("llama3.2") }.0)
        let ptyBytes = try tmux.capturePTY()
        try tmux.chatWithLlama("hello")
        return (tmux, ptyBytes)
    }

    @Test("escape sequences in model output never reach the terminal: they show as placeholders")
    func terminalInjection() async throws {
        let sim = try SimProcess(extraArguments: ["--fault", "escapes"])
        defer { sim.stop() }
        let (tmux, ptyBytes) = try await chatCapturingPTY(sim)
        defer { tmux.kill() }
        let (done, screen) = try await tmux.waitFor { $0.contains("tok/s") }
        #expect(done, "no reply:\n\(screen)")
        #expect(screen.contains("␛]52;c;"))
        #expect(screen.contains("␛[2J"))
        try await Task.sleep(for: .milliseconds(300))
        let written = ptyBytes()
        #expect(!written.isEmpty)
        for forbidden in ["\u{1B}]52", "\u{1B}]0;pwned", "\u{1B}[2J", "\u{202E}", "\u{1B}P+q"] {
            #expect(written.range(of: Data(forbidden.utf8)) == nil, "the pty received \(forbidden.debugDescription)")
        }
        #expect(written.range(of: Data([0xC2, 0x9B])) == nil, "the pty received a C1 CSI")
        // The model list carries a model whose name and family hold escapes: shown with placeholders.
        try tmux.send("Tab")
        try tmux.send("G")
        let (listed, list) = try await tmux.waitFor { $0.contains("evil␛]0;pwned-name") }
        #expect(listed, "the hostile model name is not shown with placeholders:\n\(list)")
        try tmux.send("C-q")
    }

    @Test("escapes in a server's error and in a pasted file name reach the screen as placeholders, never the pty")
    func injectionInErrorsAndFileNames() async throws {
        let sim = try SimProcess(extraArguments: ["--fault", "escapes,error", "--fault-after", "3"])
        defer { sim.stop() }
        let (tmux, ptyBytes) = try await chatCapturingPTY(sim)
        defer { tmux.kill() }
        let (failed, screen) = try await tmux.waitFor { $0.contains("pwned-error") }
        #expect(failed, "no error shown:\n\(screen)")
        #expect(screen.contains("␛]0;pwned-error"))
        // A file name with escapes, pasted (bracketed paste keeps the ESC bytes), then sent.
        try tmux.setBuffer("/image /tmp/no\u{1B}]0;pwned-file\u{07}.png")
        try tmux.pasteBuffer()
        try tmux.send("Enter")
        let (named, after) = try await tmux.waitFor { $0.contains("pwned-file") && $0.contains("␛]0;") }
        #expect(named, "the file error does not name the file with placeholders:\n\(after)")
        try await Task.sleep(for: .milliseconds(300))
        let written = ptyBytes()
        #expect(!written.isEmpty)
        for forbidden in ["\u{1B}]0;pwned-error", "\u{1B}]0;pwned-file", "\u{1B}]0;pwned"] {
            #expect(written.range(of: Data(forbidden.utf8)) == nil, "the pty received \(forbidden.debugDescription)")
        }
        try tmux.send("C-q")
    }
}
