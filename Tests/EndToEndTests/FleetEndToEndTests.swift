import Foundation
import Testing

/// Three `ollama-sim` processes as a fleet: the dashboard in tmux, and the headless commands.
@Suite("Fleet end to end", .serialized)
struct FleetEndToEndTests {
    static let deck = Products.path("ollama-deck")

    /// GET a simulator's endpoint and decode its JSON.
    func api(_ sim: SimProcess, _ path: String) throws -> [String: Any] {
        let text = try shell(["curl", "-s", "--max-time", "5", sim.url + path])
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    func modelNames(_ sim: SimProcess) throws -> [String] {
        ((try api(sim, "/api/tags")["models"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
    }

    /// Clears the Models filter and types a new one.
    func filter(_ tmux: TmuxSession, _ text: String) throws {
        try tmux.send("1", "Escape")
        try tmux.send("/")
        try tmux.type(text)
        try tmux.send("Enter")
    }

    /// The Hosts pane's row for a host.
    func hostRow(_ screen: String, _ name: String) -> String {
        screen.split(separator: "\n").first { $0.hasPrefix("│\(name) ") || $0.hasPrefix("┃\(name) ") }.map(String.init) ?? ""
    }

    @Test("three hosts: states shown, one stopped and restarted; pull and delete on the second change only it; a chat on the third streams from it")
    func fleetInTmux() async throws {
        let ws = try SimProcess()
        defer { ws.stop() }
        let gpu = try SimProcess()
        defer { gpu.stop() }
        var lab = try SimProcess()
        defer { lab.stop() }
        let labPort = lab.port
        let store = NSTemporaryDirectory() + "deck-fleet-\(UUID().uuidString).sqlite"
        let tmux = try TmuxSession(
            command: "'\(Self.deck)' --host ws=\(ws.url) --host gpu=\(gpu.url) --host lab=\(lab.url) --log-file /tmp/ollama-deck-fleet.log --chat-store '\(store)'",
            width: 120, height: 40, environment: ["XDG_CONFIG_HOME": NSTemporaryDirectory() + "none"])
        defer { tmux.kill() }
        let (allOnline, first) = try await tmux.waitFor { screen in
            ["ws", "gpu", "lab"].allSatisfy { hostRow(screen, $0).contains("● online") } && screen.contains("3/3 online")
        }
        #expect(allOnline, "not all three online:\n\(first)")
        #expect(first.contains("5 Hosts (3 · 3 online · 21 models"))

        // The third host goes away: its row says so, the others stay online.
        lab.stop()
        let (down, downScreen) = try await tmux.waitFor(timeout: .seconds(20)) { hostRow($0, "lab").contains("✗ offline") }
        #expect(down, "lab never showed offline:\n\(downScreen)")
        #expect(hostRow(downScreen, "ws").contains("● online"))
        #expect(hostRow(downScreen, "gpu").contains("● online"))
        #expect(downScreen.contains("lab unreachable"))
        lab = try SimProcess(port: labPort)
        try tmux.send("r")
        let (back, backScreen) = try await tmux.waitFor(timeout: .seconds(20)) { hostRow($0, "lab").contains("● online") && $0.contains("3/3 online") }
        #expect(back, "lab never came back:\n\(backScreen)")

        // A pull onto the second host, from one of its rows: the prompt names it.
        try filter(tmux, "@gpu")
        try tmux.send("p")
        let (asked, prompt) = try await tmux.waitFor { $0.contains("Pull a model onto gpu") }
        #expect(asked, "the pull prompt does not name gpu:\n\(prompt)")
        try tmux.type("smollm2:135m")
        try tmux.send("Enter")
        let (pulled, pullScreen) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("smollm2:135m @gpu done") }
        #expect(pulled, "the pull never finished:\n\(pullScreen)")
        #expect(try modelNames(gpu).contains("smollm2:135m"))
        #expect(try !modelNames(ws).contains("smollm2:135m"))
        #expect(try !modelNames(lab).contains("smollm2:135m"))

        // A delete on the second host: the question names it; only its list changes.
        try filter(tmux, "@gpu llama3.2")
        try tmux.send("D")
        let (question, questionScreen) = try await tmux.waitFor { $0.contains("Delete model on gpu?") }
        #expect(question, "the delete question does not name gpu:\n\(questionScreen)")
        try tmux.send("y")
        var gone = false
        for _ in 0..<50 where !gone {
            gone = try !modelNames(gpu).contains("llama3.2:latest")
            if !gone { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(gone, "llama3.2 is still on gpu")
        #expect(try modelNames(ws).contains("llama3.2:latest"))
        #expect(try modelNames(lab).contains("llama3.2:latest"))

        // A chat on the third host streams from the third.
        let before = try api(ws, "/sim/stats")["completed_streams"] as? Int
        try filter(tmux, "@lab llama3.2")
        try tmux.send("Enter")
        try tmux.type("hello lab")
        try tmux.send("Enter")
        let (replied, chatScreen) = try await tmux.waitFor(timeout: .seconds(30)) { $0.contains("tok/s") && $0.contains("[done] · llama3.2:latest@lab") }
        #expect(replied, "no reply from lab:\n\(chatScreen)")
        // The simulator counts the stream once it has closed it, a moment after the last chunk.
        var labStreams = 0
        for _ in 0..<50 where labStreams == 0 {
            labStreams = try api(lab, "/sim/stats")["completed_streams"] as? Int ?? 0
            if labStreams == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(labStreams == 1)
        #expect(try api(ws, "/sim/stats")["completed_streams"] as? Int == before)
        try tmux.send("C-q")
        let (exited, after) = try await tmux.waitFor { $0.contains("EXITED=0") }
        #expect(exited, "did not exit cleanly:\n\(after)")
    }

    @Test("headless list and ps --json across hosts, one down: the others printed with a host field, the failure on stderr, exit 1")
    func headlessAcrossHosts() throws {
        let ws = try SimProcess()
        defer { ws.stop() }
        let gpu = try SimProcess()
        defer { gpu.stop() }
        let down = "http://127.0.0.1:9"  // discard: nothing listens
        let environment = ["XDG_CONFIG_HOME": NSTemporaryDirectory() + "none", "OLLAMA_API_KEY": "sk-never-shown"]
        let hosts = ["--host", "ws=\(ws.url)", "--host", "gpu=\(gpu.url)", "--host", "dead=\(down)"]
        let list = try runProduct("ollama-deck", ["list", "--json"] + hosts, environment: environment)
        #expect(list.status == 1)
        let entries = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(entries?.count == 14)
        #expect(Set(entries?.compactMap { $0["host"] as? String } ?? []) == ["ws", "gpu"])
        #expect(entries?.first?["name"] != nil)
        #expect(list.stderr.contains("dead (http://127.0.0.1:9)"))
        #expect(!list.stdout.contains("sk-never") && !list.stderr.contains("sk-never"))

        let table = try runProduct("ollama-deck", ["list"] + hosts, environment: environment)
        #expect(table.status == 1)
        #expect(table.stdout.hasPrefix("HOST"))
        #expect(table.stdout.split(separator: "\n").count == 15)

        _ = try shell(["curl", "-s", "--max-time", "5", gpu.url + "/api/generate", "-d", #"{"model":"qwen3:8b","prompt":""}"#])
        let ps = try runProduct("ollama-deck", ["ps", "--json"] + hosts, environment: environment)
        #expect(ps.status == 1)
        let loaded = try JSONSerialization.jsonObject(with: Data(ps.stdout.utf8)) as? [[String: Any]]
        #expect(loaded?.map { $0["host"] as? String } == ["gpu"])
        #expect(loaded?.first?["name"] as? String == "qwen3:8b")

        // All up: exit 0. show covers every host that has the model.
        let up = ["--host", "ws=\(ws.url)", "--host", "gpu=\(gpu.url)"]
        #expect(try runProduct("ollama-deck", ["ps"] + up, environment: environment).status == 0)
        let show = try runProduct("ollama-deck", ["show", "--json", "qwen3:8b"] + up, environment: environment)
        #expect(show.status == 0)
        let shown = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [[String: Any]]
        #expect(shown?.compactMap { $0["host"] as? String } == ["ws", "gpu"])
    }

    @Test("a bad config file: the dashboard does not start, and says which line")
    func badConfig() throws {
        let directory = NSTemporaryDirectory() + "deck-cfg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/ollama-deck", withIntermediateDirectories: true)
        let path = directory + "/ollama-deck/config.yaml"
        try "hosts:\n  ws: http://127.0.0.1:1\n  gpu:\n    url: http://127.0.0.1:2\n    colour: red\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        let result = try runProduct("ollama-deck", ["--log-file", "/dev/null"], environment: ["XDG_CONFIG_HOME": directory])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(path):5: hosts: gpu: unknown setting 'colour'"))
        // Its hosts are used when it is right (headless, so no terminal is needed).
        try "default: gpu\nhosts:\n  ws: http://127.0.0.1:9\n  gpu: http://127.0.0.1:9\n".write(toFile: path, atomically: true, encoding: .utf8)
        let listed = try runProduct("ollama-deck", ["list"], environment: ["XDG_CONFIG_HOME": directory])
        #expect(listed.status == 1)
        #expect(listed.stderr.contains("ws (http://127.0.0.1:9)"))
        #expect(listed.stderr.contains("gpu (http://127.0.0.1:9)"))
    }
}
