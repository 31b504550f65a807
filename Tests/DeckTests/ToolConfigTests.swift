import DeckConfig
import DeckCore
@testable import DeckStore
import Foundation
import OllamaKit
import Testing

@Suite("Tools: mcp: in the config file, --mcp, and tool calls in the chat store")
struct ToolConfigTests {
    @Test("three lines of config start mcp-server-time; args, env, trusted and url servers read too")
    func validConfig() throws {
        let text = """
            mcp:
              time:
                command: uvx mcp-server-time --local-timezone 'Asia/Taipei'
              files:
                command: npx
                args: ["-y", "@modelcontextprotocol/server-filesystem", "/home/me/notes"]
                env: {LOG_LEVEL: warn}
                trusted: [read_file]
              search:
                url: https://mcp.example.com/mcp
                headers: {Authorization: "Bearer sk-secret"}
            tool_timeout: 90
            """
        let config = try FleetConfig.parse(text, path: "c.yaml", environment: [:])
        #expect(config.toolServers.map(\.name) == ["time", "files", "search"])
        #expect(config.toolServers[0].transport == .stdio(command: ["uvx", "mcp-server-time", "--local-timezone", "Asia/Taipei"], environment: [:]))
        #expect(config.toolServers[1].transport == .stdio(
            command: ["npx", "-y", "@modelcontextprotocol/server-filesystem", "/home/me/notes"], environment: ["LOG_LEVEL": "warn"]))
        #expect(config.toolServers[1].trusted == ["read_file"])
        #expect(config.toolServers[2].transport == .http(url: "https://mcp.example.com/mcp", headers: ["Authorization": "Bearer sk-secret"]))
        #expect(config.toolTimeout == 90)
        // Env and header values never show.
        #expect(config.toolServers[1].description == "LOG_LEVEL=… npx -y @modelcontextprotocol/server-filesystem /home/me/notes")
        #expect(config.toolServers[2].description == "https://mcp.example.com/mcp (+ 1 header)")
    }

    @Test("each mistake under mcp: names the line", arguments: [
        ("mcp:\n  t:\n    comand: x\n", 3, "unknown setting 'comand'"),
        ("mcp:\n  t:\n    args: [a]\n", 2, "give command: (a program to start) or url:"),
        ("mcp:\n  t:\n    command: x\n    url: http://a\n", 2, "not both"),
        ("mcp:\n  t:\n    command: \"x 'open\"\n", 3, "ends inside a ' quote"),
        ("mcp:\n  t:\n    url: ftp://a\n", 3, "http:// or https://"),
        ("mcp:\n  bad name:\n    command: x\n", 2, "letters, digits"),
        ("mcp:\n  t: uvx thing\n", 2, "give command: (and args:) or url: under it"),
        ("tool_timeout: soon\n", 1, "a number of seconds"),
    ])
    func badConfig(text: String, line: Int, words: String) {
        #expect {
            try FleetConfig.parse(text, path: "c.yaml", environment: [:])
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.line == line && error.problem.contains(words)
        }
    }

    @Test("--mcp NAME=COMMAND splits as a shell would; NAME=URL is Streamable HTTP; a --mcp name replaces the file's")
    func flags() throws {
        #expect(try ToolServerArgument.parse("time=uvx mcp-server-time").get().transport
            == .stdio(command: ["uvx", "mcp-server-time"], environment: [:]))
        #expect(try ToolServerArgument.parse("web=https://mcp.example.com/mcp").get().transport
            == .http(url: "https://mcp.example.com/mcp", headers: [:]))
        #expect(ToolServerArgument.parse("uvx mcp-server-time") == .failure(ToolFailure(
            "'uvx mcp-server-time': give NAME=COMMAND, such as --mcp 'time=uvx mcp-server-time'")))
        #expect(ToolServerArgument.parse("time=") == .failure(ToolFailure("time: no command after '='")))
        let directory = NSTemporaryDirectory() + "deck-mcp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/config.yaml"
        try "mcp:\n  time:\n    command: old-command\n  other:\n    command: other\n".write(toFile: path, atomically: true, encoding: .utf8)
        let fleet = try Fleet.resolve(hosts: [], configPath: path, environment: [:], toolServers: ["time=new-command --flag"])
        #expect(fleet.toolServers.map(\.name) == ["other", "time"])
        #expect(fleet.toolServers.last?.transport == .stdio(command: ["new-command", "--flag"], environment: [:]))
        #expect(throws: ConfigError(path: "--mcp", line: nil, problem: "'x': give NAME=COMMAND, such as --mcp 'time=uvx mcp-server-time'")) {
            try Fleet.resolve(hosts: [], configPath: path, environment: [:], toolServers: ["x"])
        }
    }

    @Test("a reply's tool calls and a tool entry's call round-trip through the store, and results are searchable")
    func storeRoundTrip() throws {
        let store = try ChatStore(path: NSTemporaryDirectory() + "deck-store-\(UUID().uuidString).sqlite")
        try store.save(SessionHeader(key: "s", title: "time", model: "qwen3:8b", system: nil, options: [:], updatedAt: epoch))
        try store.save(ChatEntry(role: .user, content: "what time is it in Taipei?"), session: "s", position: 0, complete: true)
        var reply = ChatEntry(role: .assistant, content: "")
        reply.toolCalls = [ToolCall(id: "call_k3v9x2qa", function: .init(index: 0, name: "get_current_time", arguments: ["timezone": .string("Asia/Taipei")]))]
        try store.save(reply, session: "s", position: 1, complete: true)
        var result = ChatEntry(role: .tool, content: #"{"datetime": "2026-12-05T01:17:04+08:00"}"#)
        result.tool = ToolCallRecord(name: "get_current_time", id: "call_k3v9x2qa", server: "time", tool: "get_current_time",
                                     arguments: ["timezone": .string("Asia/Taipei")], state: .done)
        try store.save(result, session: "s", position: 2, complete: true)
        let record = try #require(try ChatStore(path: store.path).session("s"))
        #expect(record.entries.map(\.role) == [.user, .assistant, .tool])
        #expect(record.entries[1].toolCalls == reply.toolCalls)
        #expect(record.entries[2].tool == result.tool)
        var pane = ChatPane(id: 1)
        pane.load(record)
        #expect(pane.requestMessages.map(\.role) == ["user", "assistant", "tool"])
        #expect(pane.requestMessages[2].toolName == "get_current_time")
        let hits = try store.search("2026-12-05T01")
        #expect(hits.map(\.sessionKey) == ["s"])
    }
}
