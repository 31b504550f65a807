import Foundation
import Testing

/// The headless subcommands against `ollama-sim`: output and exit codes.
@Suite("Subcommands", .serialized)
struct SubcommandTests {
    func run(_ sim: SimProcess, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProduct("ollama-deck", arguments, environment: ["OLLAMA_HOST": sim.url], stdin: stdin)
    }

    @Test("list and ps print tables; --json prints JSON")
    func listAndPs() throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let list = try run(sim, ["list"])
        #expect(list.status == 0)
        #expect(list.stdout.hasPrefix("NAME"))
        #expect(list.stdout.contains("qwen3:8b"))
        #expect(list.stdout.split(separator: "\n").count == 8)
        let json = try run(sim, ["list", "--json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(decoded?.count == 7)
        #expect(decoded?.first?["details"] != nil)
        let ps = try run(sim, ["ps"])
        #expect(ps.status == 0 && ps.stdout.hasPrefix("NAME"))
        // Nothing loaded: an empty JSON array, on one line.
        #expect(try run(sim, ["ps", "--json"]).stdout == "[]\n")
    }

    @Test("--version prints the version; a multi-model pull names the model on every line")
    func versionAndNamedPulls() throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let version = try runProduct("ollama-deck", ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
        let pulled = try run(sim, ["pull", "tiny", "phi4-mini"])
        #expect(pulled.status == 0)
        let lines = pulled.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("tiny: ") || $0.hasPrefix("phi4-mini: ") }, "\(lines)")
        #expect(lines.contains("phi4-mini: success"))
    }

    @Test("Ctrl-C during a pull exits with status 130")
    func interruptExits130() throws {
        let sim = try SimProcess(extraArguments: ["--pull-rate", "1000"])
        defer { sim.stop() }
        let deck = Products.path("ollama-deck")
        let output = try shell(["sh", "-c", "OLLAMA_HOST=\(sim.url) timeout --preserve-status -s INT 1 '\(deck)' pull phi4-mini >/dev/null 2>&1; echo $?"])
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "130")
    }

    @Test("cp refuses to replace an existing model unless --force, and names it")
    func copyRefusesOverwrite() throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let before = try run(sim, ["list", "--json"]).stdout
        let refused = try run(sim, ["cp", "llama3.2", "qwen3:8b"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("'qwen3:8b' exists"))
        #expect(refused.stderr.contains("--force"))
        #expect(try run(sim, ["list", "--json"]).stdout == before)
        #expect(try run(sim, ["cp", "--force", "llama3.2", "qwen3:8b"]).status == 0)
    }

    @Test("show prints a server's text with its escape sequences made visible")
    func showSanitizes() throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let body = #"{"model":"evil","from":"qwen3:8b","system":"hi \u001b]0;pwned\u0007 \u001b[2J there"}"#
        try shell(["curl", "-s", "-o", "/dev/null", "\(sim.url)/api/create", "-d", body], captureOutput: false)
        let shown = try run(sim, ["show", "evil", "--system"])
        #expect(shown.status == 0)
        #expect(!shown.stdout.contains("\u{1B}") && !shown.stdout.contains("\u{07}"))
        #expect(shown.stdout.contains("pwned"))
        #expect(shown.stdout.contains("\u{241B}"))  // ␛, the visible stand-in
    }

    @Test("pull prints one line per phase without a terminal, and fails with the server's message")
    func pull() throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let ok = try run(sim, ["pull", "tiny"])
        #expect(ok.status == 0)
        let lines = ok.stdout.split(separator: "\n")
        #expect(lines.first == "pulling manifest")
        #expect(lines.last == "success")
        #expect(lines.contains("verifying sha256 digest"))
        let bad = try run(sim, ["pull", "no-such-model"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("pull model manifest: file does not exist"))
        let invalid = try run(sim, ["pull", "bad name"])
        #expect(invalid.status != 0)
        #expect(invalid.stderr.contains("no spaces"))
    }

    @Test("rm needs --yes without a terminal; deletes; a missing model fails")
    func remove() throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let refused = try run(sim, ["rm", "mistral:7b"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--yes"))
        #expect(try run(sim, ["list"]).stdout.contains("mistral:7b"))
        let deleted = try run(sim, ["rm", "--yes", "mistral:7b"])
        #expect(deleted.status == 0)
        #expect(!(try run(sim, ["list"]).stdout.contains("mistral:7b")))
        let missing = try run(sim, ["rm", "--yes", "mistral:7b"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("model 'mistral:7b' not found"))
    }

    @Test("show prints the sections and single parts; cp copies")
    func showAndCopy() throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let show = try run(sim, ["show", "qwen3:8b"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("Capabilities"))
        #expect(show.stdout.contains("context length"))
        #expect(try run(sim, ["show", "qwen3:8b", "--license"]).stdout.contains("LICENSE"))
        let missing = try run(sim, ["show", "ghost"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("model 'ghost:latest' not found"))
        #expect(try run(sim, ["cp", "qwen3:8b", "qwen-backup"]).status == 0)
        #expect(try run(sim, ["list"]).stdout.contains("qwen-backup:latest"))
        let badCopy = try run(sim, ["cp", "ghost", "x"])
        #expect(badCopy.status == 1)
        #expect(badCopy.stderr.contains("model \"ghost\" not found"))
    }

    @Test("an unreachable server is a clear error and exit code 1")
    func unreachable() throws {
        let result = try runProduct("ollama-deck", ["list", "--host", "http://127.0.0.1:1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot reach http://127.0.0.1:1: connection refused"))
    }
}
