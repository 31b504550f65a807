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
        #expect(try run(sim, ["ps", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" ||
                (try run(sim, ["ps", "--json"]).stdout.contains("[")))
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
